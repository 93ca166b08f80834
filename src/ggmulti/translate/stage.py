"""The translate stage: source, approved memory or machine per segment, never a silent substitute.

Engines and memories are owned by the build and passed in; this module holds no state of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..model import Origin, Release, Segment, TranslatedRelease, TranslatedSegment
from ..segment import segment_release, title_segment


class Translator(Protocol):
    """A machine translation engine for one language pair (argos, a pivot, a test double, ...)."""

    @property
    def engine(self) -> str: ...

    @property
    def model_sha256(self) -> str | None: ...

    def translate(self, texts: Sequence[str]) -> list[str]:
        """Translate a batch; the result has one string per input, in order."""
        ...

    def hypotheses(self, texts: Sequence[str], n: int) -> list[list[str]]:
        """Up to ``n`` alternative translations per input, best first (for term-pinning fallbacks)."""
        ...


class Memory(Protocol):
    """Approved human translations for one target language."""

    def lookup(self, source: str, source_lang: str) -> str | None: ...


@dataclass(frozen=True)
class Unavailable:
    """Why an edition cannot be produced at all (shown in the manifest, report and doctor)."""

    reason: str


@dataclass(frozen=True)
class Resources:
    """What the build has for translating into other languages, keyed by (source, target)."""

    translators: Mapping[tuple[str, str], Translator]
    memories: Mapping[str, Memory]


def translate_release(release: Release, lang: str, resources: Resources) -> TranslatedRelease | Unavailable:
    """One release into ``lang``: memory first, then the engine, else untranslated (marked as such)."""
    title = title_segment(release)
    paragraphs = segment_release(release)
    if lang == release.source_lang:
        return TranslatedRelease(
            release=release, lang=lang, title=_as_source(title, lang),
            paragraphs=tuple(tuple(_as_source(s, lang) for s in para) for para in paragraphs),
        )
    translator = resources.translators.get((release.source_lang, lang))
    memory = resources.memories.get(lang)
    if translator is None and memory is None:
        return Unavailable(f"no translation model for {release.source_lang}->{lang} and no approved translations")

    flat = [title, *(s for para in paragraphs for s in para)]
    results: dict[str, TranslatedSegment] = {}
    pending: list[Segment] = []
    for seg in flat:
        approved = memory.lookup(seg.text, release.source_lang) if memory is not None else None
        if approved is not None:
            results[seg.key] = TranslatedSegment(seg, approved, lang, Origin.MEMORY)
        else:
            pending.append(seg)
    if pending and translator is not None:
        outputs = translator.translate([s.text for s in pending])
        if len(outputs) != len(pending):
            raise RuntimeError(f"{translator.engine} returned {len(outputs)} translations for {len(pending)} segments")
        for seg, out in zip(pending, outputs, strict=True):
            results[seg.key] = TranslatedSegment(seg, out, lang, Origin.MACHINE, translator.engine,
                                                 translator.model_sha256)
    for seg in pending:
        results.setdefault(seg.key, TranslatedSegment(seg, seg.text, release.source_lang, Origin.UNTRANSLATED))
    return TranslatedRelease(
        release=release, lang=lang, title=results[title.key],
        paragraphs=tuple(tuple(results[s.key] for s in para) for para in paragraphs),
    )


def _as_source(seg: Segment, lang: str) -> TranslatedSegment:
    return TranslatedSegment(seg, seg.text, lang, Origin.SOURCE)
