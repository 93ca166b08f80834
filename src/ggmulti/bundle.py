"""Per-language bundles for multicultural centers: one PDF of every release and a zip to hand out.

A center prints one file or copies one zip to a USB stick; both are written through the store (so they
are listed in the manifest with their sha256) and have fixed bytes for the same input: the PDF through
the PDF renderer's fixed /ID, the zip with fixed timestamps, modes and member order.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .config import Config
from .model import Artifact, TranslatedRelease
from .render.html import BundleEntry, HtmlRenderer
from .render.pdf import PdfRenderer
from .store import OutputStore

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no wall clock in the output
_STORED = (".pdf", ".mp3")  # already compressed


@dataclass(frozen=True)
class BundlePaths:
    """Where a language's bundle lives, relative to the output folder and to its index page."""

    code: str

    @property
    def pdf(self) -> str:
        return f"{self.code}/bundle/{self.code}-releases.pdf"

    @property
    def zip(self) -> str:
        return f"{self.code}/bundle/{self.code}-releases.zip"


def write_bundles(
    store: OutputStore,
    html: HtmlRenderer,
    pdf: PdfRenderer,
    config: Config,
    translated: Mapping[tuple[str, str], Any],
    releases: Sequence[dict[str, Any]],
) -> tuple[list[Artifact], set[str]]:
    """Bundle PDF + zip for each language with a release translated in this build; newest release first.

    ``releases`` are the merged manifest entries (newest first): audio and transcripts are taken from
    the artifacts they list, as already written by this build.
    """
    artifacts: list[Artifact] = []
    done: set[str] = set()
    for code, cfg in sorted(config.languages.items()):
        chosen = [
            (entry, tr)
            for entry in releases
            if isinstance(tr := translated.get((entry["id"], code)), TranslatedRelease)
        ]
        if not chosen:
            continue
        paths = BundlePaths(code)
        document = pdf.render(html.bundle_print(cfg, [tr for _, tr in chosen]), identity=f"bundle/{code}")
        artifacts.append(store.write(paths.pdf, document, "bundle-pdf"))
        members: list[tuple[str, bytes]] = [(f"{code}-releases.pdf", document)]
        index: list[BundleEntry] = []
        for entry, tr in chosen:
            files = {a["kind"]: a["path"] for a in entry["editions"][code].get("artifacts", [])}
            found: dict[str, str] = {}
            for kind, folder in (("pdf", "pdf"), ("audio", "audio"), ("transcript", "audio")):
                path = files.get(kind)
                data = store.read(path) if path else None
                if path and data is not None:
                    name = f"{folder}/{path.rsplit('/', 1)[-1]}"
                    members.append((name, data))
                    found[kind] = name
            index.append(
                BundleEntry(
                    title=tr.title.text,
                    title_lang_tag=config.language(tr.title.lang).bcp47
                    if tr.title.lang in config.languages
                    else tr.title.lang,
                    date=tr.release.date,
                    pdf=found.get("pdf"),
                    audio=found.get("audio"),
                    transcript=found.get("transcript"),
                )
            )
        members.append(("index.html", html.bundle_index(cfg, index).encode("utf-8")))
        artifacts.append(store.write(paths.zip, deterministic_zip(members), "bundle-zip"))
        done.add(code)
    return artifacts, done


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
