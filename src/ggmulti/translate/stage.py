"""The translate stage: source, approved memory or machine per segment, never a silent substitute.

Engines, memories and the glossary are owned by the build and passed in; this module keeps no state
between builds. All segments of one language go to the engine together (one batch per pinning layer).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..glossary.match import capitalised
from ..glossary.pin import Pinner
from ..model import (
    Layer,
    Origin,
    Release,
    Segment,
    TermCheck,
    TermCounts,
    TranslatedRelease,
    TranslatedSegment,
)
from ..segment import segment_release, title_segment
from .api import Memory, Resources, Unavailable


def term_counts(tr: TranslatedRelease) -> TermCounts:
    checks = [c for s in tr.segments for c in s.terms]
    return TermCounts(expected=len(checks), pinned=sum(c.pinned for c in checks))


class TranslationStage:
    """Owned by one build: term pinners are compiled once per language pair and reused."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources
        self._pinners: dict[tuple[str, str], Pinner] = {}
        terms = resources.glossary.terms
        # Memories as seen under this build's glossary: entries approved under an older term form
        # carry the current form and a re-review flag.
        self.memories: dict[str, Memory] = {
            lang: memory.refreshed({t.id: t.target_form(memory.source_lang, lang) for t in terms})
            for lang, memory in resources.memories.items()
        }

    def pinner(self, source_lang: str, target_lang: str) -> Pinner:
        key = (source_lang, target_lang)
        if key not in self._pinners:
            self._pinners[key] = Pinner(self.resources.glossary, source_lang, target_lang)
        return self._pinners[key]

    def availability(self, source_lang: str, lang: str) -> Unavailable | None:
        if lang == source_lang:
            return None
        if (source_lang, lang) in self.resources.translators or lang in self.memories:
            return None
        return Unavailable(f"no translation model for {source_lang}->{lang} and no approved translations")

    def run(self, releases: Sequence[Release], lang: str) -> dict[str, TranslatedRelease | Unavailable]:
        """Every release into ``lang``: memory first, then the engine, else untranslated (marked as such)."""
        out: dict[str, TranslatedRelease | Unavailable] = {}
        work: list[tuple[Release, list[Segment], list[list[Segment]]]] = []
        for release in releases:
            missing = self.availability(release.source_lang, lang)
            if missing is not None:
                out[release.id] = missing
                continue
            title = title_segment(release)
            paragraphs = segment_release(release)
            work.append((release, [title, *(s for para in paragraphs for s in para)], paragraphs))

        results: dict[str, TranslatedSegment] = {}
        pending: dict[tuple[str, str], list[tuple[Segment, Release]]] = {}
        for release, flat, _ in work:
            src = release.source_lang
            pinner = self.pinner(src, lang)
            memory = self.memories.get(lang)
            for seg in flat:
                if lang == src:
                    checks = tuple(
                        TermCheck(h.term_id, h.surface, h.surface, True, Layer.SOURCE)
                        for h in pinner.hits(seg.text)
                    )
                    results[seg.key] = TranslatedSegment(seg, seg.text, lang, Origin.SOURCE, terms=checks)
                    continue
                approved = memory.get(seg.text) if memory is not None and memory.source_lang == src else None
                if approved is not None:
                    checks = pinner.check_existing(seg.text, approved.target, Layer.MEMORY)
                    text = approved.target
                    if any(c.expected and text.casefold().startswith(c.expected.casefold()) for c in checks):
                        text = capitalised(text, lang)  # an approved form written lowercase, at the start
                    results[seg.key] = TranslatedSegment(
                        seg, text, lang, Origin.MEMORY, review=approved.needs_review, terms=checks
                    )
                else:
                    pending.setdefault((src, lang), []).append((seg, release))

        for (src, tgt), items in pending.items():
            translator = self.resources.translators.get((src, tgt))
            pinner = self.pinner(src, tgt)
            if translator is None:
                for seg, _release in items:
                    checks = tuple(
                        TermCheck(h.term_id, h.surface, pinner.approved(h), False, None, "untranslated")
                        for h in pinner.hits(seg.text)
                    )
                    results[seg.key] = TranslatedSegment(
                        seg, seg.text, src, Origin.UNTRANSLATED, terms=checks
                    )
                continue
            pinned = pinner.translate([seg.text for seg, _ in items], translator)
            for (seg, _release), p in zip(items, pinned, strict=True):
                results[seg.key] = TranslatedSegment(
                    seg,
                    p.text,
                    tgt,
                    Origin.MACHINE,
                    translator.engine,
                    translator.model_sha256,
                    terms=p.checks,
                )

        for release, flat, paragraphs in work:
            if all(results[s.key].origin is Origin.UNTRANSLATED for s in flat):
                # Memory exists for the language but covers nothing of this release: nothing to publish.
                out[release.id] = Unavailable(
                    f"no approved translations of this release and no {release.source_lang}->{lang} model"
                )
                continue
            out[release.id] = TranslatedRelease(
                release=release,
                lang=lang,
                title=results[flat[0].key],
                paragraphs=tuple(tuple(results[s.key] for s in para) for para in paragraphs),
            )
        return out
