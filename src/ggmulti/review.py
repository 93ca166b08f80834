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
from .glossary.model import Glossary
from .glossary.pin import Pinner
from .model import Layer, Origin, Release, TranslatedSegment
from .translate.api import Resources, Unavailable
from .translate.memory import (
    NOTE_FROM,
    MemoryEntry,
    TranslationMemory,
    memory_path,
    normalise,
    safe_xml_bytes,
)
from .translate.qa import QaChecker, errors, term_spans
from .translate.stage import TranslationStage

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


def export(releases: Sequence[Release], lang: str, resources: Resources) -> bytes:
    """XLIFF of every segment of ``releases`` for ``lang``: approved memory, machine draft, or empty."""
    stage = TranslationStage(resources)
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
    for release in releases:
        tr = translated[release.id]
        if isinstance(tr, Unavailable):
            segments = _untranslated(release, lang)
        else:
            segments = [tr.title, *(s for para in tr.paragraphs for s in para)]
        for seg in segments:
            unit = store.addsourceunit(seg.segment.text)
            unit.setid(seg.segment.key)
            notes = [f"release: {release.id} ({release.title})", f"origin: {seg.origin.value}"]
            if seg.origin is Origin.MACHINE:
                notes[-1] += f" ({seg.engine}); a draft: correct it, then mark it translated"
            if seg.review:
                notes.append(f"needs-review: {seg.review}")
            notes += _term_note(resources.glossary, pinner, seg.segment.text)
            if seg.origin in (Origin.MEMORY, Origin.MACHINE):
                unit.target = seg.text
                approved = seg.origin is Origin.MEMORY and not seg.review
                unit.markapproved(approved)
                unit.set_state_n(unit.S_SIGNED_OFF if approved else unit.S_NEEDS_REVIEW)
            unit.addnote("\n".join(notes), origin=NOTE_FROM)
    return bytes(store)


def _untranslated(release: Release, lang: str) -> list[TranslatedSegment]:
    from .segment import segment_release, title_segment

    segs = [title_segment(release), *(s for para in segment_release(release) for s in para)]
    return [TranslatedSegment(s, s.text, release.source_lang, Origin.UNTRANSLATED) for s in segs]


@dataclass
class ImportResult:
    lang: str
    added: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


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
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReviewError([f"{where}: cannot read: {exc.strerror}"]) from None
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
            problems.append(f"{label}: source text differs from the release's current text; export again")
            continue
        text = str(unit.target or "").strip()
        state = (unit.xmlelement.find(unit.namespaced("target")).get("state") if text else None) or ""
        if not text:
            result.warnings.append(f"{label}: no target; skipped")
            continue
        # The target's state is the translator's word when present; approved="yes" only when it is absent.
        if not (state in _DONE_STATES if state else unit.isapproved()):
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
        if old is not None and old.target == text and not old.needs_review:
            result.unchanged += 1
            continue
        memory.add(entry)
        result.added += 1
    if problems:
        raise ReviewError(problems)
    if result.added:
        memory.save(mem_file)
    return result
