"""The translate stage: source, approved memory or machine per segment, never a silent substitute.

Engines, memories and the glossary are owned by the build and passed in; this module keeps no state
between builds. All segments of one language go to the engine together (one batch per pinning layer).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from ..cache import WorkCache, key_of
from ..errors import QaInputError
from ..glossary.match import Matcher, capitalised
from ..glossary.pin import PRIMARY, Pinner
from ..model import (
    Layer,
    Origin,
    Release,
    Segment,
    TermCheck,
    TermCounts,
    TermHit,
    TranslatedRelease,
    TranslatedSegment,
)
from ..segment import segment_release, title_segment
from .api import Memory, Resources, Unavailable, engine_score
from .qa import QaChecker, QaFinding, term_spans

if TYPE_CHECKING:
    from ..config import TranslationConfig

# How much one failed check lowers a sentence's score (multiplied per finding).
ERROR_FACTOR = 0.5
WARNING_FACTOR = 0.85
MISSED_TERM_FACTOR = 0.7


@dataclass(frozen=True)
class MachinePolicy:
    """Which machine sentences need review and which are published ([translation] min_score, publish_machine)."""

    min_score: float = 0.35
    publish: Literal["all", "checked", "none"] = "all"

    @classmethod
    def of(cls, config: TranslationConfig) -> MachinePolicy:
        return cls(config.min_score, config.publish_machine)

    def reasons(self, seg: TranslatedSegment) -> list[str]:
        """Why a machine sentence needs review (empty: it does not)."""
        if seg.origin is not Origin.MACHINE and not seg.held:
            return []
        out = []
        if seg.score is not None and seg.score < self.min_score:
            out.append(f"quality score {seg.score:.2f} is below min_score {self.min_score:.2f}")
        out += [c for c in seg.checks if "(error)" in c]
        out += [f"term {t.term_id} ({t.surface!r}) not pinned: {t.reason}" for t in seg.terms if not t.pinned]
        return out

    def holds(self, seg: TranslatedSegment) -> bool:
        return self.publish == "none" or (self.publish == "checked" and bool(self.reasons(seg)))


def quality_score(logprob: float | None, findings: Sequence[QaFinding], missed_terms: int) -> float | None:
    """exp(mean token log-probability): the engine's per-token confidence in 0..1, lowered per failed check."""
    if logprob is None:
        return None
    score = math.exp(min(logprob, 0.0))
    for f in findings:
        score *= ERROR_FACTOR if f.severity == "error" else WARNING_FACTOR
    return round(score * MISSED_TERM_FACTOR**missed_terms, 4)


def qa_findings(checker: QaChecker, pinner: Pinner, source: str, target: str) -> tuple[QaFinding, ...]:
    try:
        return checker.check(source, target, *term_spans(pinner, source, target))
    except QaInputError as exc:
        return (QaFinding("too-long", "warning", str(exc)),)


def term_counts(segments: Sequence[TranslatedSegment]) -> TermCounts:
    """Glossary terms expected and pinned in these sentences (the translated ones of an edition)."""
    checks = [c for s in segments for c in s.terms]
    return TermCounts(expected=len(checks), pinned=sum(c.pinned for c in checks))


class TranslationStage:
    """Owned by one build: one Matcher per source language (compiled only if some text is not in the
    work cache), shared by the term pinners of every target language; hits found once per text."""

    def __init__(
        self, resources: Resources, policy: MachinePolicy | None = None, cache: WorkCache | None = None
    ) -> None:
        self.resources = resources
        self.policy = policy or MachinePolicy()
        self.cache = cache
        self._pinners: dict[tuple[str, str], Pinner] = {}
        self._matchers: dict[str, Matcher] = {}
        self._hits: dict[str, dict[str, list[TermHit]]] = {}  # source lang -> text -> hits
        terms = resources.glossary.terms
        # Memories as seen under this build's glossary: entries approved under an older term form
        # carry the current form and a re-review flag.
        self.memories: dict[str, Memory] = {
            lang: memory.refreshed({t.id: t.target_form(memory.source_lang, lang) for t in terms})
            for lang, memory in resources.memories.items()
        }

    def matcher(self, source_lang: str) -> Matcher:
        if source_lang not in self._matchers:
            self._matchers[source_lang] = Matcher(self.resources.glossary, source_lang)
        return self._matchers[source_lang]

    def pinner(self, source_lang: str, target_lang: str) -> Pinner:
        key = (source_lang, target_lang)
        if key not in self._pinners:
            self._pinners[key] = Pinner(
                self.resources.glossary,
                source_lang,
                target_lang,
                matcher=lambda: self.matcher(source_lang),
                known=self._hits.setdefault(source_lang, {}),
            )
        return self._pinners[key]

    def _prefetch(self, source_lang: str, texts: Sequence[str]) -> None:
        """Hits of ``texts`` from the work cache, keyed by the language's forms; misses are found and stored."""
        known = self._hits.setdefault(source_lang, {})
        wanted = [t for t in dict.fromkeys(texts) if t not in known]
        if self.cache is None or not wanted:
            return
        forms = [
            (t.id, t.source_forms(source_lang))
            for t in self.resources.glossary.terms
            if t.source_forms(source_lang)
        ]
        scope = key_of("forms", self.cache.code, source_lang, forms)
        keys = {t: key_of(scope, t) for t in wanted}
        found = self.cache.get_many("hits", keys.values())
        fresh: dict[str, str] = {}
        for text, key in keys.items():
            if key in found:
                known[text] = [
                    TermHit(str(i), int(a), int(b), str(f)) for i, a, b, f in json.loads(found[key])
                ]
            else:
                known[text] = self.matcher(source_lang).find(text)
                fresh[key] = json.dumps([[h.term_id, h.start, h.end, h.surface] for h in known[text]])
        self.cache.put_many("hits", fresh)

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

        by_source: dict[str, list[str]] = {}
        for release, flat, _ in work:
            by_source.setdefault(release.source_lang, []).extend(seg.text for seg in flat)
        for src, texts in by_source.items():
            self._prefetch(src, texts)

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
            checker = QaChecker(src, tgt)
            for (seg, _release), p in zip(items, pinned, strict=True):
                findings = qa_findings(checker, pinner, seg.text, p.text)
                logprob = engine_score(translator, pinner.protect(seg.text, PRIMARY).text)
                missed = sum(1 for c in p.checks if not c.pinned and c.expected is not None)
                made = TranslatedSegment(
                    seg,
                    p.text,
                    tgt,
                    Origin.MACHINE,
                    translator.engine,
                    translator.model_sha256,
                    terms=p.checks,
                    score=quality_score(logprob, findings, missed),
                    checks=tuple(f"{f.check} ({f.severity}): {f.message}" for f in findings),
                )
                if self.policy.holds(made):  # shown in the source language, marked untranslated
                    made = replace(
                        made,
                        text=seg.text,
                        lang=src,
                        origin=Origin.UNTRANSLATED,
                        engine=None,
                        model_sha256=None,
                        held=True,
                    )
                results[seg.key] = made

        for release, flat, paragraphs in work:
            if all(results[s.key].origin is Origin.UNTRANSLATED for s in flat):
                # Memory exists for the language but covers nothing of this release: nothing to publish.
                held = sum(results[s.key].held for s in flat)
                out[release.id] = Unavailable(
                    f"machine translations held back by [translation] publish_machine = "
                    f"'{self.policy.publish}' ({held} of {len(flat)} sentences) and no approved translations"
                    if held
                    else f"no approved translations of this release and no {release.source_lang}->{lang} model"
                )
                continue
            out[release.id] = TranslatedRelease(
                release=release,
                lang=lang,
                title=results[flat[0].key],
                paragraphs=tuple(tuple(results[s.key] for s in para) for para in paragraphs),
            )
        return out
