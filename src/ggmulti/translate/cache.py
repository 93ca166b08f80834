"""SQLite translation cache: re-running a build translates nothing twice; a new model misses on purpose.

Key: (source segment after term protection, source lang, target lang, model sha256, engine, n).
The engine name carries the decoding settings (beam size, compute type), which also change output;
``n`` separates the 1-best translation from stored n-best lists. Owned by the build: the caller
gives the database path and closes it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .api import engine_score

if TYPE_CHECKING:
    from .api import Translator

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    source TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    model_sha256 TEXT NOT NULL,
    engine TEXT NOT NULL,
    n INTEGER NOT NULL,
    outputs TEXT NOT NULL,
    PRIMARY KEY (source, source_lang, target_lang, model_sha256, engine, n)
) WITHOUT ROWID
"""
# Engine confidence of a cached 1-best (mean token log-probability), so a cache hit is scored like a miss.
_SCORES = """
CREATE TABLE IF NOT EXISTS scores (
    source TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    model_sha256 TEXT NOT NULL,
    engine TEXT NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (source, source_lang, target_lang, model_sha256, engine)
) WITHOUT ROWID
"""
_CHUNK = 400  # bound parameters per lookup stay far below SQLite's limit


@dataclass(frozen=True)
class CacheScope:
    """Everything but the source text that decides a translation."""

    source_lang: str
    target_lang: str
    model_sha256: str
    engine: str


class TranslationCache:
    """One SQLite file (WAL mode, so readers are not blocked while a build writes)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path))
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)
        self._db.execute(_SCORES)
        self._db.commit()
        self.hits = 0
        self.misses = 0

    def get(self, scope: CacheScope, sources: Sequence[str], n: int) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        unique = list(dict.fromkeys(sources))
        for start in range(0, len(unique), _CHUNK):
            chunk = unique[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                "SELECT source, outputs FROM translations WHERE source_lang=? AND target_lang=? AND "
                f"model_sha256=? AND engine=? AND n=? AND source IN ({marks})",
                (scope.source_lang, scope.target_lang, scope.model_sha256, scope.engine, n, *chunk),
            )
            for source, outputs in rows:
                found[source] = json.loads(outputs)
        return found

    def put(self, scope: CacheScope, entries: Mapping[str, Sequence[str]], n: int) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        src,
                        scope.source_lang,
                        scope.target_lang,
                        scope.model_sha256,
                        scope.engine,
                        n,
                        json.dumps(list(outs), ensure_ascii=False),
                    )
                    for src, outs in entries.items()
                ],
            )

    def get_score(self, scope: CacheScope, source: str) -> float | None:
        row = self._db.execute(
            "SELECT score FROM scores WHERE source=? AND source_lang=? AND target_lang=? AND "
            "model_sha256=? AND engine=?",
            (source, scope.source_lang, scope.target_lang, scope.model_sha256, scope.engine),
        ).fetchone()
        return float(row[0]) if row else None

    def put_scores(self, scope: CacheScope, scores: Mapping[str, float]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO scores VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (src, scope.source_lang, scope.target_lang, scope.model_sha256, scope.engine, score)
                    for src, score in scores.items()
                ],
            )

    def purge(self, keep_model_sha256: Sequence[str]) -> int:
        """Drop entries of models no longer in use; returns how many rows went."""
        marks = ",".join("?" * len(keep_model_sha256)) or "NULL"
        with self._db:
            cur = self._db.execute(
                f"DELETE FROM translations WHERE model_sha256 NOT IN ({marks})", tuple(keep_model_sha256)
            )
        return cur.rowcount

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM translations").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CachedTranslator:
    """A Translator that answers from the cache and sends only the misses to the engine, in one batch."""

    def __init__(
        self, inner: Translator, cache: TranslationCache, source_lang: str, target_lang: str
    ) -> None:
        self.inner = inner
        self.cache = cache
        self.source_lang = source_lang
        self.target_lang = target_lang

    @property
    def engine(self) -> str:
        return self.inner.engine

    @property
    def model_sha256(self) -> str | None:
        return self.inner.model_sha256

    def _scope(self) -> CacheScope | None:
        sha = self.inner.model_sha256
        if sha is None:
            return None  # a model of unknown identity is never cached: its entries could not be invalidated
        return CacheScope(self.source_lang, self.target_lang, sha, self.inner.engine)

    def _lookup(self, texts: Sequence[str], n: int) -> list[list[str]]:
        scope = self._scope()
        if scope is None:
            return self.inner.hypotheses(texts, n) if n > 1 else [[t] for t in self.inner.translate(texts)]
        found = self.cache.get(scope, texts, n)
        misses = [t for t in dict.fromkeys(texts) if t not in found]
        self.cache.hits += sum(1 for t in texts if t in found)
        self.cache.misses += len(misses)
        if misses:
            if n == 1:
                fresh = {t: [out] for t, out in zip(misses, self.inner.translate(misses), strict=True)}
                scored = {t: sc for t in misses if (sc := engine_score(self.inner, t)) is not None}
                if scored:
                    self.cache.put_scores(scope, scored)
            else:
                fresh = dict(zip(misses, self.inner.hypotheses(misses, n), strict=True))
            self.cache.put(scope, fresh, n)
            found.update(fresh)
        return [found[t] for t in texts]

    def translate(self, texts: Sequence[str]) -> list[str]:
        return [outs[0] for outs in self._lookup(texts, 1)]

    def hypotheses(self, texts: Sequence[str], n: int) -> list[list[str]]:
        return self._lookup(texts, n)

    def score(self, text: str) -> float | None:
        scope = self._scope()
        if scope is None:
            return engine_score(self.inner, text)
        return self.cache.get_score(scope, text)


@contextmanager
def open_cache(path: Path) -> Iterator[TranslationCache]:
    cache = TranslationCache(path)
    try:
        yield cache
    finally:
        cache.close()
