"""Edition work on a Ray cluster (``--executor ray``): the same chunks as the local executor, made by
long-lived actors, streamed back to the driver in chunk order.

Each actor holds what is expensive to load once for the whole build (the configuration, glossary,
page templates and interface strings; its formats load fonts, voices and translators on first use),
and runs the formats with one worker process: Ray spreads the chunks, one CPU per actor. Results come
back as each chunk finishes and the driver writes them through the store in plan order
(executor.results_in_order), so the files and the manifest are byte for byte those of a local build.

Faults: an actor whose process dies is restarted and its chunk retried (``max_restarts``,
``max_task_retries``); a chunk that fails for a reason of its own is narrowed down to its first
failing edition, and the build stops with one line naming that release, language and cause. Ray is an
optional extra (``pip install 'ggmulti[ray]'``), imported only here and only when asked for.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .config import Config
from .errors import BuildFailed, ConfigError, GgmultiError
from .executor import Chunk, Executor, make_editions, results_in_order
from .formats import selected
from .formats.api import BuildContext, EditionKey, EditionResult
from .glossary.model import Glossary
from .render.html import HtmlRenderer
from .store import OutputStore

RESTARTS = 3  # an actor process killed (out of memory, a node lost) is started again this often
RETRIES = 3  # and the chunk it was making tried again


class EditionWorker:
    """One actor: a build context of its own (never the store's writer) and the formats to run."""

    def __init__(self, config: Config, glossary: Glossary, formats: tuple[str, ...], root: str) -> None:
        one = replace(config, build=config.build.model_copy(update={"workers": 1}))  # Ray parallelizes
        # The store is only read from (bundles are the driver's); it is never written on a worker.
        self.ctx = BuildContext(one, glossary, HtmlRenderer(one, glossary), OutputStore(Path(root)), formats)
        self.active = selected(formats)

    def pid(self) -> int:
        return os.getpid()

    def make(self, number: int, jobs: Chunk) -> tuple[int, dict[EditionKey, EditionResult]]:
        try:
            return number, make_editions(self.ctx, self.active, jobs)
        except Exception as exc:
            if len(jobs) == 1:
                tr = jobs[0].tr
                raise GgmultiError(f"{tr.release.id} [{tr.lang}]: {_cause(exc)}") from None
        for job in jobs:  # which edition fails: the one line names it
            self.make(number, [job])
        raise GgmultiError(f"editions {_names(jobs)}: failed together, not one by one")


def _cause(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if not isinstance(exc, GgmultiError) else text


def _names(jobs: Chunk) -> str:
    return ", ".join(f"{j.tr.release.id} [{j.tr.lang}]" for j in jobs)


@dataclass
class RayExecutor:
    """Chunks dealt to whichever actor is free; results yielded in chunk order."""

    actors: Sequence[Any]

    def map(self, chunks: Sequence[Chunk]) -> Iterator[dict[EditionKey, EditionResult]]:
        return results_in_order(self._finished(chunks), len(chunks))

    def _finished(self, chunks: Sequence[Chunk]) -> Iterator[tuple[int, dict[EditionKey, EditionResult]]]:
        import ray
        from ray.exceptions import RayActorError, RayTaskError

        free = list(self.actors)
        running: dict[Any, tuple[Any, int]] = {}  # object ref -> (actor, chunk number)
        following = 0
        # Two chunks in flight per actor keeps every CPU busy without a catalogue's bytes in the
        # object store.
        while following < len(chunks) or running:
            while following < len(chunks) and len(running) < 2 * len(self.actors):
                actor = free.pop(0) if free else min(self.actors, key=lambda a: _load(running, a))
                running[actor.make.remote(following, chunks[following])] = (actor, following)
                following += 1
            done, _ = ray.wait(list(running), num_returns=1)
            actor, number = running.pop(done[0])
            free.append(actor)
            try:
                yield ray.get(done[0])
            except RayTaskError as exc:
                cause = exc.cause if isinstance(exc.cause, GgmultiError) else None
                line = str(cause) if cause is not None else _cause(exc).splitlines()[0]
                raise BuildFailed([line]) from None
            except RayActorError as exc:
                raise BuildFailed(
                    [
                        f"editions {_names(chunks[number])}: the Ray worker making them died "
                        f"{RESTARTS + 1} times ({str(exc).splitlines()[0]})"
                    ]
                ) from None


def _load(running: dict[Any, tuple[Any, int]], actor: Any) -> int:
    return sum(1 for a, _ in running.values() if a is actor)


@contextmanager
def ray_executor(ctx: BuildContext, address: str | None) -> Iterator[Executor]:
    """Actors on the cluster at ``address`` (or ``RAY_ADDRESS``); with neither, a local cluster sized
    to this machine, stopped at the end. A Ray session already started in this process is used as is."""
    try:
        import ray
    except ImportError:
        raise ConfigError(
            ["executor ray: Ray is not installed; install it with pip install 'ggmulti[ray]'"]
        ) from None
    address = address or os.environ.get("RAY_ADDRESS") or None
    started = not ray.is_initialized()
    if started:
        try:
            if address:
                ray.init(
                    address=address, log_to_driver=False, include_dashboard=False, logging_level=logging.ERROR
                )
            else:
                ray.init(
                    num_cpus=os.cpu_count() or 1,
                    log_to_driver=False,
                    include_dashboard=False,
                    logging_level=logging.ERROR,
                )
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = address or "a local cluster"
            raise GgmultiError(f"executor ray: cannot start or reach {where}: {exc}") from None
    try:
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))  # type: ignore[no-untyped-call]
        worker: Any = ray.remote(num_cpus=1, max_restarts=RESTARTS, max_task_retries=RETRIES)(EditionWorker)
        root = str(ctx.store.root)
        actors = [worker.remote(ctx.config, ctx.glossary, ctx.formats, root) for _ in range(cpus)]
        try:
            yield RayExecutor(actors)
        finally:
            for actor in actors:
                ray.kill(actor, no_restart=True)
    finally:
        if started:
            ray.shutdown()
