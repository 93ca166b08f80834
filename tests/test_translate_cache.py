"""The SQLite translation cache: hits never reach the engine, a new model (or setting) misses on purpose."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from ggmulti.translate.api import engine_score
from ggmulti.translate.argos import ArgosEngine, Engines
from ggmulti.translate.cache import CachedTranslator, TranslationCache


class CountingEngine:
    """A Translator double that records every batch it is sent."""

    def __init__(self, sha: str | None = "a" * 64, engine: str = "fake") -> None:
        self._sha = sha
        self._engine = engine
        self.batches: list[list[str]] = []

    @property
    def engine(self) -> str:
        return self._engine

    @property
    def model_sha256(self) -> str | None:
        return self._sha

    def translate(self, texts: Sequence[str]) -> list[str]:
        self.batches.append(list(texts))
        return [t.upper() for t in texts]

    def hypotheses(self, texts: Sequence[str], n: int) -> list[list[str]]:
        self.batches.append(list(texts))
        return [[f"{t.upper()}#{i}" for i in range(n)] for t in texts]


def test_second_run_calls_the_engine_zero_times(tmp_path: Path) -> None:
    engine = CountingEngine()
    with TranslationCache(tmp_path / "c.sqlite") as cache:
        wrapped = CachedTranslator(engine, cache, "en", "vi")
        assert wrapped.translate(["a", "b", "a"]) == ["A", "B", "A"]
        assert engine.batches == [["a", "b"]]  # misses go in one batch, each text once
        assert wrapped.translate(["b", "a"]) == ["B", "A"]
        assert engine.batches == [["a", "b"]]
        assert wrapped.translate(["c", "a"]) == ["C", "A"]
        assert engine.batches[-1] == ["c"]  # only the miss
        assert (cache.hits, cache.misses) == (3, 3)  # segments answered from the cache, texts sent
    # a new build opening the same file translates nothing again
    engine2 = CountingEngine()
    with TranslationCache(tmp_path / "c.sqlite") as cache:
        assert CachedTranslator(engine2, cache, "en", "vi").translate(["a", "b", "c"]) == ["A", "B", "C"]
    assert engine2.batches == []


def test_key_is_model_sha_pair_and_engine_settings(tmp_path: Path) -> None:
    with TranslationCache(tmp_path / "c.sqlite") as cache:
        CachedTranslator(CountingEngine(), cache, "en", "vi").translate(["a"])
        for other, src, tgt in (
            (CountingEngine(sha="b" * 64), "en", "vi"),  # new model: its own entries
            (CountingEngine(), "en", "lo"),  # other target
            (CountingEngine(), "ko", "vi"),  # other source
            (CountingEngine(engine="fake beam=2"), "en", "vi"),  # other decoding settings
        ):
            CachedTranslator(other, cache, src, tgt).translate(["a"])
            assert other.batches == [["a"]], (src, tgt, other.engine)
        assert len(cache) == 5
        assert cache.purge(["a" * 64]) == 1  # drop entries of models no longer in use
        assert len(cache) == 4


def test_nbest_is_stored_separately_from_the_best(tmp_path: Path) -> None:
    engine = CountingEngine()
    with TranslationCache(tmp_path / "c.sqlite") as cache:
        wrapped = CachedTranslator(engine, cache, "en", "vi")
        assert wrapped.hypotheses(["x", "y"], 3) == [["X#0", "X#1", "X#2"], ["Y#0", "Y#1", "Y#2"]]
        assert wrapped.hypotheses(["y"], 3) == [["Y#0", "Y#1", "Y#2"]]
        assert len(engine.batches) == 1
        wrapped.translate(["x"])
        assert engine.batches[-1] == ["x"]


def test_unknown_model_is_never_cached(tmp_path: Path) -> None:
    engine = CountingEngine(sha=None)
    with TranslationCache(tmp_path / "c.sqlite") as cache:
        wrapped = CachedTranslator(engine, cache, "en", "vi")
        wrapped.translate(["a"])
        wrapped.translate(["a"])
        assert len(engine.batches) == 2 and len(cache) == 0


def test_database_is_in_wal_mode(tmp_path: Path) -> None:
    with TranslationCache(tmp_path / "c.sqlite"):
        pass
    with sqlite3.connect(tmp_path / "c.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_real_engine_second_run_makes_no_translate_batch_call(
    zh_en_models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = ArgosEngine.translate_tokens_scored  # the one place translate_batch is called

    def counting(
        self: ArgosEngine, tokens: Sequence[Sequence[str]], n: int
    ) -> list[tuple[list[list[str]], list[float]]]:
        calls.append(len(tokens))
        return real(self, tokens, n)

    monkeypatch.setattr(ArgosEngine, "translate_tokens_scored", counting)
    texts = ["天气很好。", "省长会见了外国居民。"]
    outs = []
    for _build in range(2):
        with (
            TranslationCache(tmp_path / "c.sqlite") as cache,
            Engines(zh_en_models_dir, cache=cache) as engines,
        ):
            outs.append(engines.require("zh", "en").translate(texts))
    assert calls == [2]
    assert outs[0] == outs[1] and "weather" in outs[0][0].lower()
    with TranslationCache(tmp_path / "c.sqlite") as cache, Engines(zh_en_models_dir, cache=cache) as engines:
        scores = [engine_score(engines.require("zh", "en"), t) for t in texts]
    assert all(s is not None and -3.0 < s < 0.0 for s in scores)  # the score came from the cache too
