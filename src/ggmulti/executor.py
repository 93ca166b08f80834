"""Where edition work runs: one small protocol between the plan and the formats, so the build does not
know whether editions are made in this process (with its PDF and speech worker pools) or on a Ray
cluster (ray_executor.py).

Work goes out in chunks of editions, and each chunk's results come back in the order the chunks were
given, whatever order they finish in: the build writes them through the store as they arrive, so the
bytes it holds are one chunk's, never the catalogue's, and the files and the manifest are the same
whichever executor made them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from .formats import Format
from .formats.api import BuildContext, EditionJob, EditionKey, EditionResult

Chunk = Sequence[EditionJob]


class Executor(Protocol):
    """Makes every edition format's outputs for chunks of editions."""

    def map(self, chunks: Sequence[Chunk]) -> Iterator[dict[EditionKey, EditionResult]]:
        """Each chunk's results (every format's, combined), yielded in the chunks' order."""
        ...


def make_editions(
    ctx: BuildContext, active: Sequence[Format], jobs: Chunk, seconds: dict[str, float] | None = None
) -> dict[EditionKey, EditionResult]:
    """Every active edition format over ``jobs``, in table order (a later format sees what the earlier
    made: the page links the PDF, the EPUB reads the audio); ``seconds``: time per format, added to."""
    made: dict[EditionKey, EditionResult] = {}
    for fmt in active:
        if fmt.edition is None:
            continue
        started = time.perf_counter()
        for key, result in fmt.edition(ctx).generate(jobs, made).items():
            made[key] = made.get(key, EditionResult()).then(result)
        if seconds is not None:
            seconds[fmt.name] = seconds.get(fmt.name, 0.0) + time.perf_counter() - started
    return made


def chunked(jobs: Sequence[EditionJob], size: int) -> list[Chunk]:
    """``jobs`` in runs of ``size``, in order."""
    return [jobs[i : i + size] for i in range(0, len(jobs), max(1, size))]


def chunk_size(workers: int) -> int:
    """Editions per chunk: enough for every worker to get several (pools pay their start-up once per
    chunk), few enough that a chunk's bytes (PDF, MP3, EPUB) stay a few tens of MB."""
    return max(4, 8 * workers)


@dataclass
class LocalExecutor:
    """This machine: each chunk made in turn by the formats' own worker pools (PDF processes, voices)."""

    ctx: BuildContext
    active: Sequence[Format]
    seconds: dict[str, float] | None = None

    def map(self, chunks: Sequence[Chunk]) -> Iterator[dict[EditionKey, EditionResult]]:
        for chunk in chunks:
            yield make_editions(self.ctx, self.active, chunk, self.seconds)


def results_in_order(
    finished: Iterator[tuple[int, dict[EditionKey, EditionResult]]], count: int
) -> Iterator[dict[EditionKey, EditionResult]]:
    """(chunk number, results) in any order -> results in chunk order; holds only chunks that came early."""
    waiting: dict[int, dict[EditionKey, EditionResult]] = {}
    following = 0
    for number, results in finished:
        waiting[number] = results
        while following in waiting:
            yield waiting.pop(following)
            following += 1
    if following != count:
        missing = sorted(set(range(count)) - set(waiting) - set(range(following)))
        raise RuntimeError(f"edition chunks {missing} never came back")


EXECUTORS = ("local", "ray")


@contextmanager
def open_executor(
    kind: str,
    ctx: BuildContext,
    active: Sequence[Format],
    *,
    ray_address: str | None = None,
    seconds: dict[str, float] | None = None,
) -> Iterator[Executor]:
    """The executor ``kind`` names ([build] executor or --executor), shut down when the block ends."""
    if kind == "ray":
        from .ray_executor import ray_executor  # Ray is an optional extra, imported only when asked for

        with ray_executor(ctx, ray_address) as remote:
            yield remote
        return
    yield LocalExecutor(ctx, active, seconds)
