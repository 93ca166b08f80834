"""What `ggmulti publish` tells the press office: today's releases first, then one catalogue line.

The build report holds every edition of the catalogue; a person who has just published one release
wants to know what happened to that release in each language and the one command that would fix what
is missing, not the state of five hundred others. `publish --json` prints the same as one object.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from .manifest import Catalogue, EditionEntry
from .model import EditionStatus, Provenance, Release


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

    def lines(self) -> list[str]:
        out: list[str] = []
        for r in self.releases:
            if r.change == "withdrawn":
                out.append(r.notice)
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
