"""Bundles for multicultural centers: per language and period, one combined PDF, a talking book (EPUB,
when the build makes EPUBs) and a zip with all of them to hand out.

A center prints one file or copies one zip to a USB stick ("Lao — November 2025"). Bundles are made
over the whole catalogue from the published editions' text (formats/data.py), so publishing one new
release rebuilds only its own period's bundle, and every other bundle stays byte for byte. A bundle's
key is made of its editions' keys (which cover the templates): same key, bundle reused as it stands.
Fixed bytes for the same input: the PDF through the renderer's fixed /ID, the zip with fixed times,
modes and order (each member dated by its release, the bundle's own files by its last release; never
the wall clock). The EPUB reads each release aloud from its published MP3, timed by the sentence cues of
its published transcript (speech/vtt.py).

A bundle reads like the period's booklet, first release first (PDF, EPUB and the zip's index; the
manifest lists a bundle's releases newest first, as it lists everything). The PDF is a cover joined to
one part per release (render/pdfjoin.py), each part rendered alone with its pages numbered on from the
part before and kept in the work cache: the day's new release is appended as one new part, and the
releases before it keep their parts and page numbers.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from ..cache import key_of
from ..errors import GgmultiError, TranscriptError
from ..incremental import bundle_key, intact
from ..labels import keys_of
from ..manifest import Artifact, ArtifactKind, Bundle, Catalogue, ReleaseEntry
from ..model import SegmentCounts, TranslatedRelease, is_closing
from ..paths import LanguagePaths
from ..render.epub import EpubAudio, epub_audio
from ..render.html import BundleEntry
from ..render.units import file_size
from ..speech.vtt import sentence_timings
from .api import BuildContext, Output, SiteInput, SiteResult
from .data import load_translated
from .epub import chapter, talking_book

if TYPE_CHECKING:
    from markupsafe import Markup

    from ..cache import WorkCache
    from ..config import LanguageConfig
    from ..render.html import HtmlRenderer
    from ..render.pdf import PdfRenderer

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: for members with no date at all
ZipTime = tuple[int, int, int, int, int, int]
UNDATED = "undated"
_STORED = (".pdf", ".mp3", ".epub")  # already compressed
# Edition files a bundle zip carries, and the folder each goes to inside the zip.
_PART = "bundle-part"  # work-cache blobs: one release's rendered part of a bundle PDF
_MEMBERS = ((ArtifactKind.PDF, "pdf"), (ArtifactKind.AUDIO, "audio"), (ArtifactKind.TRANSCRIPT, "audio"))


def period_of(date: str | None, period: str) -> str:
    """The bundle a release belongs to: "2025-11" (month), "2025-Q4" (quarter), "2025" (year)."""
    if not date:
        return UNDATED
    year, month = date[:4], int(date[5:7])
    if period == "year":
        return year
    if period == "quarter":
        return f"{year}-Q{(month - 1) // 3 + 1}"
    return f"{year}-{month:02d}"


def planned(
    catalogue: Catalogue, period: str, languages: Collection[str]
) -> dict[tuple[str, str], list[ReleaseEntry]]:
    """(language, period) -> the releases with a listed edition in that language, newest first.

    Only the site's ``languages`` get bundles (not a release's original in a language the site is not
    published in)."""
    groups: dict[tuple[str, str], list[ReleaseEntry]] = {}
    for entry, lang, edition in catalogue.editions():
        if lang in languages and edition.listed and edition.artifact(ArtifactKind.DATA) is not None:
            groups.setdefault((lang, period_of(entry.date, period)), []).append(entry)
    return groups


class Bundles:
    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx

    def generate(self, site: SiteInput, earlier: Sequence[SiteResult]) -> SiteResult:
        groups = planned(site.catalogue, self.ctx.config.bundles.period, self.ctx.config.site_languages())
        old = site.previous
        written: list[Artifact] = []
        kept: list[Artifact] = []
        bundles: list[Bundle] = []
        renderer: PdfRenderer | None = None
        epub = "epub" in self.ctx.formats
        for (lang, period), entries in sorted(groups.items()):
            editions = [e.editions[lang] for e in entries]
            name = Bundle.name_of(lang, period)
            key = bundle_key(name, [ed.inputs.key for ed in editions if ed.inputs is not None])
            previous = old.bundles.get(name) if old is not None else None
            wanted = (
                (previous.pdf, previous.zip, *([previous.epub] if previous.epub else ())) if previous else ()
            )
            files = [a for a in old.site if a.path in wanted] if old else []
            if (
                previous is not None
                and previous.key == key
                and (previous.epub is not None) == epub
                and len(files) == len(wanted)
                and intact(self.ctx.store, files)
            ):
                kept += files
                bundles.append(previous)
                continue
            if renderer is None:
                from ..render.pdf import PdfRenderer  # WeasyPrint: imported only when a bundle is built

                renderer = PdfRenderer()  # fonts loaded once for every bundle of the build
            self.ctx.log(f"building bundle {lang} {period}")
            made, audio = self._bundle(renderer, lang, period, entries, epub)
            written += self.ctx.write(made)  # now: a catalogue's bundles would not fit in memory
            paths = LanguagePaths(lang)
            bundles.append(
                Bundle(
                    lang=lang,
                    period=period,
                    key=key,
                    releases=tuple(e.id for e in entries),
                    audio=audio,
                    pdf=paths.bundle_pdf(period),
                    zip=paths.bundle_zip(period),
                    epub=paths.bundle_epub(period) if epub else None,
                )
            )
        if self.ctx.work is not None:  # parts of bundles that no longer exist
            self.ctx.work.retain_owners(_PART, [Bundle.name_of(lang, period) for lang, period in groups])
        return SiteResult(kept=tuple(kept), bundles=tuple(bundles), written=tuple(written))

    def _bundle(
        self, renderer: PdfRenderer, lang: str, period: str, entries: Sequence[ReleaseEntry], epub: bool
    ) -> tuple[list[Output], bool]:
        """Bundle PDF (+ EPUB) + zip for one language and period, first release first; and whether it
        has audio."""
        config, html = self.ctx.config, self.ctx.html
        cfg = config.language(lang)
        paths = LanguagePaths(lang)
        chosen: list[tuple[ReleaseEntry, TranslatedRelease]] = []
        for entry in entries:
            text = entry.editions[lang].artifact(ArtifactKind.DATA)
            tr = load_translated(self.ctx, text.path) if text is not None else None
            if tr is not None:
                chosen.append((entry, tr))
        chosen.reverse()  # entries come newest first; a bundle reads first release first
        label = html.period_label(period, cfg)
        document = bundle_pdf(
            renderer,
            html,
            [tr for _, tr in chosen],
            lang=cfg,
            period=label,
            identity=f"bundle/{lang}/{period}",
            work=self.ctx.work,
            owner=Bundle.name_of(lang, period),
        )
        combined = paths.bundle_pdf(period).rsplit("/", 1)[-1]
        last = zip_time(max((e.date for e, _ in chosen if e.date), default=None))
        members: list[tuple[str, bytes, ZipTime]] = [(combined, document, last)]
        index: list[BundleEntry] = []
        for entry, tr in chosen:
            edition = entry.editions[lang]
            found: dict[ArtifactKind, str] = {}
            sizes: dict[ArtifactKind, str] = {}
            for kind, folder in _MEMBERS:
                artifact = edition.artifact(kind)
                data = self.ctx.read(artifact.path) if artifact is not None else None
                if artifact is not None and data is not None:
                    name = f"{folder}/{artifact.path.rsplit('/', 1)[-1]}"
                    members.append((name, data, zip_time(entry.date)))
                    found[kind] = name
                    sizes[kind] = file_size(len(data), cfg.bcp47)
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
                    pdf_size=sizes.get(ArtifactKind.PDF, ""),
                    audio_size=sizes.get(ArtifactKind.AUDIO, ""),
                    label=html.labels(lang, keys_of(SegmentCounts.of(tr.segments))),
                )
            )
        audio = any(e.audio for e in index)
        outputs = [Output(paths.bundle_pdf(period), ArtifactKind.BUNDLE_PDF, document)]
        book_name = None
        if epub:
            book = talking_book(
                self.ctx,
                lang,
                [chapter(self.ctx, tr, self._spoken(entry, tr)) for entry, tr in chosen],
                identifier=f"urn:ggmulti:bundle:{lang}:{period}",
                title=f"{html.site_title(lang)}: {label.striptags()}",
            )
            outputs.append(Output(paths.bundle_epub(period), ArtifactKind.BUNDLE_EPUB, book))
            book_name = paths.bundle_epub(period).rsplit("/", 1)[-1]
            members.append((book_name, book, last))
        page = html.bundle_index(
            cfg,
            index,
            period=label,
            combined=combined,
            combined_size=file_size(len(document), cfg.bcp47),
            epub=book_name,
            epub_size=file_size(len(book), cfg.bcp47) if epub else "",
        )
        members.append(("index.html", page.encode("utf-8"), last))
        outputs.append(Output(paths.bundle_zip(period), ArtifactKind.BUNDLE_ZIP, deterministic_zip(members)))
        return outputs, audio

    def _spoken(self, entry: ReleaseEntry, tr: TranslatedRelease) -> EpubAudio | None:
        """A published edition's MP3 with its sentences' times, read back from its transcript."""
        edition = entry.editions[tr.lang]
        mp3, vtt = edition.artifact(ArtifactKind.AUDIO), edition.artifact(ArtifactKind.TRANSCRIPT)
        if mp3 is None or vtt is None:
            return None
        sound, cues = self.ctx.read(mp3.path), self.ctx.read(vtt.path)
        if sound is None or cues is None:
            return None
        where = str(self.ctx.store.root / vtt.path)
        timings = tuple(t for t in sentence_timings(cues, where) if not is_closing(t.key))  # the help line
        keys = [s.segment.key for s in tr.segments]
        if [t.key for t in timings] != keys:
            raise TranscriptError(
                f"{where}: its cues are not the sentences of the published edition "
                f"({len(timings)} cues, {len(keys)} sentences); rebuild the edition"
            )
        return epub_audio(sound, timings)


def bundle_pdf(
    renderer: PdfRenderer,
    html: HtmlRenderer,
    releases: Sequence[TranslatedRelease],
    *,
    lang: LanguageConfig,
    period: Markup,
    identity: str,
    work: WorkCache | None = None,
    owner: str = "",
) -> bytes:
    """Cover + one part per release, joined; with ``work``, a part is rendered only when its HTML is
    new (parts are kept under ``owner``, the bundle's name, and replaced when it is rebuilt)."""
    from ..render.pdfjoin import join, page_count

    parts: list[bytes] = []
    starts: list[int] = []
    used: list[str] = []
    first, code = 1, renderer.fingerprint()
    for tr in releases:
        page = html.bundle_part(tr, first_page=first)
        key = key_of(code, page)
        data = work.get_blob(_PART, key) if work is not None else None
        pages = page_count(data) if data is not None else None
        if data is None or pages is None:  # not cached, or a damaged entry: render it
            data = renderer.render(page, identity=f"{identity}/{tr.release.id}")
            pages = page_count(data)
            if pages is None:
                raise GgmultiError(
                    f"PDF for {identity}/{tr.release.id}: the renderer's output is not readable"
                )
            if work is not None:
                work.put_blob(_PART, key, owner, data)
        used.append(key)
        parts.append(data)
        starts.append(first)
        first += pages
    if work is not None:
        work.retain_blobs(_PART, owner, used)
    cover = renderer.render(
        html.bundle_cover(lang, list(zip(releases, starts, strict=True)), period=period), identity=identity
    )
    return join(cover, parts, identity=identity)


def zip_time(date: str | None) -> ZipTime:
    """A member's time in the zip: noon (KST, as zips hold local times) of its release's date.

    Noon, not midnight: a file manager in another time zone still shows the release's own day."""
    if not date:
        return ZIP_EPOCH
    return (int(date[:4]), int(date[5:7]), int(date[8:10]), 12, 0, 0)


def deterministic_zip(members: Sequence[tuple[str, bytes, ZipTime]]) -> bytes:
    """A zip whose bytes depend only on the members: sorted names, given times, mode 0644, Unix origin."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, when in sorted(members):
            info = zipfile.ZipInfo(name, date_time=when)
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_STORED if name.endswith(_STORED) else zipfile.ZIP_DEFLATED
            archive.writestr(
                info, data, compresslevel=9 if info.compress_type == zipfile.ZIP_DEFLATED else None
            )
    return buffer.getvalue()
