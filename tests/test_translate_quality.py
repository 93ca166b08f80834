"""The quality score ranks real zh->en output as chrF against references does (issue 16's done-when)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _bench() -> object:
    spec = importlib.util.spec_from_file_location(
        "ggmulti_quality_bench", ROOT / "bench" / "quality_bench.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["ggmulti_quality_bench"] = module
    spec.loader.exec_module(module)
    return module


def test_score_correlates_with_sentence_chrf(zh_en_models_dir: Path) -> None:
    bench: object = _bench()
    rows = bench.references()[::2]  # type: ignore[attr-defined]  # a fixed subset: 28 sentences
    out = bench.translate_json(zh_en_models_dir, [zh for zh, _ in rows])  # type: ignore[attr-defined]
    assert [o["source"] for o in out] == [zh for zh, _ in rows]
    for o in out:
        assert 0.0 < o["score"] <= 1.0 and o["text"] and isinstance(o["checks"], list)
        (seg,) = o["segments"]
        assert seg["score"] == o["score"] and seg["logprob"] < 0
    scores = [o["score"] for o in out]
    chrfs = [bench.chrf(o["text"], en) for o, (_zh, en) in zip(out, rows, strict=True)]  # type: ignore[attr-defined]
    assert bench.spearman(scores, chrfs) >= 0.3  # type: ignore[attr-defined]


def test_spearman_is_rank_correlation() -> None:
    bench: object = _bench()
    rho = bench.spearman  # type: ignore[attr-defined]
    assert rho([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert rho([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert rho([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(0.9486833)  # ties share ranks (scipy agrees)
