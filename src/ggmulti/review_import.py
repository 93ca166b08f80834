"""`review import`: validate every unit of a reviewed XLIFF or PO file, then add the approved ones to memory.

All or nothing: one bad unit refuses the file, naming every problem; the memory is written once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ReviewError
from .glossary.match import capitalised
from .glossary.model import Glossary
from .glossary.pin import Pinner
from .model import Layer, Release
from .review_read import ALL_CHECKS, ReviewFile, ReviewUnit, read_review_file
from .translate.memory import MemoryEntry, TranslationMemory, memory_path, normalise
from .translate.qa import QaChecker, errors, term_spans


@dataclass
class ImportResult:
    lang: str
    added: int = 0  # sentences new to the memory
    changed: int = 0  # a different (or re-approved) translation of a sentence the memory had
    unchanged: int = 0
    skipped: int = 0  # no target, or not marked translated
    accepted: int = 0  # units whose QA errors a reviewer accepted on purpose
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        tail = f", {self.accepted} accepted despite QA" if self.accepted else ""
        return (
            f"{self.lang} memory: {self.added} added, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.skipped} skipped{tail}"
        )


def _word_diff(old: str, new: str, limit: int = 3) -> str:
    """What a stale source changed, word by word: "'every day' -> 'on Sundays'" (the first few edits)."""
    a, b = old.split(), new.split()
    edits = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            edits.append(f"{' '.join(a[i1:i2])[:60]!r} -> {' '.join(b[j1:j2])[:60]!r}")
    more = f" and {len(edits) - limit} more" if len(edits) > limit else ""
    return "; ".join(edits[:limit]) + more


def _id_range(ids: Sequence[str]) -> str:
    numbers = sorted(int(i) for i in ids if i.isdigit())
    if len(numbers) == len(ids) and numbers:
        return f"ids {numbers[0]}-{numbers[-1]}" if len(numbers) > 1 else f"id {numbers[0]}"
    shown = ", ".join(ids[:3]) + (", ..." if len(ids) > 3 else "")
    return f"ids {shown}"


def renumbered_line(rf: ReviewFile, units: Sequence[ReviewUnit]) -> str:
    """One line for units that lost their segment id: what most likely happened, and how to convert back."""
    how = (
        "a PO made by `ggmulti review export --format po` (or xliff2po of a ggmulti export) keeps the segment "
        "ids in its `#:` lines: import that .po directly, or convert with `po2xliff -t ORIGINAL.xlf FILE.po`"
    )
    return (
        f"{rf.where}: {len(units)} unit(s) ({_id_range([u.raw_id for u in units])}) carry no ggmulti segment id: "
        f"the ids were most likely renumbered by a conversion (po2xliff, a CAT or TMS export) that dropped "
        f"the segment locations; {how}"
    )


def _choose(rf: ReviewFile, problems: list[str]) -> list[ReviewUnit]:
    """One unit per segment: a converted unit (key from its location) supersedes the template's copy."""
    lost = [u for u in rf.units if u.key is None]
    numbered = [u for u in lost if u.raw_id.isdigit() or rf.kind == "po"]
    if numbered:
        problems.append(renumbered_line(rf, numbered))
    problems += [f"{u.label}: not a ggmulti segment id" for u in lost if u not in numbered]
    by_key: dict[str, list[ReviewUnit]] = {}
    for unit in rf.units:
        if unit.key is not None:
            by_key.setdefault(unit.key, []).append(unit)
    chosen = []
    for units in by_key.values():
        carried = [u for u in units if u.carried]
        pick = carried or units  # po2xliff -t keeps the template's units and appends the converted ones
        if len(pick) > 1:
            problems.append(f"{pick[1].label}: segment {pick[0].key} appears twice")
            continue
        chosen.append(pick[0])
    return chosen


def _accept_hint(kind: str, key: str, check: str) -> str:
    """How to accept this check on purpose, in the reviewer's own file format or on the command line."""
    if kind == "po":
        mark = f"a `# qa-accept: {check}` comment (or the `#, qa-accept` flag)"
    else:
        mark = f'<note from="reviewer">qa-accept: {check}</note>'
    return f" (if the translation is right, accept it on purpose: {mark} on the unit, or `review import --accept {key}`)"


def _releases_source_lang(rf: ReviewFile, known: dict[str, tuple[str, str]]) -> str:
    langs = {known[u.key][1] for u in rf.units if u.key is not None and u.key in known}
    if len(langs) != 1:
        found = ", ".join(sorted(langs)) or "none"
        raise ReviewError(
            [f"{rf.where}: no X-Source-Language header and the releases named are in {found}; add the header"]
        )
    return langs.pop()


def import_review(
    path: Path,
    memory_dir: Path,
    releases: Sequence[Release],
    glossary: Glossary,
    languages: Sequence[str],
    lang: str | None = None,
    origin: str = "review",
    accept: Iterable[str] = (),
) -> ImportResult:
    """Validate every unit, then add the approved ones to the memory in one atomic write (or none).

    ``accept`` names segment ids whose QA errors the reviewer accepts on purpose (``--accept``).
    """
    from .segment import segment_release, title_segment

    rf = read_review_file(path, languages, lang)
    known: dict[str, tuple[str, str]] = {}
    for release in releases:
        for seg in (title_segment(release), *(s for para in segment_release(release) for s in para)):
            known[seg.key] = (seg.text, release.source_lang)
    source_lang = rf.source_lang or _releases_source_lang(rf, known)
    target = rf.target_lang
    if source_lang == target:
        raise ReviewError([f"{rf.where}: source and target language are both '{target}'"])
    accept_ids = set(accept)
    pinner = Pinner(glossary, source_lang, target)
    checker = QaChecker(source_lang, target)
    problems: list[str] = []
    mem_file = memory_path(memory_dir, source_lang, target)
    memory = TranslationMemory.load(mem_file, source_lang, target)
    result = ImportResult(lang=target)
    chosen = _choose(rf, problems)
    unknown_accepts = accept_ids - {u.key for u in chosen}
    problems += [f"--accept {k}: no such segment in {rf.where}" for k in sorted(unknown_accepts)]
    for unit in chosen:
        assert unit.key is not None
        label = unit.label
        if unit.key not in known:
            problems.append(
                f"{label}: unknown segment {unit.key} (no such release or sentence in the corpus)"
            )
            continue
        current, release_lang = known[unit.key]
        if release_lang != source_lang:
            problems.append(
                f"{label}: the release is in '{release_lang}', the file's source-language is '{source_lang}'"
            )
            continue
        if normalise(unit.source) != normalise(current):
            problems.append(
                f"{label}: source text differs from the release's current text "
                f"(file -> release: {_word_diff(normalise(unit.source), normalise(current))}); export again"
            )
            continue
        text = unit.target
        if not text:
            result.skipped += 1  # not translated yet: counted in the summary, not a line each
            continue
        if not unit.done:
            result.skipped += 1
            result.warnings.append(f"{label}: state '{unit.state}' is not translated/final; skipped")
            continue
        missed = [c for c in pinner.check_existing(unit.source, text, Layer.MEMORY) if not c.pinned]
        if missed:
            problems += [f"{label}: {c.reason} for '{c.surface}' ({c.term_id})" for c in missed]
            continue
        findings = checker.check(unit.source, text, *term_spans(pinner, unit.source, text))
        accepted_here = unit.accept | ({ALL_CHECKS} if unit.key in accept_ids else set())
        refused = [
            f for f in errors(findings) if ALL_CHECKS not in accepted_here and f.check not in accepted_here
        ]
        if refused:
            problems += [
                f"{label}: {f.check}: {f.message}{_accept_hint(rf.kind, unit.key, f.check)}" for f in refused
            ]
            continue
        accepted = tuple(f"{f.check}: {f.message}" for f in errors(findings))
        if accepted:
            result.accepted += 1
        warned = tuple(f"{f.check}: {f.message}" for f in findings if f.severity == "warning")
        result.warnings += [f"{label}: {w}" for w in warned]
        terms = {
            h.term_id: form for h in pinner.hits(unit.source) if (form := pinner.approved(h)) is not None
        }
        entry = MemoryEntry(
            source=current,
            target=text,
            key=unit.key,
            origin=origin,
            terms=terms,
            qa=warned,
            accepted=accepted,
        )
        old = memory.get(unit.source)
        same = old is not None and text in (old.target, capitalised(old.target, target))
        if old is not None and same and not old.needs_review and old.accepted == accepted:
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
