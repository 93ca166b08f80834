"""The edition's text as JSON beside its page: what every later build needs to re-make pages over it.

Bundles, indexes and withdrawals are built over the whole catalogue, and the press office publishes
one new release at a time: the older releases' sources are not at hand, their translated text is. Other
tools get the same file: every sentence with its language and origin (source, memory, machine,
untranslated) and how each glossary term fared.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace

from ..errors import OutputError
from ..manifest import ArtifactKind
from ..model import TranslatedRelease
from .api import BuildContext, EditionJob, EditionKey, EditionResult, Output

DATA_VERSION = 1


def dumps_edition(tr: TranslatedRelease) -> bytes:
    # Where the release was read from is a path on the publishing machine: not for the public file.
    public = replace(tr, release=replace(tr.release, source_ref=tr.release.id))
    data = {"data_version": DATA_VERSION, "edition": asdict(public)}
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def loads_edition(data: bytes, where: str) -> TranslatedRelease:
    from pydantic import TypeAdapter, ValidationError

    try:
        raw = json.loads(data.decode("utf-8"))
        if not isinstance(raw, dict) or raw.get("data_version") != DATA_VERSION:
            raise ValueError(f"not a ggmulti edition of data version {DATA_VERSION}")
        return TypeAdapter(TranslatedRelease).validate_python(raw["edition"])
    except (UnicodeDecodeError, ValueError, ValidationError, RecursionError) as exc:
        first = str(exc).splitlines()[0]
        raise OutputError(f"{where}: published edition text is unreadable ({first}); republish it") from None


class EditionData:
    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx

    def generate(
        self, jobs: Sequence[EditionJob], earlier: Mapping[EditionKey, EditionResult]
    ) -> dict[EditionKey, EditionResult]:
        return {
            j.tr.key: EditionResult(
                outputs=(Output(j.paths.of(ArtifactKind.DATA), ArtifactKind.DATA, dumps_edition(j.tr)),)
            )
            for j in jobs
        }


def load_translated(ctx: BuildContext, path: str) -> TranslatedRelease | None:
    """A published edition's text, from this build or the output folder (None: not published)."""
    data = ctx.read(path)
    return loads_edition(data, str(ctx.store.root / path)) if data is not None else None
