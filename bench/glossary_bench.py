"""Term pinning on the real zh->en model: success rate, and what pinning costs in time.

Same engine, same beam, warm model; one batch with the glossary (Pinner: protect, translate,
restore, fallbacks) against one plain batch without it.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.translate_bench import _fetch_model
from ggmulti.glossary.load import load_glossary
from ggmulti.glossary.pin import Pinner
from ggmulti.translate.archive import install
from ggmulti.translate.argos import Engines

ROOT = Path(__file__).resolve().parents[1]

# Sentences written for this benchmark, naming glossary terms the way Chinese releases do.
SENTENCES = [
    "京畿道知事金东兖表示，京畿道将扩大对外国居民的支持。",
    "金东兖说，京畿道今年为每名外国儿童每月提供十五万韩元的保育费。",
    "京畿道还计划与韩国国际协力团合作举办培训项目。",
    "金东兖知事感谢了参加活动的居民。",
    "京畿道与世界经济论坛共同启动了韩国前沿项目。",
    "京畿道在安山市开展了环境清洁活动。",
    "京畿道商业与科学加速器帮助初创企业进入海外市场。",
    "金东兖知事在板桥发表了欢迎辞。",
    "京畿道和韩国国际协力团自2010年以来一直合作。",
    "京畿道宣布将为外国儿童提供更多的保育支持。",
    "京畿道表示，外国居民可以使用国民幸福卡支付保育费。",
    "世界经济论坛的代表出席了在板桥举行的活动。",
]


def _best(fn, repeats: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def run() -> list[dict[str, object]]:
    glossary = load_glossary(ROOT / "glossary")
    with tempfile.TemporaryDirectory() as scratch:
        models = Path(scratch) / "models"
        install(_fetch_model(), root=models)
        with Engines(models) as engines:
            engine = engines.require("zh", "en")
            engine.translate(SENTENCES[:2])  # load the model before timing
            pinner = Pinner(glossary, "zh", "en")
            plain_s, plain = _best(lambda: engine.translate(SENTENCES))
            pinned_s, pinned = _best(lambda: pinner.translate(SENTENCES, engine))
    checks = [c for p in pinned for c in p.checks]  # type: ignore[attr-defined]
    ok = sum(c.pinned for c in checks)
    layers: dict[str, int] = {}
    for c in checks:
        layers[str(c.layer)] = layers.get(str(c.layer), 0) + 1
    with_province = [i for i, s in enumerate(SENTENCES) if "京畿道" in s]
    mangled = sum("Gyeonggi Province" not in plain[i] for i in with_province)  # type: ignore[index]
    return [
        {
            "case": f"{len(SENTENCES)} zh sentences",
            "metric": "term success with glossary",
            "value": ok / len(checks),
            "unit": "ratio",
            "note": f"{ok}/{len(checks)} hits; layers {layers}",
        },
        {
            "case": f"{len(SENTENCES)} zh sentences",
            "metric": "京畿道 not rendered 'Gyeonggi Province' (no glossary)",
            "value": f"{mangled}/{len(with_province)}",
            "unit": "sentences",
            "note": "the model's own rendering of 京畿道",
        },
        {"case": "warm model, beam 4", "metric": "time without glossary", "value": plain_s, "unit": "s"},
        {"case": "warm model, beam 4", "metric": "time with glossary", "value": pinned_s, "unit": "s"},
        {
            "case": "warm model, beam 4",
            "metric": "pinning cost (with / without)",
            "value": pinned_s / plain_s,
            "unit": "ratio",
        },
    ]
