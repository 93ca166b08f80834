"""EPUB 3 talking books: reflowable text in any reading app, read aloud sentence by sentence.

One pure function, :func:`epub_edition`, turns an :class:`EpubBook` into the bytes of an ``.epub``:
one XHTML content document per chapter (a release), a navigation document, package metadata with the
accessibility metadata EPUB Accessibility 1.1 asks for, and where a chapter has audio, a Media Overlay
(SMIL) with one ``<par>`` per sentence tying the sentence's element to its clip of the chapter's MP3.
The clip times are the synthesis offsets of each sentence (see speech/encode.py), so no forced
alignment is involved. Fonts are not embedded: reading apps bring their own and let readers choose.

Same book, same bytes: the ZIP has fixed timestamps, a fixed entry order and ``mimetype`` first and
stored; ``dcterms:modified`` is a field of the book, never the clock.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from ..model import Origin, TranslatedRelease, TranslatedSegment
from ..segment import join_sentences
from ..speech.encode import SentenceTiming

OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
XHTML_NS = "http://www.w3.org/1999/xhtml"
OPS_NS = "http://www.idpf.org/2007/ops"
SMIL_NS = "http://www.w3.org/ns/SMIL"
CONTAINER_NS = "urn:oasis:names:tc:opendocument:xmlns:container"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

EPUB_TYPE = "application/epub+zip"
ACTIVE_CLASS = "ggmulti-reading"  # media:active-class: the sentence being read
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP entry can carry
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
_MODIFIED = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")

STYLE = f"""\
body {{ line-height: 1.6; }}
h1 {{ font-size: 1.5em; line-height: 1.3; }}
h2 {{ font-size: 1.2em; }}
p.meta {{ font-size: 0.9em; }}
p.notice {{ border-left: 0.25em solid currentColor; padding-left: 0.5em; }}
.untranslated {{ font-style: italic; }}
table.names {{ border-collapse: collapse; }}
table.names th, table.names td {{ border: 1px solid currentColor; padding: 0.2em 0.5em; text-align: start; }}
.{ACTIVE_CLASS} {{ background-color: #ffe066; color: #000000; }}
"""


@dataclass(frozen=True)
class EpubSentence:
    id: str  # fragment id, unique in the book, "s-..." (other ids are the package's): see fragment_id()
    text: str
    lang: str | None = None  # BCP 47 tag when the sentence is in another language than the book
    untranslated: bool = False  # shown in the source language because no approved translation exists
    space_after: bool = True  # False between two Chinese sentences (the web page's separator rule)


@dataclass(frozen=True)
class EpubName:
    """A glossary name as the edition writes it, with the Korean original residents see on signs."""

    name: str
    korean: str
    korean_lang: str = "ko"


@dataclass(frozen=True)
class EpubClip:
    sentence_id: str
    begin: float  # seconds into the chapter's MP3
    end: float


@dataclass(frozen=True)
class EpubAudio:
    mp3: bytes
    clips: tuple[EpubClip, ...]  # one per sentence read, in reading order


@dataclass(frozen=True)
class EpubChapter:
    """One release: its title (read first), date line, paragraphs, names table and optional audio."""

    title: EpubSentence
    paragraphs: tuple[tuple[EpubSentence, ...], ...]
    date: str | None = None  # YYYY-MM-DD, for <time datetime>
    date_text: str | None = None  # the date as the reader's locale writes it (default: ``date``)
    notice: str | None = None  # e.g. "Some sentences are not translated yet", in the book's language
    names: tuple[EpubName, ...] = ()
    audio: EpubAudio | None = None


@dataclass(frozen=True)
class EpubLabels:
    """Headings the book shows, in its language (the web pages' interface strings)."""

    contents: str = "Contents"
    names: str = "Names in this release"
    name_col: str = "Name"
    korean_col: str = "In Korean"


@dataclass(frozen=True)
class EpubBook:
    identifier: str  # stable across builds, e.g. urn:ggmulti:<release>:<lang>
    title: str
    language: str  # BCP 47
    publisher: str
    date: str | None  # YYYY-MM-DD publication date
    modified: str  # dcterms:modified, CCYY-MM-DDThh:mm:ssZ, derived from the inputs
    accessibility_summary: str  # in the book's language
    chapters: tuple[EpubChapter, ...]
    direction: str = "ltr"  # ltr | rtl
    publisher_lang: str | None = None  # BCP 47 of the publisher's name when it differs (e.g. "en")
    labels: EpubLabels = EpubLabels()


def fragment_id(key: str) -> str:
    """An XML id for a segment key ("r-1:p0:s2" -> "s-r-1.p0.s2"): ids may not contain colons."""
    return "s-" + _UNSAFE_ID.sub("_", key.replace(":", "."))


# ------------------------------------------------------------------- from the pipeline's values


def epub_audio(mp3: bytes, timings: Sequence[SentenceTiming]) -> EpubAudio:
    """An edition's MP3 and its sentence timings (SpokenEdition.audio.mp3 / .timings) as overlay clips."""
    return EpubAudio(mp3, tuple(EpubClip(fragment_id(t.key), t.start, t.end) for t in timings))


def epub_chapter(
    tr: TranslatedRelease,
    tag: Callable[[str], str],
    *,
    names: Sequence[EpubName] = (),
    audio: EpubAudio | None = None,
    date_text: str | None = None,
    notice: str | None = None,
) -> EpubChapter:
    """A translated edition as a chapter; ``tag`` maps a language code to its BCP 47 tag (config)."""

    def sentence(seg: TranslatedSegment, following: TranslatedSegment | None = None) -> EpubSentence:
        return EpubSentence(
            id=fragment_id(seg.segment.key),
            text=seg.text,
            lang=tag(seg.lang) if seg.lang != tr.lang else None,
            untranslated=seg.origin is Origin.UNTRANSLATED,
            space_after=following is None
            or join_sentences([seg.text, following.text]) != seg.text + following.text,
        )

    paragraphs = tuple(
        tuple(sentence(seg, para[i + 1] if i + 1 < len(para) else None) for i, seg in enumerate(para))
        for para in tr.paragraphs
        if para
    )
    return EpubChapter(
        title=sentence(tr.title),
        paragraphs=paragraphs,
        date=tr.release.date,
        date_text=date_text,
        notice=notice,
        names=tuple(names),
        audio=audio,
    )


# ------------------------------------------------------------------------------------------ checks


def _check(book: EpubBook) -> None:
    where = f"EPUB {book.identifier}"
    if not book.chapters:
        raise ValueError(f"{where}: no chapters")
    if not _MODIFIED.match(book.modified):
        raise ValueError(f"{where}: modified {book.modified!r} is not CCYY-MM-DDThh:mm:ssZ")
    if not book.accessibility_summary.strip():
        raise ValueError(f"{where}: empty accessibility summary")
    if book.direction not in ("ltr", "rtl"):
        raise ValueError(f"{where}: direction {book.direction!r} is neither ltr nor rtl")
    seen: set[str] = set()
    for n, chapter in enumerate(book.chapters, start=1):
        ids = [s.id for s in _sentences(chapter)]
        for sid in ids:
            if not (_NCNAME.match(sid) and sid.startswith("s-")):
                raise ValueError(f"{where}: chapter {n}: sentence id {sid!r} is not an XML id starting 's-'")
            if sid in seen:
                raise ValueError(f"{where}: chapter {n}: sentence id {sid!r} used twice")
            seen.add(sid)
        if chapter.audio is not None:
            known = set(ids)
            previous = 0.0
            if not chapter.audio.clips:
                raise ValueError(f"{where}: chapter {n}: audio without clips")
            for clip in chapter.audio.clips:
                if clip.sentence_id not in known:
                    raise ValueError(f"{where}: chapter {n}: clip for unknown sentence {clip.sentence_id!r}")
                if not previous <= clip.begin < clip.end:
                    raise ValueError(
                        f"{where}: chapter {n}: clip {clip.sentence_id} {clip.begin}-{clip.end} s "
                        "is empty or out of order"
                    )
                previous = clip.end


def _sentences(chapter: EpubChapter) -> Iterable[EpubSentence]:
    yield chapter.title
    for para in chapter.paragraphs:
        yield from para


# ------------------------------------------------------------------------------------------- XHTML


def _default_ns(uri: str, **prefixed: str) -> Any:
    """An lxml nsmap with a default namespace (the None key, which lxml-stubs does not allow for)."""
    return {None: uri, **prefixed}


def _x(tag: str) -> str:
    return f"{{{XHTML_NS}}}{tag}"


def _lang(el: etree._Element, tag: str) -> None:
    el.set("lang", tag)
    el.set(XML_LANG, tag)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, _x(tag), {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _span(parent: etree._Element, sentence: EpubSentence) -> etree._Element:
    span = _sub(parent, "span", sentence.text, id=sentence.id)
    if sentence.lang:
        _lang(span, sentence.lang)
    if sentence.untranslated:
        span.set("class", "untranslated")
    return span


def _html(book: EpubBook, title: str) -> tuple[etree._Element, etree._Element]:
    html = etree.Element(_x("html"), nsmap=_default_ns(XHTML_NS, epub=OPS_NS))
    _lang(html, book.language)
    html.set("dir", book.direction)
    head = _sub(html, "head")
    _sub(head, "meta", charset="utf-8")
    _sub(head, "title", title)
    _sub(head, "link", rel="stylesheet", type="text/css", href="style.css")
    return html, _sub(html, "body")


def _serialize(root: etree._Element) -> bytes:
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")
    return data + b"\n"


def _chapter_doc(book: EpubBook, chapter: EpubChapter, n: int) -> bytes:
    html, body = _html(book, chapter.title.text)
    section = _sub(body, "section", id=f"c{n}", role="doc-chapter", **{"aria-labelledby": f"h-{n}"})
    section.set(f"{{{OPS_NS}}}type", "chapter")
    h1 = _sub(section, "h1", id=f"h-{n}")
    _span(h1, chapter.title)
    if chapter.date:
        meta = _sub(section, "p", class_="meta")
        _sub(meta, "time", chapter.date_text or chapter.date, datetime=chapter.date)
    if chapter.notice:
        _sub(section, "p", chapter.notice, class_="notice", role="note")
    for para in chapter.paragraphs:
        p = _sub(section, "p")
        for i, sentence in enumerate(para):
            span = _span(p, sentence)
            if i + 1 < len(para) and sentence.space_after:
                span.tail = " "
    if chapter.names:
        names = _sub(section, "section", class_="names", **{"aria-labelledby": f"names-{n}"})
        _sub(names, "h2", book.labels.names, id=f"names-{n}")
        table = _sub(names, "table", class_="names")
        row = _sub(_sub(table, "thead"), "tr")
        _sub(row, "th", book.labels.name_col, scope="col")
        _sub(row, "th", book.labels.korean_col, scope="col")
        tbody = _sub(table, "tbody")
        for name in chapter.names:
            row = _sub(tbody, "tr")
            _sub(row, "td", name.name)
            _lang(_sub(row, "td", name.korean), name.korean_lang)
    return _serialize(html)


def _nav_doc(book: EpubBook) -> bytes:
    html, body = _html(book, book.labels.contents)
    nav = _sub(body, "nav", id="toc", role="doc-toc", **{"aria-labelledby": "toc-h"})
    nav.set(f"{{{OPS_NS}}}type", "toc")
    _sub(nav, "h1", book.labels.contents, id="toc-h")
    ol = _sub(nav, "ol")
    for n, chapter in enumerate(book.chapters, start=1):
        a = _sub(_sub(ol, "li"), "a", chapter.title.text, href=f"c{n}.xhtml")
        if chapter.title.lang:
            _lang(a, chapter.title.lang)
    landmarks = _sub(body, "nav", hidden="hidden")
    landmarks.set(f"{{{OPS_NS}}}type", "landmarks")
    ol = _sub(landmarks, "ol")
    toc = _sub(_sub(ol, "li"), "a", book.labels.contents, href="nav.xhtml#toc")
    toc.set(f"{{{OPS_NS}}}type", "toc")
    start = _sub(_sub(ol, "li"), "a", book.chapters[0].title.text, href="c1.xhtml")
    start.set(f"{{{OPS_NS}}}type", "bodymatter")
    if book.chapters[0].title.lang:
        _lang(start, book.chapters[0].title.lang)
    return _serialize(html)


# -------------------------------------------------------------------------------------------- SMIL


def clock(seconds: float) -> str:
    """An SMIL clock value to the millisecond, h:mm:ss.fff (also media:duration's form)."""
    ms = round(seconds * 1000)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours}:{minutes:02d}:{secs:02d}.{ms:03d}"


def _clip_ms(clips: Sequence[EpubClip]) -> int:
    """The overlay's duration: the sum of its clips, in the milliseconds the SMIL file states."""
    return sum(round(c.end * 1000) - round(c.begin * 1000) for c in clips)


def _smil_doc(chapter: EpubChapter, audio: EpubAudio, n: int) -> bytes:
    smil = etree.Element(f"{{{SMIL_NS}}}smil", nsmap=_default_ns(SMIL_NS, epub=OPS_NS), version="3.0")
    body = etree.SubElement(smil, f"{{{SMIL_NS}}}body")
    seq = etree.SubElement(body, f"{{{SMIL_NS}}}seq", id=f"seq-{n}")
    seq.set(f"{{{OPS_NS}}}textref", f"c{n}.xhtml#c{n}")
    seq.set(f"{{{OPS_NS}}}type", "chapter")
    for i, clip in enumerate(audio.clips, start=1):
        par = etree.SubElement(seq, f"{{{SMIL_NS}}}par", id=f"par-{n}-{i}")
        etree.SubElement(par, f"{{{SMIL_NS}}}text", src=f"c{n}.xhtml#{clip.sentence_id}")
        etree.SubElement(
            par,
            f"{{{SMIL_NS}}}audio",
            src=f"audio/c{n}.mp3",
            clipBegin=clock(clip.begin),
            clipEnd=clock(clip.end),
        )
    data: bytes = etree.tostring(smil, xml_declaration=True, encoding="utf-8")
    return data + b"\n"


# --------------------------------------------------------------------------------------------- OPF


def _package(book: EpubBook) -> bytes:
    opf = f"{{{OPF_NS}}}"
    package = etree.Element(
        opf + "package",
        nsmap=_default_ns(OPF_NS),
        version="3.0",
        attrib={"unique-identifier": "pub-id", "dir": book.direction, XML_LANG: book.language},
    )
    metadata = etree.SubElement(package, opf + "metadata", nsmap={"dc": DC_NS})

    def dc(name: str, text: str, **attrs: str) -> etree._Element:
        el = etree.SubElement(metadata, f"{{{DC_NS}}}{name}", attrs)
        el.text = text
        return el

    def meta(prop: str, text: str, refines: str | None = None) -> None:
        el = etree.SubElement(metadata, opf + "meta", property=prop)
        if refines:
            el.set("refines", refines)
        el.text = text

    dc("identifier", book.identifier, id="pub-id")
    dc("title", book.title)
    dc("language", book.language)
    publisher = dc("publisher", book.publisher)
    if book.publisher_lang:
        publisher.set(XML_LANG, book.publisher_lang)
    if book.date:
        dc("date", book.date)
    meta("dcterms:modified", book.modified)
    audio = [(n, c.audio) for n, c in enumerate(book.chapters, start=1) if c.audio is not None]
    meta("schema:accessMode", "textual")
    if audio:
        meta("schema:accessMode", "auditory")
    meta("schema:accessModeSufficient", "textual")
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if audio:
        features.insert(0, "synchronizedAudioText")
    for feature in features:
        meta("schema:accessibilityFeature", feature)
    meta("schema:accessibilityHazard", "none")
    meta("schema:accessibilitySummary", book.accessibility_summary)
    meta("dcterms:conformsTo", CONFORMS_TO)
    if audio:
        total = 0
        for n, chapter_audio in audio:
            ms = _clip_ms(chapter_audio.clips)
            total += ms
            meta("media:duration", clock(ms / 1000), refines=f"#mo-{n}")
        meta("media:duration", clock(total / 1000))
        meta("media:active-class", ACTIVE_CLASS)

    manifest = etree.SubElement(package, opf + "manifest")

    def item(id_: str, href: str, media_type: str, **attrs: str) -> None:
        etree.SubElement(manifest, opf + "item", {"id": id_, "href": href, "media-type": media_type, **attrs})

    item("nav", "nav.xhtml", "application/xhtml+xml", properties="nav")
    item("css", "style.css", "text/css")
    for n, chapter in enumerate(book.chapters, start=1):
        extra = {"media-overlay": f"mo-{n}"} if chapter.audio else {}
        item(f"c{n}", f"c{n}.xhtml", "application/xhtml+xml", **extra)
    for n, _chapter_audio in audio:
        item(f"mo-{n}", f"c{n}.smil", "application/smil+xml")
        item(f"audio-{n}", f"audio/c{n}.mp3", "audio/mpeg")
    spine = etree.SubElement(package, opf + "spine")
    if book.direction == "rtl":
        spine.set("page-progression-direction", "rtl")
    # A bundle opens on its table of contents; a single release on its text, the contents kept aside.
    nav = etree.SubElement(spine, opf + "itemref", idref="nav")
    if len(book.chapters) == 1:
        nav.set("linear", "no")
    for n in range(1, len(book.chapters) + 1):
        etree.SubElement(spine, opf + "itemref", idref=f"c{n}")
    data: bytes = etree.tostring(package, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return data


_CONTAINER = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<container xmlns="' + CONTAINER_NS.encode() + b'" version="1.0">\n'
    b'<rootfiles><rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>'
    b"</rootfiles>\n</container>\n"
)


# --------------------------------------------------------------------------------------------- ZIP


def _entry(name: str, compress: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.create_system = 3  # Unix, whatever the build machine
    info.external_attr = 0o644 << 16
    return info


def epub_edition(book: EpubBook) -> bytes:
    """The ``.epub`` of ``book``; ValueError (naming the book) for ids or clips that cannot be packaged."""
    _check(book)
    files: list[tuple[str, bytes, bool]] = [
        ("mimetype", EPUB_TYPE.encode("ascii"), False),
        ("META-INF/container.xml", _CONTAINER, True),
        ("EPUB/package.opf", _package(book), True),
        ("EPUB/nav.xhtml", _nav_doc(book), True),
        ("EPUB/style.css", STYLE.encode("utf-8"), True),
    ]
    for n, chapter in enumerate(book.chapters, start=1):
        files.append((f"EPUB/c{n}.xhtml", _chapter_doc(book, chapter, n), True))
    for n, chapter in enumerate(book.chapters, start=1):
        if chapter.audio is not None:
            files.append((f"EPUB/c{n}.smil", _smil_doc(chapter, chapter.audio, n), True))
            files.append((f"EPUB/audio/c{n}.mp3", chapter.audio.mp3, False))  # MP3 does not deflate
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data, compress in files:
            archive.writestr(_entry(name, compress), data, compresslevel=6 if compress else None)
    return out.getvalue()
