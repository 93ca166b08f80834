"""`ggmulti merge SHARD... --out DIR`: gather the editions of sharded builds into one output folder.

A back catalogue can be published in shards of releases on several machines (docs/scale.md). Each
shard's files are checked against its own manifest, copied through the store, and the manifests are
united. The per-language pages (indexes, feeds, bundles) are not merged: the next `ggmulti publish`
over all releases into DIR writes them, and reuses every merged edition because their recorded
inputs match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import manifest as mf
from .errors import OutputError
from .manifest import ReleaseEntry
from .store import OutputStore
from .verify import verify


@dataclass(frozen=True)
class MergeResult:
    releases: int
    editions: int
    files: int


def merge(shards: Sequence[Path], out: Path) -> MergeResult:
    store = OutputStore(out)
    with store.lock():  # one writer per output folder: a second build refuses at once
        return _merge(shards, out, store)


def _merge(shards: Sequence[Path], out: Path, store: OutputStore) -> MergeResult:
    store.prepare()
    previous = store.read(mf.MANIFEST_NAME)
    entries: dict[str, ReleaseEntry] = {}
    origin: dict[str, str] = {}
    if previous is not None:
        for entry in mf.loads(previous, str(out / mf.MANIFEST_NAME)).releases:
            entries[entry.id] = entry
            origin[entry.id] = str(out)
    plans: list[tuple[OutputStore, ReleaseEntry]] = []
    for shard in shards:
        checked = verify(shard)  # a shard with missing or altered files is not merged
        if checked.problems:
            raise OutputError(f"{shard}: {len(checked.problems)} problem(s), first: {checked.problems[0]}")
        source = OutputStore(shard)
        data = source.read(mf.MANIFEST_NAME)
        assert data is not None  # verify() has read it
        for entry in mf.loads(data, str(shard / mf.MANIFEST_NAME)).releases:
            rid = entry.id
            if rid in origin and origin[rid] != str(out) and entries[rid].editions != entry.editions:
                raise OutputError(f"{shard}: release '{rid}' differs from the one in {origin[rid]}")
            entries[rid], origin[rid] = entry, str(shard)
            plans.append((source, entry))
    files = editions = 0
    for source, entry in plans:
        for edition in entry.editions.values():
            editions += bool(edition.artifacts)
            for artifact in edition.artifacts:
                data = source.read(artifact.path)
                if data is None:
                    raise OutputError(f"{source.root}: {artifact.path} vanished while merging")
                store.write(artifact.path, data, artifact.kind)
                files += 1
    # The site's pages are rewritten by the next publish; listing stale ones would mislead verify.
    catalogue = mf.Catalogue.of(entries.values())
    store.write(mf.MANIFEST_NAME, mf.dumps(catalogue), mf.ArtifactKind.MANIFEST)
    return MergeResult(releases=len(entries), editions=editions, files=files)
