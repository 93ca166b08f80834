"""The protocol every output format implements, and the values that flow through it.

An edition format turns translated editions into bytes (``Output``); a site format turns the whole
catalogue into pages over it (indexes, feeds, bundles). Formats never write: the build hands their
outputs to the store, so every file goes through one writer's checks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..cache import WorkCache
from ..config import Config
from ..glossary.model import Glossary
from ..manifest import Artifact, ArtifactKind, Bundle, Catalogue
from ..model import TranslatedRelease
from ..paths import EditionPaths
from ..render.html import HtmlRenderer
from ..speech.encode import SentenceTiming
from ..store import OutputStore

EditionKey = tuple[str, str]  # (release id, language)
Progress = Callable[[str, int, int], None]  # (stage, items done now, stage total)


@dataclass(frozen=True)
class Output:
    """Bytes for one path of the output folder, not yet written."""

    path: str
    kind: ArtifactKind
    data: bytes


@dataclass(frozen=True)
class EditionJob:
    """One edition to make: the translated release and the other languages it is published in."""

    tr: TranslatedRelease
    alternates: tuple[str, ...]

    @property
    def paths(self) -> EditionPaths:
        return EditionPaths(self.tr.release.id, self.tr.lang)


@dataclass(frozen=True)
class EditionResult:
    outputs: tuple[Output, ...] = ()
    notes: tuple[str, ...] = ()  # e.g. why there is no audio, for the manifest and report
    audio_seconds: float | None = None
    timings: tuple[SentenceTiming, ...] = ()  # where each sentence is heard in the audio (read-aloud EPUB)

    def output(self, kind: ArtifactKind) -> Output | None:
        return next((o for o in self.outputs if o.kind is kind), None)

    def then(self, later: EditionResult) -> EditionResult:
        """This edition's results with a later format's added (one place knows how they combine)."""
        return EditionResult(
            self.outputs + later.outputs,
            self.notes + later.notes,
            later.audio_seconds if later.audio_seconds is not None else self.audio_seconds,
            later.timings or self.timings,
        )


@dataclass(frozen=True)
class SiteInput:
    """What site formats are made from: the whole catalogue, this build's entries merged in."""

    catalogue: Catalogue  # every release published so far, this build's included
    previous: Catalogue | None  # the catalogue before this build (what can be reused)


@dataclass(frozen=True)
class SiteResult:
    outputs: tuple[Output, ...] = ()
    kept: tuple[Artifact, ...] = ()  # files of an earlier build that are still current
    bundles: tuple[Bundle, ...] = ()
    written: tuple[Artifact, ...] = ()  # files the format wrote as it went (BuildContext.write)

    def has(self, path: str) -> bool:
        return any(o.path == path for o in self.outputs) or any(
            a.path == path for a in (*self.kept, *self.written)
        )


@dataclass
class BuildContext:
    """What every format of one build shares; owned by the build, dropped after it."""

    config: Config
    glossary: Glossary
    html: HtmlRenderer
    store: OutputStore
    formats: tuple[str, ...] = ()  # the formats this build makes ([build] formats or --format)
    log: Callable[[str], None] = lambda _m: None
    progress: Progress = lambda _stage, _done, _total: None
    work: WorkCache | None = None  # intermediate results kept between builds (bundle PDF parts)

    def read(self, path: str) -> bytes | None:
        """A published file's bytes, from the folder: this build's files are written as they are made,
        and the build keeps no bytes (a catalogue's worth would not fit in memory)."""
        return self.store.read(path)

    def write(self, outputs: Sequence[Output]) -> tuple[Artifact, ...]:
        """The only place a format's bytes reach the output folder (through the store's checks)."""
        return tuple(self.store.write(out.path, out.data, out.kind) for out in outputs)


class EditionFormat(Protocol):
    """Makes one format's files for a batch of editions (batched: PDFs and speech run in workers)."""

    def generate(
        self, jobs: Sequence[EditionJob], earlier: Mapping[EditionKey, EditionResult]
    ) -> dict[EditionKey, EditionResult]:
        """``earlier``: what the formats before this one in the table made for the same editions."""
        ...


class SiteFormat(Protocol):
    """Makes pages over the whole catalogue (indexes, feeds, bundles)."""

    def generate(self, site: SiteInput, earlier: Sequence[SiteResult]) -> SiteResult: ...
