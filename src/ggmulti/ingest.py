"""Sources -> Release. The only module that parses input formats.

Everything here treats input as hostile: which files are read, how much, and how YAML is loaded is
decided in inputs.py; XML with a DOCTYPE is refused (no entity expansion, no external fetches) and
nests at most MAX_XML_DEPTH levels; HTML is reduced to flat text in linear time (scripts, styles and
handlers never survive); ids are slugs that cannot name a path outside the output folder; front
matter values are typed and dates checked; text loses every character an XML writer cannot hold.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import Element, ParseError

import yaml
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse as safe_iterparse
from lxml import etree
from markdown_it import MarkdownIt

from .cache import key_of
from .errors import InputError
from .inputs import MAX_SOURCE_BYTES, SourceFile, compose_mapping, read_regular_file, shown, walk_folder
from .model import Release
from .segment import split_sentences

if TYPE_CHECKING:
    from .cache import WorkCache

__all__ = ["MAX_SOURCE_BYTES", "html_to_paragraphs", "id_from_guid", "ingest", "read_source", "slugify"]

# Front matter is a handful of short keys; a block this long is a mistake or an attack.
MAX_FRONT_MATTER_CHARS = 64 * 1024
# Feeds nest four or five levels, Atom XHTML bodies a few more; anything this deep is an attack.
MAX_XML_DEPTH = 500
# One release's text. Press releases run to a few thousand characters; anything near this limit is a
# mistake or an attack, and would cost minutes and gigabytes in PDF layout and speech.
MAX_RELEASE_CHARS = 200_000
MAX_ID_LENGTH = 80
TEXT_DUMP_SEPARATOR = "]]>"
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
DOCUMENT_SUFFIXES = frozenset({".md", ".markdown", ".txt"})

_ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
_ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
_BLOCK_TAGS = (
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "td",
    "th",
    "dd",
    "dt",
    "figcaption",
    "caption",
)
_DROPPED_TAGS = (
    "script",
    "style",
    "template",
    "noscript",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "head",
    "title",
    "meta",
    "link",
    "form",
    "button",
    "select",
    "textarea",
)
_TITLE_WORDS = 12
_ID_WORDS = 8
_BREAK = "\x1e"  # paragraph boundary marker; a control character, so never in cleaned text


@dataclass(frozen=True)
class _Draft:
    """A release before ids are made unique across sources."""

    id: str
    title: str
    date: str | None
    lang: str
    paragraphs: tuple[str, ...]
    ref: str
    url: str | None
    explicit_id: bool


# ---------------------------------------------------------------- ids and text helpers


def slugify(text: str, *, max_length: int = MAX_ID_LENGTH) -> str:
    """ASCII kebab-case slug; never contains '/', '.', or '..' so it cannot escape a folder."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut[max_length // 2 :] else slug[:max_length]
        slug = slug.rstrip("-")
    return slug


def id_from_guid(guid: str) -> str:
    """A stable id from a feed guid: readable when the guid is, hashed when it is not."""
    core = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]+", "", guid.strip(), flags=re.I)  # drop scheme + host
    slug = slugify(core, max_length=60)
    digest = hashlib.sha256(guid.strip().encode("utf-8")).hexdigest()[:10]
    if not slug:
        return f"r-{digest}"
    if len(slugify(core, max_length=10_000)) > 60 or slug != slugify(guid.strip()):
        # Shortened or a URL: keep it unique with a hash of the whole guid.
        return f"{slug[:60]}-{digest}".strip("-")
    return slug


def derive_title(first_paragraph: str, lang: str) -> str:
    """A short title from the first sentence, for sources that have none (the plain text dump)."""
    sentences = split_sentences(first_paragraph, lang)
    first = sentences[0] if sentences else first_paragraph
    first = first.rstrip(".!?。 ") or first  # "..." alone stays a title rather than none
    words = first.split()
    if len(words) <= _TITLE_WORDS:
        return first
    cut = " ".join(words[:_TITLE_WORDS]).rstrip(",;:—-")
    return cut + "…"


def _removed(ch: str) -> bool:
    """Characters no edition may carry: controls (tab and newline become spaces anyway), lone
    surrogates, private use, invisible formatting other than the zero-width (non-)joiners, and the 66
    noncharacters (U+FFFE, U+FFFF, U+FDD0..U+FDEF, ...). XML (feeds, XLIFF, PDF tags) cannot hold most
    of them, and none of them is text a reader could see."""
    cp = ord(ch)
    if (cp & 0xFFFE) == 0xFFFE or 0xFDD0 <= cp <= 0xFDEF:
        return True
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") and ch not in "\t\n\u200b\u200c\u200d"


def _clean_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if not _removed(ch))
    return " ".join(text.split())


_BREAK_TAGS = frozenset((*_BLOCK_TAGS, "div", "section", "article", "ul", "ol", "table", "tr", "hr", "br"))
_VOID_TAGS = frozenset({"meta", "link", "embed", "br", "hr", "img", "input", "area", "base", "col", "wbr"})


class _TextCollector:
    """Text of a stream of start/end/data events with paragraph breaks, kept flat.

    No tree is built, so time and memory stay linear in the input however deeply it nests (a tree from
    20,000 nested divs took close to a minute, and deep ones blew the stack). Text inside a dropped
    element is discarded; one left open drops the rest, as a tree builder would. Used as an lxml parser
    target, and fed by hand from Atom XHTML.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.breaks = 0
        self._dropped: list[str] = []  # open dropped elements, innermost last
        self._dropped_count: dict[str, int] = {}

    # Typed as lxml's parser-target protocol (lxml passes str for str input).
    def start(self, tag: str | bytes, attrib: object = None) -> None:
        if isinstance(tag, bytes):
            tag = tag.decode("utf-8", "replace")
        if tag in _DROPPED_TAGS:
            if tag not in _VOID_TAGS:
                self._dropped.append(tag)
                self._dropped_count[tag] = self._dropped_count.get(tag, 0) + 1
        elif not self._dropped and tag in _BREAK_TAGS:
            self.parts.append(_BREAK)
            self.breaks += 1

    def end(self, tag: str | bytes) -> None:
        if isinstance(tag, bytes):
            tag = tag.decode("utf-8", "replace")
        if self._dropped:
            if self._dropped_count.get(tag):  # close it and anything left open inside it
                while True:
                    top = self._dropped.pop()
                    self._dropped_count[top] -= 1
                    if top == tag:
                        break
        elif tag in _BREAK_TAGS:
            self.parts.append(_BREAK)
            self.breaks += 1

    def data(self, text: str | bytes) -> None:
        if text and not self._dropped:
            self.parts.append(text if isinstance(text, str) else text.decode("utf-8", "replace"))

    def comment(self, text: str | bytes) -> None:
        """Comments are not text."""

    def close(self) -> None:
        """The parser's end of input: everything is in ``parts`` already."""

    def paragraphs(self) -> tuple[str, ...]:
        text = "".join(self.parts)
        if not self.breaks:
            return tuple(_split_blank_lines(text))
        return tuple(c for c in (_clean_text(chunk) for chunk in text.split(_BREAK)) if c)


def html_to_paragraphs(html: str) -> tuple[str, ...]:
    """HTML -> plain text paragraphs. Markup is discarded, so no script or handler can survive.

    libxml2's HTML5 tokenizer (through lxml) calls the collector directly, in C and in linear time;
    the standard library's tokenizer is quadratic on stray "<" (40,000 of them: half a minute) and
    fails outright on some of them. Comments, declarations and processing instructions are
    ignored, so a body that starts like XML (``<?xml ...?>``) is read as text, without any warning.
    """
    collector = _TextCollector()
    if html.strip():
        parser = etree.HTMLParser(target=collector, no_network=True, recover=True)
        parser.feed(html)
        parser.close()
    return collector.paragraphs()


def _xhtml_paragraphs(content: Element) -> tuple[str, ...]:
    """Atom XHTML content -> paragraphs, walking the parsed tree with a stack (no recursion)."""
    collector = _TextCollector()
    collector.data(content.text or "")
    todo: list[tuple[Element, bool]] = [(child, False) for child in reversed(content)]
    while todo:
        el, closing = todo.pop()
        # Namespaces dropped, so <html:script> is a script; comments and PIs have no str tag.
        tag = el.tag.rpartition("}")[2].lower() if isinstance(el.tag, str) else ""
        if closing:
            collector.end(tag)
            collector.data(el.tail or "")
            continue
        collector.start(tag)
        if tag in _VOID_TAGS:
            collector.data(el.tail or "")
            continue
        collector.data(el.text or "")
        todo.append((el, True))
        todo.extend((child, False) for child in reversed(el))
    return collector.paragraphs()


def _split_blank_lines(text: str) -> list[str]:
    chunks = re.split(r"\n\s*\n", text) if "\n\n" in text.replace("\r", "") else text.split("\n")
    return [c for c in (_clean_text(chunk) for chunk in chunks) if c]


_ISO_DATE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"(?:[ \t]*(?:[Zz]|[-+](\d{2}):?(\d{2})?))?)?"
)


def _iso_date(value: str | None, where: str) -> str | None:
    """The calendar date of an ISO 8601 / YAML timestamp or an RFC 822 date, checked to exist."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    iso = _ISO_DATE.fullmatch(text)
    try:
        if iso is None:
            return parsedate_to_datetime(text).date().isoformat()
        year, month, day, hour, minute, second, zone_h, zone_m = (int(g) if g else 0 for g in iso.groups())
        date = dt.date(year, month, day)
        dt.time(hour, minute, min(second, 59))  # 60: a leap second
        if zone_h > 23 or zone_m > 59:
            raise ValueError("time zone offset out of range")
    except (TypeError, ValueError, IndexError, OverflowError) as exc:
        if iso is None:
            raise InputError(f"{where}: unreadable date {text[:40]!r} (use YYYY-MM-DD or RFC 822)") from None
        raise InputError(f"{where}: impossible date {text[:40]!r} ({exc})") from None
    return date.isoformat()


_LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")


def _check_lang(lang: str, where: str) -> str:
    """A declared language must be a code: it names models, caches and HTML lang attributes later."""
    if not _LANG_RE.match(lang):
        raise InputError(f"{where}: lang {lang[:40]!r} is not a language code such as 'en' or 'vi'")
    return lang


def _check_url(url: str | None, where: str) -> str | None:
    if url is None or not url.strip():
        return None
    text = url.strip()
    if not re.match(r"^https?://[^\s<>\"']+$", text, flags=re.I) or any(_removed(ch) for ch in text):
        raise InputError(f"{where}: source_url must be an http(s) URL, got {text[:60]!r}")
    return text


# ---------------------------------------------------------------- reading files


def _read_text(path: Path, real: Path | None = None) -> str:
    data = read_regular_file(real or path, limit=MAX_SOURCE_BYTES, name=path)
    where = shown(path)
    if not data.strip():
        raise InputError(f"{where}: empty file")
    if b"\x00" in data[:8192]:
        raise InputError(f"{where}: binary data, not a text feed or document")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: not UTF-8 text (byte {exc.start})") from None
    return text


def _looks_like_xml(text: str) -> bool:
    head = text.lstrip()[:512].lower()
    return (
        head.startswith("<?xml")
        or head.startswith("<rss")
        or head.startswith("<feed")
        or head.startswith("<!doctype")
    )


# ---------------------------------------------------------------- feeds


def _parse_xml(text: str, where: Path) -> Element:
    """The document's root, parsed with no DTD, no entities and at most MAX_XML_DEPTH levels."""
    depth = 0
    root: Element | None = None
    try:
        events = safe_iterparse(
            io.BytesIO(text.encode("utf-8")),
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
        for event, element in events:
            if event == "end":
                depth -= 1
                continue
            root = element if root is None else root
            depth += 1
            if depth > MAX_XML_DEPTH:
                raise InputError(f"{shown(where)}: XML nested deeper than {MAX_XML_DEPTH} elements")
    except DefusedXmlException as exc:
        raise InputError(
            f"{shown(where)}: refused XML with a DOCTYPE or entity declaration ({type(exc).__name__})"
        ) from None
    except ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        reason = str(exc).split(":")[0]
        raise InputError(
            f"{shown(where)}: malformed XML at line {line}, column {col + 1}: {reason}"
        ) from None
    if root is None:
        raise InputError(f"{shown(where)}: malformed XML: no element found")
    return root


def _child_text(el: Element, tag: str) -> str | None:
    child = el.find(tag)
    if child is None:
        return None
    return "".join(child.itertext()).strip() or None


def _feed_entries(root: Element, path: Path) -> Iterator[tuple[dict[str, Any], str]]:
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise InputError(f"{shown(path)}: RSS feed has no <channel>")
        feed_lang = (_child_text(channel, "language") or "").split("-")[0].lower() or None
        for n, item in enumerate(channel.findall("item"), start=1):
            html = _child_text(item, _CONTENT_ENCODED) or _child_text(item, "description") or ""
            guid = _child_text(item, "guid")
            yield (
                {
                    "title": _child_text(item, "title"),
                    "guid": guid,
                    "link": _child_text(item, "link"),
                    "date": _child_text(item, "pubDate"),
                    "body": html_to_paragraphs(html),
                    "lang": feed_lang,
                },
                f"{shown(path)}#item {n}",
            )
    elif root.tag == f"{_ATOM}feed":
        feed_lang = (root.get("{http://www.w3.org/XML/1998/namespace}lang") or "").split("-")[
            0
        ].lower() or None
        for n, entry in enumerate(root.findall(f"{_ATOM}entry"), start=1):
            content = entry.find(f"{_ATOM}content")
            if content is None:
                content = entry.find(f"{_ATOM}summary")
            body: tuple[str, ...] = ()
            if content is not None:
                kind = content.get("type", "text")
                if kind == "xhtml":
                    body = _xhtml_paragraphs(content)
                elif kind == "html":
                    body = html_to_paragraphs(content.text or "")
                else:
                    text = content.text or ""
                    body = tuple(c for c in (_clean_text(chunk) for chunk in re.split(r"\n\s*\n", text)) if c)
            link_el = entry.find(f"{_ATOM}link[@rel='alternate']")
            if link_el is None:
                link_el = entry.find(f"{_ATOM}link")
            yield (
                {
                    "title": _child_text(entry, f"{_ATOM}title"),
                    "guid": _child_text(entry, f"{_ATOM}id"),
                    "link": link_el.get("href") if link_el is not None else None,
                    "date": _child_text(entry, f"{_ATOM}published") or _child_text(entry, f"{_ATOM}updated"),
                    "body": body,
                    "lang": (entry.get("{http://www.w3.org/XML/1998/namespace}lang") or "")
                    .split("-")[0]
                    .lower()
                    or feed_lang,
                },
                f"{shown(path)}#entry {n}",
            )
    else:
        raise InputError(
            f"{shown(path)}: XML root <{root.tag[:60]}> is neither an RSS 2.0 <rss> nor an Atom <feed>"
        )


def _read_feed(path: Path, text: str, default_lang: str) -> list[_Draft]:
    root = _parse_xml(text, path)
    drafts: list[_Draft] = []
    for entry, ref in _feed_entries(root, path):
        paragraphs = entry["body"]
        if not paragraphs:
            raise InputError(f"{ref}: item has no text")
        lang = _check_lang(entry["lang"] or default_lang, ref)
        title_parts = html_to_paragraphs(entry["title"]) if entry["title"] else ()
        # A title that is only markup (e.g. an escaped <script>) reduces to nothing: derive one instead.
        title = _clean_text(" ".join(title_parts)) if title_parts else derive_title(paragraphs[0], lang)
        guid = entry["guid"] or entry["link"]
        rid = id_from_guid(guid) if guid else slugify(title)
        drafts.append(
            _Draft(
                id=rid or f"r-{hashlib.sha256(paragraphs[0].encode()).hexdigest()[:10]}",
                title=title,
                date=_iso_date(entry["date"], ref),
                lang=lang,
                paragraphs=paragraphs,
                ref=ref,
                url=_check_url(entry["link"], ref)
                if entry["link"] and str(entry["link"]).startswith("http")
                else None,
                explicit_id=bool(entry["guid"]),  # a guid names the item, like a front-matter id
            )
        )
    if not drafts:
        raise InputError(f"{shown(path)}: feed has no items")
    return drafts


# ---------------------------------------------------------------- Markdown / text documents

_FRONT_OPEN = re.compile(r"---[ \t]*\r?\n")
_FRONT_CLOSE = re.compile(r"\r?\n---[ \t]*(?:\r?\n|\Z)")
_FRONT_KEYS = frozenset({"id", "title", "date", "lang", "source_url"})
_NULL = "tag:yaml.org,2002:null"


@dataclass(frozen=True)
class _FrontMatter:
    """Front matter values as the text written (None when absent or null), each with its file line."""

    values: dict[str, str | None]
    lines: dict[str, int]

    def where(self, path: Path, key: str) -> str:
        return f"{shown(path)}:{self.lines[key]}" if key in self.lines else shown(path)


def _front_matter(path: Path, text: str) -> tuple[_FrontMatter, str] | None:
    """(front matter, body), or None when the text has none. Never more than a few KiB of YAML."""
    opening = _FRONT_OPEN.match(text)
    if opening is None:
        if text.lstrip().startswith("---"):
            raise InputError(f"{shown(path)}: front matter starts with '---' but is never closed")
        return None
    closing = _FRONT_CLOSE.search(text, opening.end())
    if closing is None:
        raise InputError(f"{shown(path)}: front matter starts with '---' but is never closed")
    block = text[opening.end() : closing.start()]
    if len(block) > MAX_FRONT_MATTER_CHARS:
        raise InputError(
            f"{shown(path)}: front matter of {len(block):,} characters is over the "
            f"{MAX_FRONT_MATTER_CHARS:,}-character limit"
        )
    nodes = compose_mapping(block, shown(path), first_line=2, what="front matter")
    unknown = sorted(k for k in nodes if k not in _FRONT_KEYS)
    if unknown:
        raise InputError(f"{shown(path)}: unknown front matter key(s): {', '.join(k[:40] for k in unknown)}")
    values: dict[str, str | None] = {}
    lines: dict[str, int] = {}
    for key, node in nodes.items():
        lines[key] = node.start_mark.line + 2
        if not isinstance(node, yaml.ScalarNode):
            kind = "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"
            raise InputError(
                f"{shown(path)}:{lines[key]}: front matter: {key} must be text, not {kind} (quote it)"
            )
        # The text as written: `title: 2025` is "2025", `title: yes` is "yes", never True or a number.
        values[key] = None if node.tag == _NULL else node.value
    return _FrontMatter(values, lines), text[closing.end() :]


def _read_document(path: Path, text: str, default_lang: str) -> list[_Draft]:
    found = _front_matter(path, text)
    if found is None:
        if TEXT_DUMP_SEPARATOR in text or path.suffix.lower() == ".txt":
            return _read_text_dump(path, text, default_lang)
        front, body = _FrontMatter({}, {}), text
    else:
        front, body = found
    meta = front.values
    # Raw HTML and every link are let through to html_to_paragraphs, which drops scripts, styles,
    # handlers and link targets; escaping them here would publish "<script>" or "javascript:" as text.
    md = MarkdownIt("commonmark", {"html": True})
    md.validateLink = lambda _url: True  # type: ignore[assignment]
    html = md.render(body)
    paragraphs = html_to_paragraphs(html)
    if not paragraphs:
        raise InputError(f"{shown(path)}: no text after the front matter")
    lang = _check_lang((meta.get("lang") or default_lang).strip().lower(), front.where(path, "lang"))
    explicit = "id" in meta
    rid = (meta["id"] or "").strip() if explicit else slugify(re.sub(r"^\d+[-_]", "", path.stem))
    if explicit and not _ID_RE.match(rid):
        raise InputError(
            f"{front.where(path, 'id')}: id {rid[:60]!r} must be lowercase letters, digits and hyphens "
            f"(at most {MAX_ID_LENGTH})"
        )
    title_text = meta.get("title")
    title = _clean_text(title_text) if title_text else derive_title(paragraphs[0], lang)
    if not title:
        raise InputError(f"{front.where(path, 'title')}: empty title")
    return [
        _Draft(
            id=rid or f"r-{hashlib.sha256(body.encode()).hexdigest()[:10]}",
            title=title,
            date=_iso_date(meta.get("date"), front.where(path, "date")),
            lang=lang,
            paragraphs=paragraphs,
            ref=shown(path),
            url=_check_url(meta.get("source_url"), front.where(path, "source_url")),
            explicit_id=explicit,
        )
    ]


def _read_text_dump(path: Path, text: str, default_lang: str) -> list[_Draft]:
    """Plain releases separated by ']]>', one paragraph per line, no titles or dates."""
    drafts: list[_Draft] = []
    for n, chunk in enumerate((c for c in text.split(TEXT_DUMP_SEPARATOR) if c.strip()), start=1):
        paragraphs = tuple(p for p in (_clean_text(line) for line in chunk.splitlines()) if p)
        if not paragraphs:  # only control or format characters: nothing to publish
            continue
        title = derive_title(paragraphs[0], default_lang)
        drafts.append(
            _Draft(
                id=slugify(" ".join(title.split()[:_ID_WORDS])) or f"release-{n}",
                title=title,
                date=None,
                lang=default_lang,
                paragraphs=paragraphs,
                ref=f"{shown(path)}#release {n}",
                url=None,
                explicit_id=False,
            )
        )
    if not drafts:
        raise InputError(f"{shown(path)}: no releases in the text dump")
    return drafts


# ---------------------------------------------------------------- entry point


def _source_files(source: Path, exclude: Iterable[Path]) -> list[SourceFile]:
    if source.is_dir():
        files = walk_folder(
            source, FEED_SUFFIXES | DOCUMENT_SUFFIXES, exclude=exclude, ignore=frozenset({"readme.md"})
        )
        if not files:
            raise InputError(f"{shown(source)}: folder has no .md, .txt, .xml, .rss or .atom files")
        return files
    if not source.exists() and not source.is_symlink():
        raise InputError(f"{shown(source)}: no such file or folder")
    # A file named on the command line is read wherever it is, but only if it is a regular file.
    return [SourceFile(source, source)]


def read_source(path: Path, default_lang: str = "en", *, real: Path | None = None) -> list[_Draft]:
    """The releases in one file; ``real`` is where to read it when ``path`` is a link already checked."""
    return _parse(path, _read_text(path, real), default_lang)


def _parse(path: Path, text: str, default_lang: str) -> list[_Draft]:
    if path.suffix.lower() in FEED_SUFFIXES or _looks_like_xml(text):
        return _read_feed(path, text, default_lang)
    return _read_document(path, text, default_lang)


def _read_cached(files: Sequence[SourceFile], default_lang: str, cache: WorkCache) -> list[_Draft]:
    """The files' releases, from the work cache for each file whose name and text were read before.

    One lookup for all; only files that parse are stored: a bad file is parsed, and its error
    reported, every time.
    """
    texts = [(file.path, _read_text(file.path, file.real)) for file in files]
    keys = [
        key_of("ingest", cache.code, shown(path), path.suffix.lower(), default_lang, text)
        for path, text in texts
    ]
    found = cache.get_many("ingest", keys)
    drafts: list[_Draft] = []
    fresh: dict[str, str] = {}
    for (path, text), key in zip(texts, keys, strict=True):
        if key in found:
            drafts += [_Draft(**{**d, "paragraphs": tuple(d["paragraphs"])}) for d in json.loads(found[key])]
            continue
        parsed = _parse(path, text, default_lang)
        fresh[key] = json.dumps([asdict(d) for d in parsed], ensure_ascii=False)
        drafts += parsed
    cache.put_many("ingest", fresh)
    return drafts


def ingest(
    sources: Iterable[Path],
    default_lang: str = "en",
    *,
    exclude: Iterable[Path] = (),
    cache: WorkCache | None = None,
) -> list[Release]:
    """Every release in ``sources`` (files or folders), ids unique, or InputError naming the problem.

    Folders in ``exclude`` are never entered while walking a source folder: pass the output folder,
    so that a build inside its own source folder does not read its feeds and transcripts back in. A
    file reached twice (named twice, or through a link inside its folder) is read once. ``cache``: a
    file whose name and text an earlier build read costs a lookup, not a parse.
    """
    excluded = tuple(exclude)
    files: list[SourceFile] = []
    read: set[Path] = set()
    for source in sources:
        for file in _source_files(Path(source), excluded):
            key = Path(os.path.realpath(file.real))
            if key not in read:
                read.add(key)
                files.append(file)
    if cache is not None:
        drafts = _read_cached(files, default_lang, cache)
    else:
        drafts = [d for file in files for d in read_source(file.path, default_lang, real=file.real)]
    releases: list[Release] = []
    seen: dict[str, str] = {}
    # Explicit ids first, so a derived id never takes one, whatever order the sources come in.
    for d in drafts:
        if d.explicit_id:
            if d.id in seen:
                raise InputError(f"{d.ref}: id '{d.id}' is already used by {seen[d.id]}")
            seen[d.id] = d.ref
    for d in drafts:
        size = len(d.title) + sum(len(p) for p in d.paragraphs)
        if size > MAX_RELEASE_CHARS:
            raise InputError(
                f"{d.ref}: {size:,} characters of text is over the {MAX_RELEASE_CHARS:,}-character limit "
                "for one release"
            )
        rid = d.id
        if not d.explicit_id and rid in seen:
            n = 2
            while f"{rid}-{n}" in seen:
                n += 1
            rid = f"{rid}-{n}"
        seen[rid] = d.ref
        releases.append(
            Release(
                id=rid,
                title=d.title,
                date=d.date,
                source_lang=d.lang,
                paragraphs=d.paragraphs,
                source_ref=d.ref,
                source_url=d.url,
            )
        )
    return releases
