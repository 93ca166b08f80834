"""Which releases a build publishes, and in which languages: decisions taken before anything is made.

A withdrawal on record wins over the sources; every release is published in its own language too (the
original is always reachable); an edition less than ``[build] min_translated`` translated is none.
"""

from __future__ import annotations

from collections.abc import Sequence

from .manifest import Catalogue
from .model import Origin, Release, SegmentCounts, TranslatedRelease
from .translate.api import Unavailable


def release_languages(release: Release, languages: Sequence[str]) -> tuple[str, ...]:
    """The languages a release is published in by this build: those asked for, and its own."""
    return (*languages, release.source_lang) if release.source_lang not in languages else tuple(languages)


def withhold(releases: Sequence[Release], old: Catalogue | None) -> tuple[list[Release], dict[str, str]]:
    """The releases to publish, and the withdrawn ones the sources still hold with the line that says
    so: a withdrawal on record wins over a source still in the folder."""
    withdrawn = {w.id: w for w in old.withdrawn} if old is not None else {}
    withheld = {
        w.id: f"{w.id}: withdrawn{f' on {w.date}' if w.date else ''}{f' ({w.reason})' if w.reason else ''}; "
        f"not published. ggmulti restore {w.id} publishes it again"
        for r in releases
        if (w := withdrawn.get(r.id)) is not None
    }
    return [r for r in releases if r.id not in withdrawn], withheld


def mostly_translated(tr: TranslatedRelease, threshold: float) -> TranslatedRelease | Unavailable:
    """The edition, or none when less than ``threshold`` of its sentences are translated ([build]
    min_translated): a page that is mostly in another language is not an edition of this one."""
    counts = SegmentCounts.of(tr.segments)
    done = counts.total - counts.untranslated
    if not counts.untranslated or done >= threshold * counts.total:
        return tr
    title = tr.title.text if tr.title.origin is not Origin.UNTRANSLATED else None
    return Unavailable(
        f"{done} of {counts.total} sentences translated, below [build] min_translated = {threshold:g}",
        title=title,
        lang=tr.lang,
    )
