"""Editions written as they are made: the build keeps their metadata, never their bytes.

A full build used to hold every format's bytes for every edition until the last one was made (3.8 GB
at 500 releases in five languages). Here each chunk an executor hands back is written through the
store (the only writer: its path checks, lock and atomic renames) before the next is asked for, and
what stays is what the manifest needs: the artifacts (path, size, sha256), notes and audio length.
Bundles and feeds read the files back from the output folder. A build killed between two chunks
leaves whole files and the previous manifest, which the next build mends (it finds the files it
needs to make, and leaves byte-identical ones alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .executor import Executor, chunked
from .formats.api import BuildContext, EditionJob, EditionKey, EditionResult
from .manifest import Artifact


@dataclass(frozen=True)
class Written:
    """What the manifest records of an edition made by this build, once its files are on disk."""

    artifacts: tuple[Artifact, ...] = ()
    notes: tuple[str, ...] = ()
    audio_seconds: float | None = None


def stream_editions(
    ctx: BuildContext, executor: Executor, jobs: Sequence[EditionJob], size: int
) -> dict[EditionKey, Written]:
    """Make ``jobs`` in chunks of ``size`` and write each chunk when it comes back, in plan order."""
    chunks = chunked(jobs, size)
    written: dict[EditionKey, Written] = {}
    ctx.progress("editions", 0, len(jobs))
    for chunk, results in zip(chunks, executor.map(chunks), strict=True):
        for job in chunk:
            result = results.get(job.tr.key, EditionResult())
            written[job.tr.key] = Written(ctx.write(result.outputs), result.notes, result.audio_seconds)
        del results  # this chunk's bytes go before the next chunk is asked for
        ctx.progress("editions", len(chunk), len(jobs))
    return written
