"""What `ggmulti publish` tells the press office: today's releases first, then one catalogue line.

The build report holds every edition of the catalogue; a person who has just published one release
wants to know what happened to that release in each language and the one command that would fix what
is missing, not the state of five hundred others. `publish --json` prints the same as one object.
A run that brings many releases at once (a first build, a back catalogue) is told per language instead,
with languages that have nothing published folded into one line per reason: what a newcomer should
look at is not buried under a hundred lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.cells import cell_len

from .config import LanguageConfig
from .manifest import Catalogue, EditionEntry
from .model import EditionStatus, Provenance, Release

# Releases told one by one; past this many, a run is told per language (a first build, a back catalogue).
RELEASES_TOLD = 5


@dataclass(frozen=True)
class LanguageOutcome:
    lang: str
    state: str  # published | partial | not translated
    detail: str  # why, in the words of the manifest ("2 of 11 sentences translated, ...")
    fix: str | None  # the single command that would translate it


@dataclass(frozen=True)
class ReleaseSummary:
    id: str
    title: str
    change: str  # new | changed | withdrawn
    why: tuple[str, ...]  # why its editions were rebuilt (the plans' reasons, deduplicated)
    languages: tuple[LanguageOutcome, ...]
    review: tuple[str, ...]  # sentences flagged for re-review (a glossary form changed since approval)
    missed: tuple[str, ...]  # glossary terms not in their approved form in translated sentences
    notice: str = ""  # for a withdrawn release: the line `publish` prints


@dataclass(frozen=True)
class CatalogueLine:
    releases: int
    editions: int
    languages: int
    withdrawn: int


@dataclass(frozen=True)
class Summary:
    releases: tuple[ReleaseSummary, ...]
    catalogue: CatalogueLine

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    def lines(self, limit: int = RELEASES_TOLD) -> list[str]:
        out: list[str] = []
        told = [r for r in self.releases if r.change != "withdrawn"]
        if len(told) > limit:
            out.append(
                f"{len(told)} release(s) new or changed in this run (per language below; "
                "`ggmulti publish --json` tells each one)"
            )
        for r in self.releases:
            if r.change == "withdrawn":
                out.append(r.notice)
                continue
            if len(told) > limit:
                continue
            head = f"{r.id} ({r.change}): {r.title}"
            out.append(head + (f"  [{'; '.join(r.why)}]" if r.why and r.change == "changed" else ""))
            for o in r.languages:
                out.append(f"  {o.lang:>4}: {o.state}" + (f" ({o.detail})" if o.detail else ""))
                if o.fix:
                    out.append(f"        fix: {o.fix}")
            out += [f"  re-review: {line}" for line in r.review]
            out += [f"  missed: {line}" for line in r.missed]
        c = self.catalogue
        out.append(
            f"catalogue: {c.releases} release(s), {c.editions} edition(s) in {c.languages} language(s)"
            + (f", {c.withdrawn} withdrawn" if c.withdrawn else "")
        )
        return out


def _outcome(lang: str, edition: EditionEntry, source: str) -> LanguageOutcome:
    fix = f"ggmulti review export --lang {lang} {source}"
    if edition.status is EditionStatus.PUBLISHED:
        machine = edition.translation in (Provenance.MACHINE, Provenance.MIXED)
        return LanguageOutcome(
            lang,
            "published",
            f"{edition.translation.value} translation" if machine and edition.translation else "",
            fix if machine else None,
        )
    if edition.status is EditionStatus.PARTIAL:
        return LanguageOutcome(lang, "partial", edition.reason or "", fix)
    return LanguageOutcome(lang, "not translated", edition.reason or "", fix)


def summarize(
    catalogue: Catalogue,
    releases: Mapping[str, Release],
    rebuilt: Mapping[tuple[str, str], tuple[str, ...]],
    editions: Mapping[tuple[str, str], EditionEntry],
    before: frozenset[str],
    withheld: Mapping[str, str],
) -> Summary:
    """``releases``: ingested by this build, by id; ``rebuilt``: (id, lang) -> why, for editions made
    now; ``editions``: this build's entries; ``before``: ids the folder held already; ``withheld``:
    withdrawn releases found in the sources -> the line that says so."""
    today: list[ReleaseSummary] = []
    for rid, release in releases.items():
        why = tuple(dict.fromkeys(w for (r, _l), ws in rebuilt.items() if r == rid for w in ws))
        if rid in before and not why:
            continue  # taken as it stands: not today's news
        mine = sorted((lang, e) for (r, lang), e in editions.items() if r == rid)
        today.append(
            ReleaseSummary(
                id=rid,
                title=release.title,
                change="changed" if rid in before else "new",
                why=why,
                languages=tuple(_outcome(lang, e, release.source_ref) for lang, e in mine),
                review=tuple(n for _l, e in mine for n in e.notes if "needs re-review" in n),
                missed=tuple(f"[{lang}] {n}" for lang, e in mine for n in e.notes if n.startswith("term ")),
            )
        )
    for rid, line in withheld.items():
        today.append(ReleaseSummary(rid, "", "withdrawn", (), (), (), (), notice=line))
    listed = [e for _r, _l, e in catalogue.editions() if e.listed]
    langs = {lang for _r, lang, e in catalogue.editions() if e.listed}
    return Summary(
        tuple(today),
        CatalogueLine(len(catalogue.releases), len(listed), len(langs), len(catalogue.withdrawn)),
    )


@dataclass(frozen=True)
class LanguageCounts:
    code: str
    published: int = 0
    partial: int = 0
    skipped: int = 0
    reasons: tuple[str, ...] = ()


def count_by_language(editions: Sequence[tuple[str, str, EditionEntry]]) -> list[LanguageCounts]:
    """Per language in build order: editions published, partial and not made, and why not."""
    counts: dict[str, dict[str, int]] = {}
    reasons: dict[str, dict[str, None]] = {}
    for _rid, lang, entry in editions:
        counts.setdefault(lang, {s.value: 0 for s in EditionStatus})[entry.status.value] += 1
        if entry.reason:
            reasons.setdefault(lang, {})[entry.reason] = None
    return [
        LanguageCounts(
            lang,
            c[EditionStatus.PUBLISHED.value],
            c[EditionStatus.PARTIAL.value],
            c[EditionStatus.SKIPPED.value],
            tuple(reasons.get(lang, {})),
        )
        for lang, c in counts.items()
    ]


def _generic(reason: str, code: str) -> str:
    """A reason with its language taken out, so languages that lack the same thing share one line."""
    return reason.replace(f"->{code}", "->L").replace(f"'{code}'", "'L'")


def result_lines(
    counts: Sequence[LanguageCounts], languages: Mapping[str, LanguageConfig], source_lang: str, out: Path
) -> list[str]:
    lines: list[str] = []
    built = [c for c in counts if c.published or c.partial]
    lines.append(f"Published in {len(built)} of {len(counts)} language(s):")
    for c in built:
        native = languages[c.code].native_name if c.code in languages else c.code
        parts = [f"{c.published} published"]
        if c.partial:
            parts.append(f"{c.partial} partial")
        if c.skipped:
            parts.append(f"{c.skipped} not translated")
        pad = " " * max(1, 16 - cell_len(native))  # CJK and Lao take two cells or one: pad by what shows
        lines.append(f"  {c.code:<4}{native}{pad}{', '.join(parts)}")
    gaps = [c for c in built if c.skipped or c.partial]
    if gaps:
        codes = ", ".join(c.code for c in gaps)
        example = gaps[0].code
        lines.append(
            f"  not yet translated in {codes}: translators approve them "
            f"(ggmulti review export --lang {example} SOURCE...) or install the {source_lang}->{example} model "
            "(ggmulti models install FILE.argosmodel)"
        )
    nothing: dict[str, list[str]] = {}
    for c in counts:
        if not (c.published or c.partial):
            why = _generic(c.reasons[0], c.code) if c.reasons else "nothing to publish"
            nothing.setdefault(why, []).append(c.code)
    for why, langs in nothing.items():
        lines.append(f"Not published in {', '.join(langs)}: {why}")
        lines.append(
            f"  fix: ggmulti models install FILE.argosmodel (the {source_lang}->L model), or approved "
            "translations (ggmulti review export --lang L); ggmulti doctor says what each language lacks"
        )
    lines.append(
        f"Open {out / 'index.html'} (the contract: {out / 'manifest.json'}; the report: {out / 'report.json'})"
    )
    return lines
