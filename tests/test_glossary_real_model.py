"""Term pinning on the real zh->en Argos model (obtained by the test fixture, never skipped)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ggmulti.cli import main
from ggmulti.glossary.load import load_glossary
from ggmulti.glossary.model import Glossary
from ggmulti.glossary.pin import Pinner
from ggmulti.model import Layer
from ggmulti.segment import split_sentences
from ggmulti.translate.api import Translator
from ggmulti.translate.argos import Engines

ROOT = Path(__file__).resolve().parents[1]

# Written for this test: a short notice that names the province and its governor several times.
RELEASE_ZH = (
    "京畿道知事金东渊表示，京畿道将扩大对外国居民的支持。"
    "金东渊说，京畿道今年为每名外国儿童每月提供十五万韩元的保育费。"
    "京畿道还计划与更多的地方政府合作。"
    "金东渊知事感谢了参加活动的居民。"
)


@pytest.fixture(scope="module")
def engine(zh_en_models_dir: Path) -> Iterator[Translator]:
    with Engines(zh_en_models_dir) as engines:
        yield engines.require("zh", "en")


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(ROOT / "glossary")


def test_real_model_pins_province_and_governor_at_every_occurrence(
    engine: Translator, glossary: Glossary
) -> None:
    sentences = split_sentences(RELEASE_ZH, "zh")
    pinned = Pinner(glossary, "zh", "en").translate(sentences, engine)
    text = " ".join(p.text for p in pinned)
    checks = [c for p in pinned for c in p.checks]

    assert text.count("Gyeonggi Province") == RELEASE_ZH.count("京畿道")
    assert text.count("Dong Yeon Kim") == RELEASE_ZH.count("金东渊")
    assert all(c.pinned for c in checks) and len(checks) >= 6
    # Fluent around the terms: English sentences, no leftover placeholder tokens.
    for p in pinned:
        assert len(p.text.split()) >= 4 and p.text[-1] in ".!?"
        assert "T1" not in p.text and "ZX" not in p.text
    layers = {c.layer for c in checks}
    assert layers <= {Layer.PLACEHOLDER, Layer.HYPOTHESIS, Layer.ALTERNATIVE, Layer.SPLIT}


def test_without_glossary_the_model_mangles_the_names(engine: Translator) -> None:
    raw = " ".join(engine.translate(split_sentences(RELEASE_ZH, "zh")))
    assert "Gyeonggi Province" not in raw
    assert raw.count("Dong Yeon Kim") < RELEASE_ZH.count("金东渊")


def test_publish_zh_release_into_english_with_full_term_success(
    zh_en_models_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "ggmulti.toml").write_text(
        f"""[build]
languages = ["en", "zh"]
formats = ["html"]
[paths]
glossary = "{ROOT / "glossary"}"
[translation]
models_dir = "{zh_en_models_dir}"
cache = "{tmp_path / "cache.sqlite"}"
""",
        encoding="utf-8",
    )
    src = tmp_path / "notice.md"
    src.write_text(
        f"---\nid: zh-notice\ntitle: 京畿道扩大支持\ndate: 2025-11-20\nlang: zh\n---\n\n{RELEASE_ZH}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = [
        "--config",
        str(tmp_path / "ggmulti.toml"),
        "publish",
        str(src),
        "--out",
        str(out),
        "--strict",
        "-q",
    ]
    assert main(args) == 0
    edition = json.loads((out / "manifest.json").read_text())["releases"][0]["editions"]["en"]
    assert edition["status"] == "published"
    assert edition["segments"]["machine"] == edition["segments"]["total"] == 5
    assert edition["terms"]["expected"] == edition["terms"]["pinned"] >= 7
    assert edition["translation"] == "machine"
    assert (
        json.loads((out / "manifest.json").read_text())["releases"][0]["editions"]["zh"]["translation"]
        == "source"
    )
    page = (out / "en" / "zh-notice.html").read_text()
    # Machine translation is labelled to readers, with a link to the original.
    assert "This page was translated by machine" in page
    assert 'href="../zh/zh-notice.html" hreflang="zh-Hans"' in page
    assert page.count("Gyeonggi Province") >= RELEASE_ZH.count("京畿道") + 1  # + the title
    # A second build answers from the cache: same bytes.
    first = (out / "manifest.json").read_bytes()
    assert main(args) == 0
    assert (out / "manifest.json").read_bytes() == first


def test_translate_command_applies_the_glossary_like_the_build(
    zh_en_models_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.txt"
    src.write_text("京畿道知事金东渊表示，京畿道将扩大对外国居民的支持。\n", encoding="utf-8")
    base = [
        "--config",
        str(ROOT / "ggmulti.toml"),
        "translate",
        "--from",
        "zh",
        "--to",
        "en",
        "--models-dir",
        str(zh_en_models_dir),
        "--no-cache",
        str(src),
    ]
    assert main(base) == 0
    pinned = capsys.readouterr().out
    assert pinned.count("Gyeonggi Province") == 2 and "Dong Yeon Kim" in pinned
    assert main([*base, "--no-glossary"]) == 0
    assert "Gyeonggi Province" not in capsys.readouterr().out
