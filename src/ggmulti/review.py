"""Human review: export drafts for translators as XLIFF or PO, and the approved memory as TMX.

XLIFF is what CAT tools use, PO what Weblate, Pootle and Virtaal read (through translate-toolkit);
the import side is review_import.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translate.storage import xliff

from .errors import GgmultiError, ReviewError
from .glossary.model import Glossary
from .glossary.pin import Pinner
from .model import Origin, Release, TranslatedSegment
from .review_import import ImportResult, import_review
from .translate.api import Resources, Unavailable
from .translate.memory import MemoryEntry, TranslationMemory, memory_path, normalise, unit_id
from .translate.stage import MachinePolicy, TranslationStage

__all__ = ["ImportResult", "export", "import_review", "tmx"]

EXPORT_NOTE_FROM = "developer"  # what xliff2po writes as "#." comments


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


@dataclass(frozen=True)
class ExportUnit:
    """One segment as a reviewer receives it, whatever the file format."""

    release: Release
    key: str
    source: str
    target: str  # approved memory or machine draft; empty when untranslated
    approved: bool
    notes: tuple[str, ...]
    matches: tuple[tuple[float, MemoryEntry], ...]  # memory sentences like it (untranslated only)


def export_units(
    releases: Sequence[Release], lang: str, resources: Resources, policy: MachinePolicy | None = None
) -> tuple[str, list[ExportUnit]]:
    """(source language, units): drafts that need review first, with the reasons in notes, then the rest."""
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
    pinner = stage.pinner(source_lang, lang)
    memory = stage.memories.get(lang)
    fuzzy = _Fuzzy(memory.entries() if memory is not None and memory.source_lang == source_lang else [])
    todo: list[tuple[Release, TranslatedSegment, list[str]]] = []
    for release in releases:
        tr = translated[release.id]
        segments = _untranslated(release, lang) if isinstance(tr, Unavailable) else list(tr.segments)
        todo += [(release, seg, policy.reasons(seg)) for seg in segments]
    todo.sort(key=lambda item: not item[2])  # stable: needs-review drafts first, then reading order
    out = []
    for release, seg, reasons in todo:
        notes = [f"segment: {seg.segment.key}", f"release: {release.id} ({release.title})"]
        notes.append(f"origin: {seg.origin.value}")
        if seg.origin is Origin.MACHINE:
            notes[-1] += f" ({seg.engine}); a draft: correct it, then mark it translated"
        if seg.review:
            notes.append(f"needs-review: {seg.review}")
        if seg.score is not None:
            notes.append(f"quality-score: {seg.score:.2f}")
        notes += [f"needs-review: {r}" for r in reasons]
        notes += [f"qa: {c}" for c in seg.checks if "(error)" not in c]
        notes += _term_note(resources.glossary, pinner, seg.segment.text)
        has_target = seg.origin in (Origin.MEMORY, Origin.MACHINE)
        matches = () if has_target else tuple(fuzzy.matches(seg.segment.text))
        notes += [f"memory {score:.0f}%: {e.source!r} -> {e.target!r}" for score, e in matches]
        out.append(
            ExportUnit(
                release=release,
                key=seg.segment.key,
                source=seg.segment.text,
                target=seg.text if has_target else "",
                approved=seg.origin is Origin.MEMORY and not seg.review,
                notes=tuple(notes),
                matches=matches,
            )
        )
    return source_lang, out


def export(
    releases: Sequence[Release],
    lang: str,
    resources: Resources,
    policy: MachinePolicy | None = None,
    fmt: str = "xliff",
) -> bytes:
    """XLIFF (or PO) of every segment of ``releases`` for ``lang``: approved memory, machine draft, or empty.

    The segment id travels where translate-toolkit's converters keep it: the unit id, ``resname`` and a
    location context group in XLIFF (``#:`` after ``xliff2po``), ``msgctxt`` and ``#:`` in PO; the notes
    are "developer" notes (``#.`` comments in PO).
    """
    source_lang, units = export_units(releases, lang, resources, policy)
    return to_po(units, source_lang, lang) if fmt == "po" else to_xliff(units, source_lang, lang)


def to_xliff(units: Sequence[ExportUnit], source_lang: str, lang: str) -> bytes:
    store: Any = xliff.xlifffile(sourcelanguage=source_lang, targetlanguage=lang)
    for item in units:
        # One <file> per release, named by its id: CAT tools show it as the document.
        unit = store.addsourceunit(item.source, filename=item.release.id, createifmissing=True)
        unit.setid(item.key)
        unit.xmlelement.set("resname", item.key)
        if item.target:
            unit.target = item.target
            unit.markapproved(item.approved)
            unit.set_state_n(unit.S_SIGNED_OFF if item.approved else unit.S_NEEDS_REVIEW)
        for score, entry in item.matches:
            unit.addalttrans(
                entry.target,
                origin="ggmulti-memory",
                lang=lang,
                sourcetxt=entry.source,
                matchquality=f"{score:.0f}%",
            )
        unit.createcontextgroup("ggmulti-segment", [("sourcefile", item.key)], purpose="location")
        unit.addnote("\n".join(item.notes), origin=EXPORT_NOTE_FROM)
    store.removedefaultfile()
    return bytes(store)


def to_po(units: Sequence[ExportUnit], source_lang: str, lang: str) -> bytes:
    """PO as msgmerge would leave it: the best memory match as a fuzzy msgstr with its ``#| msgid``."""
    from translate.storage import po

    store: Any = po.pofile()
    store.updateheader(add=True, Language=lang, X_Source_Language=source_lang, X_Generator="ggmulti")
    for item in units:
        unit = store.addsourceunit(item.source)
        unit.setcontext(item.key)
        unit.addlocation(item.key)
        unit.addnote("\n".join(item.notes), origin="developer")
        if item.target:
            unit.target = item.target
            unit.markfuzzy(not item.approved)
        elif item.matches:
            _score, best = item.matches[0]
            unit.target = best.target
            unit.prev_source = best.source
            unit.markfuzzy(True)
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
        tu = store.units[-1].xmlelement
        tu.set("tuid", unit_id(entry.source))
        # TMX 1.4: <note> and <prop> come before the <tuv>s; "x-" types are the user-defined ones.
        props = [("x-origin", entry.origin), ("x-segment", entry.key)]
        props += [("x-qa-accepted", a) for a in entry.accepted]
        for n, (kind, text) in enumerate(props, start=1):
            prop = tu.makeelement("prop", {"type": kind})
            prop.text = text
            tu.insert(n, prop)
    return bytes(store), len(memory) - held, held
