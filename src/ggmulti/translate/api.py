"""What the translate stage consumes: engines, memories and the glossary, as small interfaces.

They live apart from their consumer (stage.py) so that the glossary, review and diff code can name them
without importing the stage, and no package imports another in a circle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from ..glossary.model import Glossary

if TYPE_CHECKING:
    from .cache import TranslationCache
    from .memory import MemoryEntry


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


def engine_score(translator: Translator, text: str) -> float | None:
    """The engine's confidence in its 1-best for ``text`` (mean token log-probability), when it has one.

    Optional for engines (test doubles, pivots have none): asked by name, not part of Translator.
    """
    score = getattr(translator, "score", None)
    if score is None:
        return None
    value = score(text)
    return float(value) if value is not None else None


class Memory(Protocol):
    """Approved human translations for one language pair."""

    @property
    def source_lang(self) -> str: ...

    def get(self, source: str) -> MemoryEntry | None: ...

    def entries(self) -> list[MemoryEntry]:
        """Every entry, in a stable order (fuzzy matches for review export, TMX)."""
        ...

    def refreshed(self, current: Mapping[str, str | None]) -> Memory:
        """The memory under the current approved term forms (see TranslationMemory.refreshed)."""
        ...


@dataclass(frozen=True)
class Unavailable:
    """Why an edition cannot be produced at all (shown in the manifest, report and doctor)."""

    reason: str
    title: str | None = None  # the translated title, when there is one (indexes show it)
    lang: str | None = None  # the language the title is in


@dataclass(frozen=True)
class Resources:
    """What the build has for translating, keyed by (source, target) and target language."""

    translators: Mapping[tuple[str, str], Translator] = field(default_factory=dict)
    memories: Mapping[str, Memory] = field(default_factory=dict)
    glossary: Glossary = field(default_factory=lambda: Glossary(()))
    cache: TranslationCache | None = None  # counts what the engines were actually asked (misses)
