"""Reading a reviewed file, XLIFF or PO, into the units an import validates.

A reviewed file may have been through translate-toolkit's converters (``xliff2po`` then
``po2xliff -t``) or a translation-management tool: unit ids get renumbered on the way, but the
segment id survives as a ``#:`` location / ``msgctxt`` (PO) or a location context group (XLIFF).
Reading looks for it in all those places, so the file that comes back is importable.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.storage import po, xliff

from .errors import ReviewError
from .readpolicy import read_bytes
from .translate.memory import MAX_MEMORY_BYTES, safe_xml_bytes

KEY = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?:(?:title|p\d+:s\d+)$")
DONE_STATES = frozenset({"translated", "final", "signed-off"})
ACCEPT_FROM = "reviewer"  # <note from="reviewer">qa-accept: number-mismatch</note>
ACCEPT_FLAG = "qa-accept"  # PO: "#, qa-accept" (every check), or a "# qa-accept: CHECK" comment
ALL_CHECKS = "*"
_LANG_CODE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")
_ACCEPT_LINE = re.compile(r"^\s*qa-accept\s*(?::\s*(?P<checks>.*))?$", re.IGNORECASE)


@dataclass(frozen=True)
class ReviewUnit:
    raw_id: str  # the unit's own id in the file ("207" after a conversion renumbered it)
    key: str | None  # the ggmulti segment id, wherever the file kept it
    carried: bool  # the key came from a location or context, not the unit id (a converted file)
    label: str  # "vi.xlf: unit one:p0:s1", for messages
    source: str
    target: str
    done: bool  # marked translated/final (XLIFF) or not fuzzy (PO)
    state: str  # the state as written, for the "skipped" warning
    accept: frozenset[str]  # QA checks the reviewer accepted on purpose ("*": all of them)


@dataclass(frozen=True)
class ReviewFile:
    where: str
    kind: str  # xliff | po
    source_lang: str | None  # None: a PO file that does not say (taken from the releases)
    target_lang: str
    units: tuple[ReviewUnit, ...]


def accepted_checks(text: str) -> frozenset[str]:
    """Check names from "qa-accept: number-mismatch, time-mismatch" lines ("qa-accept" alone: all)."""
    found: set[str] = set()
    for line in text.splitlines():
        m = _ACCEPT_LINE.match(line)
        if m:
            names = [n for n in re.split(r"[\s,;]+", m.group("checks") or "") if n]
            found |= set(names) if names else {ALL_CHECKS}
    return frozenset(found)


def configured(code: str, languages: Sequence[str]) -> str | None:
    """``code`` as a configured language: itself, or its primary subtag ("en-US" -> "en")."""
    code = code.strip().lower().replace("_", "-")
    if not _LANG_CODE.match(code):
        return None
    if code in languages:
        return code
    primary = code.split("-", 1)[0]
    return primary if primary in languages else None


def read_review_file(path: Path, languages: Sequence[str], lang: str | None = None) -> ReviewFile:
    """The file's language pair and units; one line naming the file for anything unreadable."""
    where = str(path)
    data = read_bytes(path, limit=MAX_MEMORY_BYTES, fail=lambda m: ReviewError([m]), what="review file")
    if path.suffix.lower() in (".po", ".pot"):
        return _read_po(data, where, languages, lang)
    return _read_xliff(data, where, languages, lang)


def _key_of(raw_id: str, places: Sequence[str]) -> tuple[str | None, bool]:
    if KEY.match(raw_id):
        return raw_id, False
    for place in places:
        if KEY.match(place.strip()):
            return place.strip(), True
    return None, False


# ---------------------------------------------------------------------------------------------- XLIFF


def _xliff_languages(store: Any, where: str, languages: Sequence[str], lang: str | None) -> tuple[str, str]:
    """The file's one (source, target) pair, every ``<file>`` checked, before either becomes a path."""
    nodes = list(store.document.getroot().iterchildren(store.namespaced("file")))
    if not nodes:
        raise ReviewError([f"{where}: no <file> element"])
    pair: tuple[str, str] | None = None
    for n, node in enumerate(nodes, start=1):
        name = f"<file> {n} ({node.get('original') or 'no original'})" if len(nodes) > 1 else "the file"
        found = []
        for attr in ("source-language", "target-language"):
            written = (node.get(attr) or "").strip()
            if not written and attr == "target-language" and lang is not None:
                written = lang  # po2xliff without -t writes none; --lang says which it is
            if not written:
                hint = (
                    " (a po2xliff conversion without -t?): pass --lang, or convert with "
                    "`po2xliff -t ORIGINAL.xlf`"
                    if attr == "target-language"
                    else ""
                )
                raise ReviewError([f"{where}: {name} has no {attr}{hint}"])
            code = configured(written, languages)
            if attr == "target-language" and lang is not None and (code or written.lower()) != lang:
                raise ReviewError(
                    [
                        f"{where}: {name}: target-language is {code or written.lower()!r}, but --lang is '{lang}'"
                    ]
                )
            if code is None:
                raise ReviewError(
                    [f"{where}: {name}: {attr} {written.lower()!r} is not a configured language"]
                )
            found.append(code)
        src, tgt = found
        if src == tgt:
            raise ReviewError([f"{where}: {name}: source-language and target-language are both '{src}'"])
        if pair is not None and (src, tgt) != pair:
            raise ReviewError(
                [
                    f"{where}: {name} is {src}->{tgt}, an earlier <file> is {pair[0]}->{pair[1]}; one pair per file"
                ]
            )
        pair = (src, tgt)
    assert pair is not None
    return pair


def _read_xliff(data: bytes, where: str, languages: Sequence[str], lang: str | None) -> ReviewFile:
    safe_xml_bytes(data, where)
    try:
        store: Any = xliff.xlifffile.parsestring(data)
    except Exception as exc:  # translate-toolkit raises assorted errors for non-XLIFF XML
        raise ReviewError([f"{where}: not an XLIFF file ({type(exc).__name__}: {exc})"]) from None
    source_lang, target_lang = _xliff_languages(store, where, languages, lang)
    units = []
    for unit in store.units:
        if unit.getrestype() == "x-gettext-domain-header":
            continue  # po2xliff's copy of the PO header
        raw = unit.xmlelement.get("id") or ""
        places = [*unit.getlocations(), unit.xmlelement.get("resname") or ""]
        key, carried = _key_of(raw, places)
        target = str(unit.target or "").strip()
        node = unit.xmlelement.find(unit.namespaced("target"))
        state = (node.get("state") if target and node is not None else None) or ""
        # The target's state is the translator's word when present; approved="yes" only when it is absent.
        done = bool(target) and (state in DONE_STATES if state else bool(unit.isapproved()))
        notes = "\n".join(unit.getnotes(origin) for origin in (ACCEPT_FROM, "po-translator", "translator"))
        units.append(
            ReviewUnit(
                raw_id=raw,
                key=key,
                carried=carried,
                label=f"{where}: unit {raw or '(no id)'}" + (f" (segment {key})" if carried else ""),
                source=str(unit.source or ""),
                target=target,
                done=done,
                state=state or ("approved" if unit.isapproved() else "none"),
                accept=accepted_checks(notes),
            )
        )
    return ReviewFile(where, "xliff", source_lang, target_lang, tuple(units))


# ------------------------------------------------------------------------------------------------- PO


def _read_po(data: bytes, where: str, languages: Sequence[str], lang: str | None) -> ReviewFile:
    if len(data) > MAX_MEMORY_BYTES:
        raise ReviewError([f"{where}: over {MAX_MEMORY_BYTES:,} bytes"])
    try:
        store: Any = po.pofile(io.BytesIO(data))
    except Exception as exc:  # the PO parser raises assorted errors on malformed files
        shown = " ".join(str(exc).split())[:120]  # a parse error quotes the line, which may be binary junk
        raise ReviewError([f"{where}: not a PO file ({type(exc).__name__}: {shown!r})"]) from None
    header = store.parseheader()
    written = str(header.get("Language") or "").strip() or (lang or "")
    if not written:
        raise ReviewError([f"{where}: no Language header (xliff2po writes none): pass --lang"])
    target = configured(written, languages)
    if target is None:
        raise ReviewError([f"{where}: Language {written.lower()!r} is not a configured language"])
    if lang is not None and target != lang:
        raise ReviewError([f"{where}: Language is {target!r}, but --lang is '{lang}'"])
    source: str | None = None
    written_src = str(header.get("X-Source-Language") or "").strip()
    if written_src:
        source = configured(written_src, languages)
        if source is None:
            raise ReviewError(
                [f"{where}: X-Source-Language {written_src.lower()!r} is not a configured language"]
            )
    units = []
    for n, unit in enumerate(store.units, start=1):
        if unit.isheader() or unit.isobsolete() or unit.isblank():
            continue
        context = str(unit.getcontext() or "")
        key, _carried = _key_of(context, unit.getlocations())
        text = str(unit.target or "").strip()
        fuzzy = bool(unit.isfuzzy())
        accept = accepted_checks(unit.getnotes("translator"))
        if unit.hastypecomment(ACCEPT_FLAG):
            accept |= {ALL_CHECKS}
        units.append(
            ReviewUnit(
                raw_id=context or f"#{n}",
                key=key,
                carried=False,
                label=f"{where}: entry {key or context or f'#{n}'}",
                source=str(unit.source or ""),
                target=text,
                done=bool(text) and not fuzzy,
                state="fuzzy" if fuzzy else "translated",
                accept=accept,
            )
        )
    return ReviewFile(where, "po", source, target, tuple(units))
