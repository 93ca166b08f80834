"""Real zh->en inference through ArgosEngine: batching, n-best, the CLI, and lazy imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ggmulti.cli import main
from ggmulti.errors import EngineUnavailable
from ggmulti.translate.argos import ArgosEngine, DecodeOptions, Engines
from ggmulti.translate.models import find_model

ZH = [
    "京畿道今天宣布了新的多元文化家庭支持计划。",
    "该计划将于明年一月开始实施。",
    "外国居民可以在当地的多元文化中心申请。",
    "天气很好。",
    "免费的韩语课程下周开始。",
    "省长会见了外国居民。",
]
ZH_SHA = "62e7af5a3a48b530e47b7b3e5c78c2de79073ecd815750d2bf3ab35b4a67da2d"


class SpyTranslator:
    """Wraps a loaded ctranslate2.Translator and records every translate_batch call."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: list[tuple[list[list[str]], dict[str, Any]]] = []

    def translate_batch(self, tokens: list[list[str]], **kwargs: Any) -> Any:
        self.calls.append((tokens, kwargs))
        return self.inner.translate_batch(tokens, **kwargs)


def spy_on(engine: ArgosEngine) -> SpyTranslator:
    engine._load()
    spy = SpyTranslator(engine._translator)
    engine._translator = spy
    return spy


@pytest.fixture(scope="module")
def zh_en(zh_en_models_dir: Path) -> ArgosEngine:
    model = find_model("zh", "en", zh_en_models_dir)
    assert model is not None
    return ArgosEngine(model)


def test_batch_translates_real_chinese_in_one_call(zh_en: ArgosEngine) -> None:
    spy = spy_on(zh_en)
    out = zh_en.translate(ZH)
    assert len(spy.calls) == 1 and len(spy.calls[0][0]) == len(ZH)
    kwargs = spy.calls[0][1]
    assert kwargs["beam_size"] == 4 and kwargs["num_hypotheses"] == 1 and kwargs["target_prefix"] is None
    assert len(out) == len(ZH)
    text = " ".join(out).lower()
    for word in ("multicultural", "january", "residents", "weather", "korean", "free"):
        assert word in text, (word, out)
    assert all(o and o[0].isupper() and "\u2581" not in o for o in out), out
    assert zh_en.model_sha256 == ZH_SHA
    assert "zh->en" in zh_en.engine and "beam=4" in zh_en.engine


def test_nbest_hypotheses_differ_and_start_with_the_best(zh_en: ArgosEngine) -> None:
    spy = spy_on(zh_en)
    best = zh_en.translate(ZH[:3])
    nbest = zh_en.hypotheses(ZH[:3], 4)
    assert spy.calls[-1][1]["num_hypotheses"] == 4
    for b, hyps in zip(best, nbest, strict=True):
        assert 2 <= len(hyps) <= 4
        assert len(set(hyps)) == len(hyps)  # duplicates after detokenisation are folded
        assert hyps[0] == b


def test_blank_segments_need_no_model_call(zh_en: ArgosEngine) -> None:
    spy = spy_on(zh_en)
    assert zh_en.translate(["", "  "]) == ["", ""]
    assert zh_en.translate([]) == []
    assert spy.calls == []
    assert zh_en.translate(["", ZH[3], ""])[1].lower().startswith("the weather")


def test_decode_options_reach_ctranslate2(zh_en_models_dir: Path) -> None:
    model = find_model("zh", "en", zh_en_models_dir)
    assert model is not None
    engine = ArgosEngine(model, options=DecodeOptions(beam_size=2, max_batch_size=2, compute_type="int8"))
    spy = spy_on(engine)
    out = engine.translate(ZH)
    assert (
        len(spy.calls) == 1 and spy.calls[0][1]["beam_size"] == 2 and spy.calls[0][1]["max_batch_size"] == 2
    )
    assert "multicultural" in out[0].lower()
    assert "ct=int8" in engine.engine


def test_engines_require_names_what_is_missing(zh_en_models_dir: Path) -> None:
    with Engines(zh_en_models_dir) as engines:
        assert engines.translator("zh", "en") is engines.translator("zh", "en")  # loaded once per build
        assert engines.translator("en", "vi") is None
        with pytest.raises(EngineUnavailable, match=r"no en->vi model .*installed: zh-en"):
            engines.require("en", "vi")


def test_cli_translate_prints_the_translation(
    zh_en_models_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.txt"
    source.write_text(ZH[0] + ZH[1] + "\n" + ZH[3] + "\n", encoding="utf-8")
    code = main(
        [
            "translate",
            "--from",
            "zh",
            "--to",
            "en",
            "--models-dir",
            str(zh_en_models_dir),
            "--cache",
            str(tmp_path / "cache.sqlite"),
            str(source),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert "multicultural" in lines[0].lower() and "january" in lines[0].lower()
    assert "weather" in lines[1].lower()


def test_cli_translate_json_has_one_record_per_non_blank_line(
    zh_en_models_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.txt"
    source.write_text("\n" + ZH[0] + "\n\n   \n" + ZH[3] + "\n\n", encoding="utf-8")
    code = main(
        [
            "translate",
            "--from",
            "zh",
            "--to",
            "en",
            "--json",
            "--models-dir",
            str(zh_en_models_dir),
            "--cache",
            str(tmp_path / "cache.sqlite"),
            str(source),
        ]
    )
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert [r["source"] for r in records] == [ZH[0], ZH[3]]  # blank lines make no record
    assert all(r["text"] and r["segments"] for r in records)


def test_cli_translate_without_a_model_is_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.txt"
    source.write_text("Hello.\n", encoding="utf-8")
    code = main(
        [
            "translate",
            "--from",
            "en",
            "--to",
            "lo",
            "--no-cache",
            "--models-dir",
            str(tmp_path / "none"),
            str(source),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("error: no en->lo model")


def test_nothing_heavy_is_imported_or_loaded_at_import_time() -> None:
    code = (
        "import sys, ggmulti.translate.argos, ggmulti.translate.cache, ggmulti.cli_models, ggmulti.cli;"
        "print(sorted(m for m in ('ctranslate2', 'sentencepiece', 'argostranslate') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_replica_layout_splits_one_call_and_changes_no_output(zh_en_models_dir: Path) -> None:
    """The default layout (a replica per core, small sub-batches) is a speed choice, never a quality one."""
    model = find_model("zh", "en", zh_en_models_dir)
    assert model is not None
    layout = DecodeOptions()
    replicas, threads = layout.threads()
    assert replicas >= 1 and threads >= 1
    assert layout.batch_size(1) == 1 and layout.batch_size(1000) == DecodeOptions.AUTO_BATCH
    assert layout.batch_size(len(ZH)) * replicas >= len(ZH)  # every replica can get a share
    engine = ArgosEngine(model, options=layout)
    spy = spy_on(engine)
    auto = engine.translate(ZH)
    assert len(spy.calls) == 1 and spy.calls[0][1]["max_batch_size"] == layout.batch_size(len(ZH))
    one_replica = ArgosEngine(model, options=DecodeOptions(inter_threads=1, max_batch_size=32))
    assert one_replica.translate(ZH) == auto
    assert DecodeOptions(inter_threads=3, intra_threads=2).threads() == (3, 2)
