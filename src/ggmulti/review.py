"""Human review through XLIFF: export drafts for translators, import their approved sentences into memory.

XLIFF is what CAT tools and translators already use; translate-toolkit reads and writes it, after
defusedxml has refused any DOCTYPE or entity in the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translate.storage import xliff

from .errors import GgmultiError, ReviewError
from .glossary.match import capitalised
from .glossary.model import Glossary
from .glossary.pin import Pinner
from .model import Layer, Origin, Release, TranslatedSegment
from .readpolicy import read_bytes
from .translate.api import Resources, Unavailable
from .translate.memory import (
    MAX_MEMORY_BYTES,
    NOTE_FROM,
    MemoryEntry,
    TranslationMemory,
    memory_path,
    normalise,
    safe_xml_bytes,
    unit_id,
)
from .translate.qa import QaChecker, errors, term_spans
from .translate.stage import MachinePolicy, TranslationStage

_KEY = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?:(?:title|p\d+:s\d+)$")
_DONE_STATES = frozenset({"translated", "final", "signed-off"})


def _term_note(glossary: Glossary, pinner: Pinner, source: str) -> list[str]:
    terms = glossary.by_id()
    lines = []
    for hit in pinner.hits(source):
        form = pinner.approved(hit)
        note = terms[hit.term_id].note
        if form is None:
            lines.append(f"term: {hit.surface!r} has no approved form in this language yet ({hit.term_id})")
        else:
            lines.append(
                f"term: {hit.surface!r} -> {form!r} exactly ({hit.term_id})" + (f"; {note}" if note else "")
            )
    return lines


def export(
    releases: Sequence[Release], lang: str, resources: Resources, policy: MachinePolicy | None = None
) -> bytes:
    """XLIFF of every segment of ``releases`` for ``lang``: approved memory, machine draft, or empty.

    Machine drafts that need review (low score, failed check) come first, with the reasons in notes.
    """
    policy = policy or MachinePolicy()
    stage = TranslationStage(resources, MachinePolicy(policy.min_score, "all"))  # every draft, for review
    translated = stage.run(releases, lang)
    src_langs = {r.source_lang for r in releases}
    if len(src_langs) != 1:
        raise GgmultiError(
            f"review export: releases are in several languages ({', '.join(sorted(src_langs))}); "
            "export them separately"
        )
    source_lang = src_langs.pop()
    store: Any = xliff.xlifffile(sourcelanguage=source_lang, targetlanguage=lang)
    pinner = stage.pinner(source_lang, lang)
    memory = stage.memories.get(lang)
    fuzzy = _Fuzzy(memory.entries() if memory is not None and memory.source_lang == source_lang else [])
    todo: list[tuple[Release, TranslatedSegment, list[str]]] = []
    for release in releases:
        tr = translated[release.id]
        segments = _untranslated(release, lang) if isinstance(tr, Unavailable) else list(tr.segments)
        todo += [(release, seg, policy.reasons(seg)) for seg in segments]
    todo.sort(key=lambda item: not item[2])  # stable: needs-review drafts first, then reading order
    for release, seg, reasons in todo:
        # One <file> per release, named by its id: CAT tools show it as the document.
        unit = store.addsourceunit(seg.segment.text, filename=release.id, createifmissing=True)
        unit.setid(seg.segment.key)
        notes = [f"release: {release.id} ({release.title})", f"origin: {seg.origin.value}"]
        if seg.origin is Origin.MACHINE:
            notes[-1] += f" ({seg.engine}); a draft: correct it, then mark it translated"
        if seg.review:
            notes.append(f"needs-review: {seg.review}")
        if seg.score is not None:
            notes.append(f"quality-score: {seg.score:.2f}")
        notes += [f"needs-review: {r}" for r in reasons]
        notes += [f"qa: {c}" for c in seg.checks if "(error)" not in c]
        notes += _term_note(resources.glossary, pinner, seg.segment.text)
        if seg.origin in (Origin.MEMORY, Origin.MACHINE):
            unit.target = seg.text
            approved = seg.origin is Origin.MEMORY and not seg.review
            unit.markapproved(approved)
            unit.set_state_n(unit.S_SIGNED_OFF if approved else unit.S_NEEDS_REVIEW)
        else:
            for score, entry in fuzzy.matches(seg.segment.text):
                unit.addalttrans(
                    entry.target,
                    origin="ggmulti-memory",
                    lang=lang,
                    sourcetxt=entry.source,
                    matchquality=f"{score:.0f}%",
                )
        unit.addnote("\n".join(notes), origin=NOTE_FROM)
    store.removedefaultfile()
    return bytes(store)


FUZZY_MIN = 70.0  # match-quality (%) below which a memory sentence helps a translator less than it misleads
FUZZY_MAX = 3


class _Fuzzy:
    """Memory sentences similar to a new one, as CAT tools show them (``<alt-trans match-quality>``)."""

    def __init__(self, entries: Sequence[MemoryEntry]) -> None:
        self.entries = [e for e in entries if not e.needs_review]
        self.sources = [normalise(e.source) for e in self.entries]

    def matches(self, source: str) -> list[tuple[float, MemoryEntry]]:
        if not self.entries:
            return []
        from rapidfuzz import fuzz, process

        found = process.extract(
            normalise(source), self.sources, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN, limit=FUZZY_MAX
        )
        return [(float(score), self.entries[i]) for _text, score, i in found]


def _untranslated(release: Release, lang: str) -> list[TranslatedSegment]:
    from .segment import segment_release, title_segment

    segs = [title_segment(release), *(s for para in segment_release(release) for s in para)]
    return [TranslatedSegment(s, s.text, release.source_lang, Origin.UNTRANSLATED) for s in segs]


@dataclass
class ImportResult:
    lang: str
    added: int = 0  # sentences new to the memory
    changed: int = 0  # a different (or re-approved) translation of a sentence the memory had
    unchanged: int = 0
    skipped: int = 0  # no target, or not marked translated
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.lang} memory: {self.added} added, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.skipped} skipped"
        )


def _word_diff(old: str, new: str, limit: int = 3) -> str:
    """What a stale source changed, word by word: "'every day' -> 'on Sundays'" (the first few edits)."""
    import difflib

    a, b = old.split(), new.split()
    edits = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            edits.append(f"{' '.join(a[i1:i2])[:60]!r} -> {' '.join(b[j1:j2])[:60]!r}")
    more = f" and {len(edits) - limit} more" if len(edits) > limit else ""
    return "; ".join(edits[:limit]) + more


_LANG_CODE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")


def _file_languages(store: Any, where: str, languages: Sequence[str], lang: str | None) -> tuple[str, str]:
    """The file's one (source, target) pair, every ``<file>`` checked, before either becomes a path.

    Raises with one line naming the first bad attribute: nothing has been read into memory yet.
    """
    nodes = list(store.document.getroot().iterchildren(store.namespaced("file")))
    if not nodes:
        raise ReviewError([f"{where}: no <file> element"])
    pair: tuple[str, str] | None = None
    for n, node in enumerate(nodes, start=1):
        name = f"<file> {n} ({node.get('original') or 'no original'})" if len(nodes) > 1 else "the file"
        found = []
        for attr in ("source-language", "target-language"):
            code = (node.get(attr) or "").strip().lower()
            if not code:
                raise ReviewError([f"{where}: {name} has no {attr}"])
            if attr == "target-language" and lang is not None and code != lang:
                raise ReviewError([f"{where}: {name}: target-language is {code!r}, but --lang is '{lang}'"])
            if not _LANG_CODE.match(code) or code not in languages:
                raise ReviewError([f"{where}: {name}: {attr} {code!r} is not a configured language"])
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


def import_xliff(
    path: Path,
    memory_dir: Path,
    releases: Sequence[Release],
    glossary: Glossary,
    languages: Sequence[str],
    lang: str | None = None,
    origin: str = "review",
) -> ImportResult:
    """Validate every unit, then add the approved ones to the memory in one atomic write (or none)."""
    where = str(path)
    data = read_bytes(path, limit=MAX_MEMORY_BYTES, fail=lambda m: ReviewError([m]), what="XLIFF file")
    safe_xml_bytes(data, where)
    try:
        store: Any = xliff.xlifffile.parsestring(data)
    except Exception as exc:  # translate-toolkit raises assorted errors for non-XLIFF XML
        raise ReviewError([f"{where}: not an XLIFF file ({type(exc).__name__}: {exc})"]) from None
    source_lang, target = _file_languages(store, where, languages, lang)

    from .segment import segment_release, title_segment

    known: dict[str, tuple[str, str]] = {}
    for release in releases:
        for seg in (title_segment(release), *(s for para in segment_release(release) for s in para)):
            known[seg.key] = (seg.text, release.source_lang)
    pinner = Pinner(glossary, source_lang, target)
    checker = QaChecker(source_lang, target)
    problems: list[str] = []

    mem_file = memory_path(memory_dir, source_lang, target)
    memory = TranslationMemory.load(mem_file, source_lang, target)
    result = ImportResult(lang=target)
    seen: set[str] = set()
    for unit in store.units:
        uid = unit.xmlelement.get("id") or ""
        label = f"{where}: unit {uid or '(no id)'}"
        if not _KEY.match(uid):
            problems.append(f"{label}: not a ggmulti segment id")
            continue
        if uid in seen:
            problems.append(f"{label}: appears twice")
            continue
        seen.add(uid)
        if uid not in known:
            problems.append(f"{label}: unknown segment (no such release or sentence in the corpus)")
            continue
        source = str(unit.source or "")
        current, release_lang = known[uid]
        if release_lang != source_lang:
            problems.append(
                f"{label}: the release is in '{release_lang}', the file's source-language is '{source_lang}'"
            )
            continue
        if normalise(source) != normalise(current):
            problems.append(
                f"{label}: source text differs from the release's current text "
                f"(file -> release: {_word_diff(normalise(source), normalise(current))}); export again"
            )
            continue
        text = str(unit.target or "").strip()
        state = (unit.xmlelement.find(unit.namespaced("target")).get("state") if text else None) or ""
        if not text:
            result.skipped += 1  # not translated yet: counted in the summary, not a line each
            continue
        # The target's state is the translator's word when present; approved="yes" only when it is absent.
        if not (state in _DONE_STATES if state else unit.isapproved()):
            result.skipped += 1
            result.warnings.append(f"{label}: state '{state or 'none'}' is not translated/final; skipped")
            continue
        missed = [c for c in pinner.check_existing(source, text, Layer.MEMORY) if not c.pinned]
        if missed:
            problems += [f"{label}: {c.reason} for '{c.surface}' ({c.term_id})" for c in missed]
            continue
        findings = checker.check(source, text, *term_spans(pinner, source, text))
        if errors(findings):
            problems += [f"{label}: {f.check}: {f.message}" for f in errors(findings)]
            continue
        warned = tuple(f"{f.check}: {f.message}" for f in findings if f.severity == "warning")
        result.warnings += [f"{label}: {w}" for w in warned]
        terms = {h.term_id: form for h in pinner.hits(source) if (form := pinner.approved(h)) is not None}
        entry = MemoryEntry(source=current, target=text, key=uid, origin=origin, terms=terms, qa=warned)
        old = memory.get(source)
        same = old is not None and text in (old.target, capitalised(old.target, target))
        if old is not None and same and not old.needs_review:
            result.unchanged += 1
            continue
        memory.add(entry)
        if old is None:
            result.added += 1
        else:
            result.changed += 1
    if problems:
        raise ReviewError(problems)
    if result.added or result.changed:
        memory.save(mem_file)
    return result


def tmx(memory_dir: Path, source_lang: str, lang: str) -> tuple[bytes, int, int]:
    """The approved part of one memory as TMX 1.4, for CAT-tool memories: (bytes, written, held back).

    Entries flagged for re-review are held back: a CAT tool would offer them as 100% matches.
    """
    from translate.storage import tmx as tmx_store

    from . import __version__

    path = memory_path(memory_dir, source_lang, lang)
    if not path.exists():
        raise ReviewError([f"{path}: no {source_lang}->{lang} memory"])
    memory = TranslationMemory.load(path, source_lang, lang)
    store: Any = tmx_store.tmxfile(sourcelanguage=source_lang, targetlanguage=lang)
    header = next(store.document.getroot().iterchildren(store.namespaced("header")))
    header.set("creationtool", "ggmulti")
    header.set("creationtoolversion", __version__)
    held = 0
    for entry in memory.entries():
        if entry.needs_review:
            held += 1
            continue
        store.addtranslation(entry.source, source_lang, entry.target, lang, comment=f"segment: {entry.key}")
        store.units[-1].xmlelement.set("tuid", unit_id(entry.source))
    return bytes(store), len(memory) - held, held
