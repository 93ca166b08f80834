"""SQLite cache of per-content work, beside the translation cache: an unchanged release costs a lookup.

What it keeps, each keyed by a hash of everything the result depends on plus the code's own fingerprint
(so an edited module or a new langdetect misses on purpose):

- ``ingest``: the releases read from one source file, by its name and bytes;
- ``langdetect``: a paragraph's verdict (language, probability) by the paragraph's text;
- ``hits``: the glossary hits in a segment, by the source language's forms and the segment's text;
- ``glossary``: the loaded, checked glossary, by the bytes of its files and the configured scripts;
- ``release``: per output folder and release, the key of what its editions were last made from
  (``incremental.release_key``) with the editions' own keys, so a release whose key is unchanged
  takes its editions from the manifest without being translated again; ``site``: the same for the
  folder's indexes, feeds and bundles (``incremental.site_key``);
- ``blobs``: bytes of intermediate results, each under an owner that decides how long it lives (a
  bundle's PDF parts, one per release, owned by the bundle: replaced when it is rebuilt, dropped
  with it);
- ``files``: the size, mtime_ns and sha256 of each file an output folder's build wrote or kept, so a
  later build trusts an unchanged (size, mtime) and re-hashes only what moved. Never in the manifest,
  which stays the same bytes for the same catalogue; `ggmulti verify` ignores this and re-hashes all.

A damaged cache (an SQLite file not readable in this shape) is set aside (``*.corrupt``) and rebuilt:
everything in it can be recomputed. Owned by the build: the caller opens and closes it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from . import __version__
from .owned import refuse_foreign_cache
from .store import FileState

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS work (
        kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, key)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS blobs (
        kind TEXT NOT NULL, key TEXT NOT NULL, owner TEXT NOT NULL, value BLOB NOT NULL,
        PRIMARY KEY (kind, key)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS files (
        root TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
        sha256 TEXT NOT NULL, PRIMARY KEY (root, path)
    ) WITHOUT ROWID""",
)
_CHUNK = 400  # bound parameters per lookup stay far below SQLite's limit
# The modules whose logic decides a cached result: editing one invalidates every entry.
_CODE = (
    "ingest.py",
    "inputs.py",
    "detect.py",
    "segment.py",
    "languages.py",
    "model.py",
    "glossary/match.py",
    "glossary/model.py",
    "glossary/load.py",
    "glossary/check.py",
)


def work_cache_path(translation_cache: Path) -> Path:
    """The work cache lives in the translation cache's folder, in a file of its own."""
    return translation_cache.parent / "ggmulti-work.sqlite"


# Libraries whose behaviour decides those results (parsers, the language detector).
_LIBRARIES = ("langdetect", "markdown-it-py", "lxml", "defusedxml", "PyYAML")


def code_fingerprint() -> str:
    """ggmulti's version, the bytes of the modules in ``_CODE`` and the versions of ``_LIBRARIES``."""
    package = Path(__file__).resolve().parent
    return _fingerprint([package / name for name in _CODE], package)


def package_fingerprint() -> str:
    """Every module of ggmulti and the libraries above: what a whole release's editions depend on in code.

    Any edit to the package misses on purpose (the build then goes the long way, which still reuses
    every file whose own inputs are unchanged).
    """
    package = Path(__file__).resolve().parent
    return _fingerprint(sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts), package)


def _fingerprint(modules: Sequence[Path], package: Path) -> str:
    digest = hashlib.sha256(f"ggmulti {__version__}\n".encode())
    for path in modules:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name} {metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} ?\n".encode())
    return digest.hexdigest()


def key_of(*parts: object) -> str:
    """A cache key: the sha256 of ``parts`` as canonical JSON."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class WorkCache:
    """One SQLite file (WAL mode); values are JSON text (blobs: bytes), made and read by the caller. ``hits``/``misses`` count lookups per build."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.code = code_fingerprint()
        self.hits = 0
        self.misses = 0
        refuse_foreign_cache(path, "[translation] cache (its work cache)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._db = self._open(str(path))
            except sqlite3.DatabaseError:
                self._set_aside()
                self._db = self._open(str(path))
        except (OSError, sqlite3.Error) as exc:
            # An unusable place for the cache costs speed, never the build: work in memory, say so.
            # A folder that cannot hold caches is reported once, by the translation cache beside it.
            reason = getattr(exc, "strerror", None) or str(exc)
            level = logging.WARNING if path.parent.is_dir() else logging.DEBUG
            logging.getLogger("ggmulti.cache").log(
                level, "warning: %s: cannot use the work cache (%s); building without it", path, reason
            )
            self._db = self._open(":memory:")

    def _open(self, where: str) -> sqlite3.Connection:
        db = sqlite3.connect(where)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute("SELECT kind, key, value FROM work LIMIT 1").fetchall()
            db.execute("SELECT root, path, size, mtime_ns, sha256 FROM files LIMIT 1").fetchall()
            db.execute("SELECT kind, key, owner, value FROM blobs LIMIT 1").fetchall()
            db.commit()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _set_aside(self) -> None:
        """Keep the unreadable file for a look (one generation), and start afresh."""
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        os.replace(self.path, self.path.with_name(self.path.name + ".corrupt"))

    # ------------------------------------------------------------------ keyed work

    def get_many(self, kind: str, keys: Iterable[str]) -> dict[str, str]:
        """The cached values (JSON text) of ``keys`` that are present (absent keys are misses)."""
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _CHUNK):
            chunk = unique[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, value FROM work WHERE kind=? AND key IN ({marks})", (kind, *chunk)
            )
            for key, value in rows:
                found[key] = value
        self.hits += len(found)
        self.misses += len(unique) - len(found)
        return found

    def get(self, kind: str, key: str) -> str | None:
        return self.get_many(kind, [key]).get(key)

    def put_many(self, kind: str, values: Mapping[str, str]) -> None:
        if not values:
            return
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO work VALUES (?, ?, ?)",
                [(kind, key, value) for key, value in values.items()],
            )

    def put(self, kind: str, key: str, value: str) -> None:
        self.put_many(kind, {key: value})

    # ------------------------------------------------------------------ intermediate bytes

    def get_blob(self, kind: str, key: str) -> bytes | None:
        row = self._db.execute("SELECT value FROM blobs WHERE kind=? AND key=?", (kind, key)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return bytes(row[0])

    def put_blob(self, kind: str, key: str, owner: str, value: bytes) -> None:
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO blobs VALUES (?, ?, ?, ?)", (kind, key, owner, value))

    def retain_blobs(self, kind: str, owner: str, keys: Iterable[str]) -> None:
        """Forget ``owner``'s blobs of ``kind`` other than ``keys`` (what its latest build used)."""
        keep = set(keys)
        with self._db:
            stale = [
                (kind, key)
                for (key,) in self._db.execute(
                    "SELECT key FROM blobs WHERE kind=? AND owner=?", (kind, owner)
                )
                if key not in keep
            ]
            self._db.executemany("DELETE FROM blobs WHERE kind=? AND key=?", stale)

    def retain_owners(self, kind: str, owners: Iterable[str]) -> None:
        """Forget the blobs of ``kind`` whose owner is not in ``owners`` (a bundle that is gone)."""
        keep = set(owners)
        with self._db:
            gone = [
                (kind, owner)
                for (owner,) in self._db.execute("SELECT DISTINCT owner FROM blobs WHERE kind=?", (kind,))
                if owner not in keep
            ]
            self._db.executemany("DELETE FROM blobs WHERE kind=? AND owner=?", gone)

    # ------------------------------------------------------------------ what an output folder was made under

    def recorded(self, kind: str, root: Path, names: Iterable[str]) -> dict[str, str]:
        """Name -> the key its part of ``root`` (a release's editions, the site) was last made under."""
        where = _root(root)
        keys = {key_of(kind, where, name): name for name in names}
        return {keys[k]: v for k, v in self.get_many(kind, keys).items()}

    def record(self, kind: str, root: Path, made: Mapping[str, str]) -> None:
        where = _root(root)
        self.put_many(kind, {key_of(kind, where, name): value for name, value in made.items()})

    # ------------------------------------------------------------------ output file states

    def file_states(self, root: Path) -> dict[str, FileState]:
        rows = self._db.execute("SELECT path, size, mtime_ns, sha256 FROM files WHERE root=?", (_root(root),))
        return {path: FileState(size, mtime, sha) for path, size, mtime, sha in rows}

    def record_files(
        self,
        root: Path,
        states: Mapping[str, FileState],
        listed: Sequence[str],
        known: Mapping[str, FileState] | None = None,
    ) -> None:
        """Remember ``states``; forget every other path of ``root`` not in ``listed`` (removed files).

        ``known``: what ``file_states`` gave at the start of the build (read again when not given);
        only the states that differ from it are written.
        """
        key = _root(root)
        keep = set(listed)
        known = self.file_states(root) if known is None else known
        with self._db:
            stale = [(key, path) for path in known if path not in keep and path not in states]
            self._db.executemany("DELETE FROM files WHERE root=? AND path=?", stale)
            self._db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                [
                    (key, path, s.size, s.mtime_ns, s.sha256)
                    for path, s in states.items()
                    if known.get(path) != s
                ],
            )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> WorkCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _root(root: Path) -> str:
    return str(root.resolve())


@contextmanager
def open_work_cache(translation_cache: Path | None) -> Iterator[WorkCache | None]:
    """The work cache beside ``translation_cache``; None (no caching) when the build has no cache path."""
    if translation_cache is None:
        yield None
        return
    refuse_foreign_cache(translation_cache)  # before anything is made in its folder
    cache = WorkCache(work_cache_path(translation_cache))
    try:
        yield cache
    finally:
        cache.close()
