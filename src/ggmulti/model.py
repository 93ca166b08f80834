"""Typed values that flow from one stage to the next. All frozen: a stage returns new values."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Release:
    """One press release as ingested: the only shape later stages see, whatever the input format was."""

    id: str
    title: str
    date: str | None  # ISO 8601 date (YYYY-MM-DD); None when the source gives none
    source_lang: str
    paragraphs: tuple[str, ...]
    source_ref: str  # where it came from, for messages: "feed.xml#item 3", "a.md"
    source_url: str | None = None


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """A problem found in input, named precisely enough to act on."""

    severity: Severity
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.severity.value}: {self.message}"


@dataclass(frozen=True)
class ParagraphLanguage:
    index: int
    lang: str | None  # None: too short or no letters to tell
    probability: float


@dataclass(frozen=True)
class LanguageReport:
    release_id: str
    declared: str
    detected: str | None
    paragraphs: tuple[ParagraphLanguage, ...]
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Segment:
    """A sentence-sized unit of translation; ``key`` is stable across builds for the same release text."""

    release_id: str
    paragraph: int  # TITLE_PARAGRAPH for the release title
    index: int  # position within the paragraph
    text: str

    @property
    def key(self) -> str:
        if self.paragraph == TITLE_PARAGRAPH:
            return f"{self.release_id}:title"
        return f"{self.release_id}:p{self.paragraph}:s{self.index}"


TITLE_PARAGRAPH = -1
CLOSING = "help"  # the key suffix of the help line an edition's audio ends with ([publisher.help])


def closing_key(release_id: str) -> str:
    """The cue id of the help line read at the end of an edition's audio, after its last sentence."""
    return f"{release_id}:{CLOSING}"


def is_closing(key: str) -> bool:
    """Whether a timing or cue is that help line, which no text edition (EPUB, bundle) carries."""
    return key.rsplit(":", 1)[-1] == CLOSING


@dataclass(frozen=True)
class TermHit:
    """A term found in a source segment: ``text[start:end]`` is the surface form."""

    term_id: str
    start: int
    end: int
    surface: str


class Layer(StrEnum):
    """How a hit was pinned; each layer is tried only when the previous one failed."""

    PLACEHOLDER = "placeholder"
    HYPOTHESIS = "hypothesis"  # a lower-ranked hypothesis kept every placeholder
    ALTERNATIVE = "alternative"  # a second protection style
    SPLIT = "split"  # translated around the term and joined
    SOURCE = "source"  # the edition is the source text itself
    MEMORY = "memory"  # an approved human translation that contains the approved form


@dataclass(frozen=True)
class TermCheck:
    term_id: str
    surface: str
    expected: str | None  # the approved target form, None if the glossary has none for the language
    pinned: bool
    layer: Layer | None
    reason: str = ""


class Origin(StrEnum):
    SOURCE = "source"  # the edition is in the release's own language
    MEMORY = "memory"  # an approved human translation
    MACHINE = "machine"  # the translation engine
    UNTRANSLATED = "untranslated"  # shown in the source language, marked as such


@dataclass(frozen=True)
class TranslatedSegment:
    segment: Segment
    text: str
    lang: str  # the language ``text`` is actually in (source lang when untranslated)
    origin: Origin
    engine: str | None = None
    model_sha256: str | None = None
    terms: tuple[TermCheck, ...] = ()
    review: str = ""  # an approved translation a reviewer should look at again, and why
    # Machine output only: the quality estimate in 0..1 (engine confidence lowered by failed QA checks;
    # None when the engine gives none) and the QA findings as "check (severity): message".
    score: float | None = None
    checks: tuple[str, ...] = ()
    held: bool = False  # a machine draft held back by [translation] publish_machine: text is the source


class EditionStatus(StrEnum):
    PUBLISHED = "published"
    PARTIAL = "partial"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class SegmentCounts:
    total: int = 0
    source: int = 0
    memory: int = 0
    machine: int = 0
    untranslated: int = 0

    @classmethod
    def of(cls, segments: list[TranslatedSegment] | tuple[TranslatedSegment, ...]) -> SegmentCounts:
        count = {o: 0 for o in Origin}
        for s in segments:
            count[s.origin] += 1
        return cls(
            total=len(segments),
            source=count[Origin.SOURCE],
            memory=count[Origin.MEMORY],
            machine=count[Origin.MACHINE],
            untranslated=count[Origin.UNTRANSLATED],
        )


class Provenance(StrEnum):
    """Who wrote an edition's text, as readers are told: machine translation is always labelled."""

    SOURCE = "source"  # the release's own language
    HUMAN = "human"  # approved human translations only
    MACHINE = "machine"  # a translation engine only
    MIXED = "mixed"  # both

    @classmethod
    def of(cls, counts: SegmentCounts) -> Provenance:
        if counts.machine and counts.memory:
            return cls.MIXED
        if counts.machine:
            return cls.MACHINE
        if counts.memory:
            return cls.HUMAN
        return cls.SOURCE


@dataclass(frozen=True)
class TermCounts:
    expected: int = 0
    pinned: int = 0


@dataclass(frozen=True)
class TranslatedRelease:
    """A release rendered into one language: what the render stage consumes."""

    release: Release
    lang: str
    title: TranslatedSegment
    paragraphs: tuple[tuple[TranslatedSegment, ...], ...]

    @property
    def key(self) -> tuple[str, str]:
        return (self.release.id, self.lang)

    @property
    def segments(self) -> tuple[TranslatedSegment, ...]:
        """The title, then every sentence in reading order."""
        return (self.title, *(s for para in self.paragraphs for s in para))
