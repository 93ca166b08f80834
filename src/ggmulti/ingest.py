"""Sources -> Release. The only module that parses input formats.

Everything here treats input as hostile: XML with a DOCTYPE is refused (no entity expansion, no
external fetches), HTML is reduced to text (scripts, styles and handlers never survive), ids are
slugs that cannot name a path outside the output folder, and sizes are capped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import yaml
from bs4 import BeautifulSoup
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from markdown_it import MarkdownIt

from .errors import InputError
from .model import Release
from .segment import split_sentences

MAX_SOURCE_BYTES = 20 * 1024 * 1024  # a feed may hold many releases
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


def _clean_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        ch
        for ch in text
        if ch in "\t\n"
        or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co")
        or ch in "\u200b\u200c\u200d"
    )
    return " ".join(text.split())


def html_to_paragraphs(html: str) -> tuple[str, ...]:
    """HTML -> plain text paragraphs. Markup is discarded, so no script or handler can survive."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_DROPPED_TAGS):
        tag.decompose()
    blocks = soup.find_all([*_BLOCK_TAGS, "div", "section", "article", "ul", "ol", "table", "tr", "hr", "br"])
    if not blocks:
        return tuple(_split_blank_lines(soup.get_text()))
    for block in blocks:
        block.insert_before(_BREAK)
        block.insert_after(_BREAK)
    return tuple(c for c in (_clean_text(chunk) for chunk in soup.get_text().split(_BREAK)) if c)


def _split_blank_lines(text: str) -> list[str]:
    chunks = re.split(r"\n\s*\n", text) if "\n\n" in text.replace("\r", "") else text.split("\n")
    return [c for c in (_clean_text(chunk) for chunk in chunks) if c]


def _iso_date(value: Any, where: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        raise InputError(f"{where}: unreadable date {text[:40]!r} (use YYYY-MM-DD or RFC 822)") from None


_LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")


def _check_lang(lang: str, where: str) -> str:
    """A declared language must be a code: it names models, caches and HTML lang attributes later."""
    if not _LANG_RE.match(lang):
        raise InputError(f"{where}: lang {lang[:40]!r} is not a language code such as 'en' or 'vi'")
    return lang


def _check_url(url: Any, where: str) -> str | None:
    if url is None or url == "":
        return None
    text = str(url).strip()
    if not re.match(r"^https?://[^\s<>\"']+$", text, flags=re.I):
        raise InputError(f"{where}: source_url must be an http(s) URL, got {text[:60]!r}")
    return text


# ---------------------------------------------------------------- reading files


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise InputError(
                f"{path}: {size:,} bytes is over the {MAX_SOURCE_BYTES:,}-byte limit for a source"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file or folder") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if not data.strip():
        raise InputError(f"{path}: empty file")
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: binary data, not a text feed or document")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
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
    try:
        return safe_fromstring(
            text.encode("utf-8"), forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as exc:
        raise InputError(
            f"{where}: refused XML with a DOCTYPE or entity declaration ({type(exc).__name__})"
        ) from None
    except ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        reason = str(exc).split(":")[0]
        raise InputError(f"{where}: malformed XML at line {line}, column {col + 1}: {reason}") from None


def _child_text(el: Element, tag: str) -> str | None:
    child = el.find(tag)
    if child is None:
        return None
    return "".join(child.itertext()).strip() or None


def _feed_entries(root: Element, path: Path) -> Iterator[tuple[dict[str, Any], str]]:
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise InputError(f"{path}: RSS feed has no <channel>")
        feed_lang = (_child_text(channel, "language") or "").split("-")[0].lower() or None
        for n, item in enumerate(channel.findall("item"), start=1):
            body = _child_text(item, _CONTENT_ENCODED) or _child_text(item, "description") or ""
            guid = _child_text(item, "guid")
            yield (
                {
                    "title": _child_text(item, "title"),
                    "guid": guid,
                    "link": _child_text(item, "link"),
                    "date": _child_text(item, "pubDate"),
                    "html": body,
                    "lang": feed_lang,
                },
                f"{path}#item {n}",
            )
    elif root.tag == f"{_ATOM}feed":
        feed_lang = (root.get("{http://www.w3.org/XML/1998/namespace}lang") or "").split("-")[
            0
        ].lower() or None
        for n, entry in enumerate(root.findall(f"{_ATOM}entry"), start=1):
            content = entry.find(f"{_ATOM}content")
            if content is None:
                content = entry.find(f"{_ATOM}summary")
            html = ""
            if content is not None:
                kind = content.get("type", "text")
                if kind == "xhtml":
                    from xml.etree.ElementTree import tostring  # serialising our own parsed tree

                    # Drop the XHTML namespace, or html.parser sees <html:p>/<html:script> and neither
                    # splits paragraphs nor drops scripts.
                    for el in content.iter():
                        if isinstance(el.tag, str):
                            el.tag = el.tag.rpartition("}")[2]
                    html = "".join(tostring(c, encoding="unicode") for c in content)
                elif kind == "html":
                    html = content.text or ""
                else:
                    text = content.text or ""
                    html = "".join(f"<p>{_escape(chunk)}</p>" for chunk in re.split(r"\n\s*\n", text))
            link_el = entry.find(f"{_ATOM}link[@rel='alternate']")
            if link_el is None:
                link_el = entry.find(f"{_ATOM}link")
            yield (
                {
                    "title": _child_text(entry, f"{_ATOM}title"),
                    "guid": _child_text(entry, f"{_ATOM}id"),
                    "link": link_el.get("href") if link_el is not None else None,
                    "date": _child_text(entry, f"{_ATOM}published") or _child_text(entry, f"{_ATOM}updated"),
                    "html": html,
                    "lang": (entry.get("{http://www.w3.org/XML/1998/namespace}lang") or "")
                    .split("-")[0]
                    .lower()
                    or feed_lang,
                },
                f"{path}#entry {n}",
            )
    else:
        raise InputError(f"{path}: XML root <{root.tag}> is neither an RSS 2.0 <rss> nor an Atom <feed>")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _read_feed(path: Path, text: str, default_lang: str) -> list[_Draft]:
    root = _parse_xml(text, path)
    drafts: list[_Draft] = []
    for entry, ref in _feed_entries(root, path):
        paragraphs = html_to_paragraphs(entry["html"])
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
        raise InputError(f"{path}: feed has no items")
    return drafts


# ---------------------------------------------------------------- Markdown / text documents

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_FRONT_KEYS = frozenset({"id", "title", "date", "lang", "source_url"})


def _read_document(path: Path, text: str, default_lang: str) -> list[_Draft]:
    match = _FRONT_MATTER.match(text)
    if match is None:
        if text.lstrip().startswith("---"):
            raise InputError(f"{path}: front matter starts with '---' but is never closed")
        if TEXT_DUMP_SEPARATOR in text or path.suffix.lower() == ".txt":
            return _read_text_dump(path, text, default_lang)
        meta: dict[str, Any] = {}
        body = text
    else:
        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f" line {mark.line + 2}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or "invalid YAML"
            raise InputError(f"{path}:{line.strip()}: front matter: {problem}".replace(": :", ":")) from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise InputError(f"{path}: front matter must be a mapping of id, title, date, lang, source_url")
        unknown = sorted(str(k) for k in loaded if k not in _FRONT_KEYS)
        if unknown:
            raise InputError(f"{path}: unknown front matter key(s): {', '.join(unknown)}")
        meta = loaded
        body = text[match.end() :]
    # Raw HTML and every link are let through to html_to_paragraphs, which drops scripts, styles,
    # handlers and link targets; escaping them here would publish "<script>" or "javascript:" as text.
    md = MarkdownIt("commonmark", {"html": True})
    md.validateLink = lambda _url: True  # type: ignore[assignment]
    html = md.render(body)
    paragraphs = html_to_paragraphs(html)
    if not paragraphs:
        raise InputError(f"{path}: no text after the front matter")
    lang = _check_lang(str(meta.get("lang") or default_lang).strip().lower(), str(path))
    explicit = "id" in meta
    rid = str(meta.get("id", "")).strip() if explicit else slugify(re.sub(r"^\d+[-_]", "", path.stem))
    if explicit and not _ID_RE.match(rid):
        raise InputError(
            f"{path}: id {rid[:60]!r} must be lowercase letters, digits and hyphens (at most {MAX_ID_LENGTH})"
        )
    title = _clean_text(str(meta["title"])) if meta.get("title") else derive_title(paragraphs[0], lang)
    if not title:
        raise InputError(f"{path}: empty title")
    return [
        _Draft(
            id=rid or f"r-{hashlib.sha256(body.encode()).hexdigest()[:10]}",
            title=title,
            date=_iso_date(meta.get("date"), str(path)),
            lang=lang,
            paragraphs=paragraphs,
            ref=str(path),
            url=_check_url(meta.get("source_url"), str(path)),
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
                ref=f"{path}#release {n}",
                url=None,
                explicit_id=False,
            )
        )
    if not drafts:
        raise InputError(f"{path}: no releases in the text dump")
    return drafts


# ---------------------------------------------------------------- entry point


def _source_files(source: Path) -> list[Path]:
    if source.is_dir():
        files = sorted(
            p
            for p in source.rglob("*")
            if p.is_file()
            and not p.name.startswith(".")
            and p.suffix.lower() in FEED_SUFFIXES | DOCUMENT_SUFFIXES
            and p.name.lower() != "readme.md"
        )
        if not files:
            raise InputError(f"{source}: folder has no .md, .txt, .xml, .rss or .atom files")
        return files
    if not source.exists():
        raise InputError(f"{source}: no such file or folder")
    return [source]


def read_source(path: Path, default_lang: str = "en") -> list[_Draft]:
    text = _read_text(path)
    if path.suffix.lower() in FEED_SUFFIXES or _looks_like_xml(text):
        return _read_feed(path, text, default_lang)
    return _read_document(path, text, default_lang)


def ingest(sources: Iterable[Path], default_lang: str = "en") -> list[Release]:
    """Every release in ``sources`` (files or folders), ids unique, or InputError naming the problem."""
    drafts: list[_Draft] = []
    for source in sources:
        for path in _source_files(source):
            drafts.extend(read_source(path, default_lang))
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
