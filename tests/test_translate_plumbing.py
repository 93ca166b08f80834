"""Target prefixes and pivoting, on tiny random-weight models the tests build offline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ggmulti.errors import ModelError
from ggmulti.translate.archive import install
from ggmulti.translate.argos import ArgosEngine, DecodeOptions, Engines, PivotEngine
from ggmulti.translate.cache import CachedTranslator, TranslationCache
from ggmulti.translate.models import find_model

Build = Callable[..., Path]
OPTS = DecodeOptions(max_decoding_length=12)
TEXTS = ["Gyeonggi Province opened a center.", "Free classes start next week.", "The governor met residents."]


class Spy:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: list[dict[str, Any]] = []

    def translate_batch(self, tokens: list[list[str]], **kwargs: Any) -> Any:
        results = self.inner.translate_batch(tokens, **kwargs)
        self.calls.append({"tokens": tokens, "results": results, **kwargs})
        return results


def spy_on(engine: ArgosEngine) -> Spy:
    engine._load()
    spy = Spy(engine._translator)
    engine._translator = spy
    return spy


@pytest.fixture
def multilingual(build_argosmodel: Build, tmp_path: Path) -> Path:
    root = tmp_path / "models"
    install(
        build_argosmodel(
            "en", "vi", seed=7, target_prefixes={"vi": "__vi__", "lo": "__lo__", "km": "__km__"}
        ),
        root=root,
    )
    return root


def test_target_prefix_from_metadata_reaches_translate_batch(multilingual: Path) -> None:
    outputs = {}
    for lang in ("vi", "lo", "km"):
        model = find_model("en", lang, multilingual)
        assert model is not None and model.path.name == "translate-en_vi-1_0"  # one model, three targets
        engine = ArgosEngine(model, to_code=lang, options=OPTS)
        spy = spy_on(engine)
        tokens = engine.translate_tokens(engine.tokenize(TEXTS), 1)
        outputs[lang] = [engine.detokenize(t[0]) for t in tokens]
        assert len(spy.calls) == 1
        assert spy.calls[0]["target_prefix"] == [[f"__{lang}__"]] * len(TEXTS)
        for ours, raw in zip(tokens, spy.calls[0]["results"], strict=True):
            assert raw.hypotheses[0][0] == f"__{lang}__"  # CTranslate2 returns the forced token ...
            assert ours[0] == raw.hypotheses[0][1:]  # ... which is not output text
    assert outputs["vi"] != outputs["lo"] != outputs["km"]  # the prefix steers the decoder
    with pytest.raises(ModelError, match="serves en->vi/km/lo, not th"):
        ArgosEngine(find_model("en", "vi", multilingual), to_code="th")  # type: ignore[arg-type]


def test_argos_single_target_prefix(build_argosmodel: Build, tmp_path: Path) -> None:
    install(build_argosmodel("en", "my", target_prefix="__my__"), root=tmp_path)
    engine = ArgosEngine.from_path(tmp_path / "translate-en_my-1_0", options=OPTS)
    spy = spy_on(engine)
    hyps = engine.hypotheses(TEXTS[:2], 3)
    assert spy.calls[0]["target_prefix"] == [["__my__"]] * 2 and spy.calls[0]["num_hypotheses"] == 3
    assert all(1 <= len(h) <= 3 for h in hyps)


def test_bilingual_model_gets_no_prefix(build_argosmodel: Build, tmp_path: Path) -> None:
    install(build_argosmodel("ko", "en"), root=tmp_path)
    engine = ArgosEngine.from_path(tmp_path / "translate-ko_en-1_0", options=OPTS)
    spy = spy_on(engine)
    engine.translate(TEXTS)
    assert spy.calls[0]["target_prefix"] is None


@pytest.fixture
def pivot_models(build_argosmodel: Build, tmp_path: Path) -> Path:
    root = tmp_path / "models"
    install(build_argosmodel("ko", "en", seed=11), root=root)
    install(
        build_argosmodel("en", "vi", seed=12, target_prefixes={"vi": "__vi__", "lo": "__lo__"}), root=root
    )
    return root


def test_pivot_through_english_when_no_direct_model(pivot_models: Path) -> None:
    with Engines(pivot_models, options=OPTS) as engines:
        pivot = engines.translator("ko", "lo")
        assert isinstance(pivot, PivotEngine)
        first, second = engines.translator("ko", "en"), engines.translator("en", "lo")
        assert isinstance(first, ArgosEngine) and isinstance(second, ArgosEngine)
        assert pivot.first is first and pivot.second is second  # legs shared, each model loaded once
        spies = spy_on(first), spy_on(second)
        out = pivot.translate(TEXTS)
        assert [len(s.calls) for s in spies] == [1, 1]  # one batch per leg
        assert spies[1].calls[0]["target_prefix"] == [["__lo__"]] * len(TEXTS)
        assert out == second.translate(first.translate(TEXTS))
        assert pivot.engine.startswith("pivot(argos:translate-ko_en") and "en->lo" in pivot.engine
        assert pivot.model_sha256 is not None and len(pivot.model_sha256) == 64
        assert pivot.model_sha256 not in (first.model_sha256, second.model_sha256)
        nbest = pivot.hypotheses(TEXTS, 3)
        assert [h[0] for h in nbest] == out and all(1 <= len(h) <= 3 for h in nbest)
        assert engines.translator("ko", "th") is None
        assert engines.translator("vi", "ko") is None


def test_pivot_with_cache(pivot_models: Path, tmp_path: Path) -> None:
    with (
        TranslationCache(tmp_path / "c.sqlite") as cache,
        Engines(pivot_models, options=OPTS, cache=cache) as es,
    ):
        translator = es.require("ko", "vi")
        assert isinstance(translator, CachedTranslator) and isinstance(translator.inner, PivotEngine)
        first = translator.translate(TEXTS)
        assert translator.translate(TEXTS) == first and cache.hits == len(TEXTS)
