"""Per-language bundles for multicultural centers: one PDF of every release and a zip to hand out.

A center prints one file or copies one zip to a USB stick. A bundle is rebuilt only when an edition in
it changed (its key is made of the editions' keys, which cover the templates), and has fixed bytes for
the same input: the PDF through the renderer's fixed /ID, the zip with fixed times, modes and order.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..incremental import bundle_key, intact
from ..manifest import Artifact, ArtifactKind, ReleaseEntry
from ..model import TranslatedRelease
from ..paths import LanguagePaths
from ..render.html import BundleEntry
from .api import BuildContext, Output, SiteInput, SiteResult

if TYPE_CHECKING:
    from ..render.pdf import PdfRenderer

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no wall clock in the output
_STORED = (".pdf", ".mp3")  # already compressed
_BUNDLE_KINDS = (ArtifactKind.BUNDLE_PDF, ArtifactKind.BUNDLE_ZIP)
# Edition files a bundle zip carries, and the folder each goes to inside the zip.
_MEMBERS = ((ArtifactKind.PDF, "pdf"), (ArtifactKind.AUDIO, "audio"), (ArtifactKind.TRANSCRIPT, "audio"))


class Bundles:
    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx

    def generate(self, site: SiteInput, earlier: Sequence[SiteResult]) -> SiteResult:
        keys: dict[str, list[str]] = {}
        for (_rid, lang), key in site.edition_keys.items():
            keys.setdefault(lang, []).append(key)
        wanted = {lang: bundle_key(lang, k) for lang, k in keys.items()}
        old = site.previous
        old_files = [a for a in old.site if a.kind in _BUNDLE_KINDS] if old is not None else []

        def files_of(lang: str) -> list[Artifact]:
            return [a for a in old_files if a.path.startswith(LanguagePaths(lang).bundle_folder)]

        reuse = {
            lang
            for lang, key in wanted.items()
            if old is not None
            and old.bundles.get(lang) == key
            and (files := files_of(lang))
            and intact(self.ctx.store, files)
        }
        kept = tuple(a for lang in sorted(reuse) for a in files_of(lang))
        rebuild = sorted(set(wanted) - reuse)
        outputs: list[Output] = []
        done = set(reuse)
        if rebuild:
            from ..render.pdf import PdfRenderer  # WeasyPrint: imported only when a bundle is built

            self.ctx.log(f"building bundles: {', '.join(rebuild)}")
            renderer = PdfRenderer()  # fonts loaded once for every bundle of the build
            for lang in rebuild:
                chosen = [
                    (entry, tr)
                    for entry in site.catalogue.releases
                    if (tr := site.translated.get((entry.id, lang))) is not None
                ]
                if chosen:
                    outputs += self._bundle(renderer, lang, chosen)
                    done.add(lang)
        return SiteResult(
            outputs=tuple(outputs),
            kept=kept,
            bundles={lang: key for lang, key in wanted.items() if lang in done},
        )

    def _bundle(
        self, renderer: PdfRenderer, lang: str, chosen: Sequence[tuple[ReleaseEntry, TranslatedRelease]]
    ) -> list[Output]:
        """Bundle PDF + zip for one language, newest release first."""
        config, html = self.ctx.config, self.ctx.html
        cfg = config.language(lang)
        paths = LanguagePaths(lang)
        document = renderer.render(
            html.bundle_print(cfg, [tr for _, tr in chosen]), identity=f"bundle/{lang}"
        )
        members: list[tuple[str, bytes]] = [(paths.bundle_pdf.rsplit("/", 1)[-1], document)]
        index: list[BundleEntry] = []
        for entry, tr in chosen:
            edition = entry.editions[lang]
            found: dict[ArtifactKind, str] = {}
            for kind, folder in _MEMBERS:
                artifact = edition.artifact(kind)
                data = self.ctx.read(artifact.path) if artifact is not None else None
                if artifact is not None and data is not None:
                    name = f"{folder}/{artifact.path.rsplit('/', 1)[-1]}"
                    members.append((name, data))
                    found[kind] = name
            index.append(
                BundleEntry(
                    title=tr.title.text,
                    title_lang_tag=config.language(tr.title.lang).bcp47
                    if tr.title.lang in config.languages
                    else tr.title.lang,
                    date=tr.release.date,
                    pdf=found.get(ArtifactKind.PDF),
                    audio=found.get(ArtifactKind.AUDIO),
                    transcript=found.get(ArtifactKind.TRANSCRIPT),
                )
            )
        members.append(("index.html", html.bundle_index(cfg, index).encode("utf-8")))
        return [
            Output(paths.bundle_pdf, ArtifactKind.BUNDLE_PDF, document),
            Output(paths.bundle_zip, ArtifactKind.BUNDLE_ZIP, deterministic_zip(members)),
        ]


def deterministic_zip(members: Sequence[tuple[str, bytes]]) -> bytes:
    """A zip whose bytes depend only on the members: sorted names, fixed time, mode 0644, Unix origin."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_STORED if name.endswith(_STORED) else zipfile.ZIP_DEFLATED
            archive.writestr(
                info, data, compresslevel=9 if info.compress_type == zipfile.ZIP_DEFLATED else None
            )
    return buffer.getvalue()
