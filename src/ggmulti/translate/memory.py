"""Translation memory: approved human translations, stored as XLIFF files that diff well in a pull request.

One file per language pair (``memory/en-vi.xlf``), one unit per distinct source sentence, sorted by the
segment it was first approved for. Each unit records the approved forms of the glossary terms it
contains; when the glossary changes one of them later, the entry is carried forward with the new form
and flagged for re-review (never silently kept with the old form, never silently dropped).
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from translate.storage import xliff

from ..errors import MemoryFileError
from ..glossary.match import capitalised, replace_form
from ..readpolicy import read_bytes
from ..store import atomic_write

NOTE_FROM = "ggmulti"
MAX_MEMORY_BYTES = 50 * 1024 * 1024
QA_SEP = " | "


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def unit_id(source: str) -> str:
    return "m" + hashlib.sha256(normalise(source).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class MemoryEntry:
    source: str
    target: str
    key: str  # the segment it was approved for first (release-id:pN:sM), for readers of the file
    origin: str  # reference | review
    terms: Mapping[str, str] = field(default_factory=dict)  # term id -> approved form when approved
    needs_review: str = ""  # why a reviewer should look again; empty when approved as is
    qa: tuple[str, ...] = ()  # QA warnings accepted at import ("length-ratio: ..."), kept for readers
    accepted: tuple[str, ...] = ()  # QA errors a reviewer accepted on purpose ("number-mismatch: ...")


@dataclass(frozen=True)
class MemoryMatch:
    text: str
    needs_review: str


def safe_xml_bytes(data: bytes, where: str) -> None:
    """Refuse DOCTYPEs and entities before any XLIFF library sees the bytes (XXE, entity expansion)."""
    if len(data) > MAX_MEMORY_BYTES:
        raise MemoryFileError(f"{where}: over {MAX_MEMORY_BYTES:,} bytes")
    try:
        safe_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise MemoryFileError(
            f"{where}: refused XML with a DOCTYPE or entity declaration ({type(exc).__name__})"
        ) from None
    except ParseError as exc:
        raise MemoryFileError(f"{where}: malformed XML: {exc}") from None


def _parse_notes(notes: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in notes.splitlines():
        name, sep, value = line.partition(":")
        if sep:
            out[name.strip()] = value.strip()
    return out


def _terms_text(terms: Mapping[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in sorted(terms.items()))


def _terms_parse(text: str) -> dict[str, str]:
    out = {}
    for part in text.split(";"):
        name, sep, form = part.partition("=")
        if sep:
            out[name.strip()] = form.strip()
    return out


class TranslationMemory:
    """Approved translations for one language pair, indexed by normalised source text."""

    def __init__(self, source_lang: str, target_lang: str, entries: Iterable[MemoryEntry] = ()) -> None:
        self.source_lang = source_lang
        self.target_lang = target_lang
        self._entries: dict[str, MemoryEntry] = {}
        for entry in entries:
            self._entries[normalise(entry.source)] = entry

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> list[MemoryEntry]:
        return sorted(self._entries.values(), key=lambda e: (e.key, e.source))

    def get(self, source: str) -> MemoryEntry | None:
        return self._entries.get(normalise(source))

    def lookup(self, source: str, source_lang: str) -> str | None:
        if source_lang != self.source_lang:
            return None
        entry = self.get(source)
        return entry.target if entry is not None else None

    def add(self, entry: MemoryEntry) -> bool:
        """Add or replace; True when something changed."""
        key = normalise(entry.source)
        if self._entries.get(key) == entry:
            return False
        self._entries[key] = entry
        return True

    def refreshed(self, current: Mapping[str, str | None]) -> TranslationMemory:
        """This memory as seen under the glossary's current approved forms (a new object; files untouched).

        ``current`` maps term id -> current approved form in the target language (None: no longer has
        one). An entry approved under another form is carried forward with the new form and flagged
        for re-review.
        """
        out = TranslationMemory(self.source_lang, self.target_lang)
        for entry in self._entries.values():
            changed = {
                tid: (old, current.get(tid))
                for tid, old in entry.terms.items()
                if tid in current and current.get(tid) != old
            }
            if not changed:
                out.add(entry)
                continue
            target = entry.target
            reasons = []
            for tid, (old, new) in sorted(changed.items()):
                if new is not None and old:
                    target, _count = replace_form(target, old, new, self.target_lang)
                reasons.append(f"term {tid} changed from {old!r} to {new!r} since approval")
            target = capitalised(target, self.target_lang) if entry.target[:1].isupper() else target
            terms = {**entry.terms, **{t: n for t, (_, n) in changed.items() if n is not None}}
            out.add(replace(entry, target=target, terms=terms, needs_review="; ".join(reasons)))
        return out

    # ------------------------------------------------------------------ files

    @classmethod
    def load(cls, path: Path, source_lang: str, target_lang: str) -> TranslationMemory:
        if not os.path.lexists(path):
            return cls(source_lang, target_lang)
        data = read_bytes(path, limit=MAX_MEMORY_BYTES, fail=MemoryFileError, what="translation memory")
        return cls.parse(data, str(path), source_lang, target_lang)

    @classmethod
    def parse(cls, data: bytes, where: str, source_lang: str, target_lang: str) -> TranslationMemory:
        """A memory from XLIFF bytes (a file, or a file as it was at a git revision)."""
        path = where
        safe_xml_bytes(data, where)
        store: Any = xliff.xlifffile.parsestring(data)
        lang = (store.gettargetlanguage() or "").lower()
        if lang and lang != target_lang:
            raise MemoryFileError(f"{path}: target-language is '{lang}', expected '{target_lang}'")
        entries = []
        for unit in store.units:
            if not unit.source or not unit.target:
                continue
            notes = _parse_notes(unit.getnotes(NOTE_FROM))
            entries.append(
                MemoryEntry(
                    source=str(unit.source),
                    target=str(unit.target),
                    key=notes.get("segment", ""),
                    origin=notes.get("origin", "review"),
                    terms=_terms_parse(notes.get("terms", "")),
                    needs_review=notes.get("needs-review", "") if not unit.isapproved() else "",
                    qa=tuple(w for w in notes.get("qa", "").split(QA_SEP) if w),
                    accepted=tuple(w for w in notes.get("qa-accepted", "").split(QA_SEP) if w),
                )
            )
        return cls(source_lang, target_lang, entries)

    def to_bytes(self) -> bytes:
        store: Any = xliff.xlifffile(sourcelanguage=self.source_lang, targetlanguage=self.target_lang)
        for entry in self.entries():
            unit = store.addsourceunit(entry.source)
            unit.setid(unit_id(entry.source))
            unit.target = entry.target
            notes = [f"segment: {entry.key}", f"origin: {entry.origin}"]
            if entry.terms:
                notes.append(f"terms: {_terms_text(entry.terms)}")
            if entry.needs_review:
                notes.append(f"needs-review: {entry.needs_review}")
            if entry.qa:
                notes.append("qa: " + QA_SEP.join(" ".join(w.split()) for w in entry.qa))
            if entry.accepted:
                notes.append("qa-accepted: " + QA_SEP.join(" ".join(w.split()) for w in entry.accepted))
            unit.addnote("\n".join(notes), origin=NOTE_FROM)
            unit.markapproved(not entry.needs_review)
            unit.set_state_n(unit.S_SIGNED_OFF if not entry.needs_review else unit.S_NEEDS_REVIEW)
        return bytes(store)

    def save(self, path: Path) -> None:
        """Atomic: a crash (or a full disk) leaves the old file or the new one, never half a memory."""
        try:
            atomic_write(path, self.to_bytes())
        except OSError as exc:
            raise MemoryFileError(
                f"{path}: cannot write the translation memory: {exc.strerror or exc}"
            ) from None


def memory_path(directory: Path, source_lang: str, target_lang: str) -> Path:
    return directory / f"{source_lang}-{target_lang}.xlf"


def load_memories(
    directory: Path, source_langs: Iterable[str], languages: Iterable[str]
) -> dict[str, TranslationMemory]:
    """Memories present for these pairs (keyed by target language; first source language wins)."""
    found: dict[str, TranslationMemory] = {}
    for lang in languages:
        for src in sorted(set(source_langs)):
            path = memory_path(directory, src, lang)
            if src != lang and path.exists() and lang not in found:
                found[lang] = TranslationMemory.load(path, src, lang)
    return found
