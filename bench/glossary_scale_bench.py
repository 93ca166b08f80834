"""`glossary check` and term matching on generated glossaries of 100 to 20,000 entries.

The glossaries come from tests/fixtures/glossary_gen.py (deterministic, with planted problems), so the
check reports the same problems on every run. Targets (issues 17 and 18): 5,000 entries under 15 s,
20,000 in seconds; the ratio column shows how far from linear the cost grows.
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from ggmulti.config import load_config
from ggmulti.glossary.load import check_directory, load_texts
from ggmulti.glossary.match import Matcher

ROOT = Path(__file__).resolve().parents[1]
SIZES = (100, 1_000, 5_000, 20_000)
MATCHER_SIZES = (1_000, 10_000)


def _gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "glossary_gen", ROOT / "tests" / "fixtures" / "glossary_gen.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["glossary_gen"] = module
    spec.loader.exec_module(module)
    return module


def _check_rows(gen: ModuleType, scripts: dict[str, str]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    base = 0.0
    with tempfile.TemporaryDirectory() as scratch:
        for n in SIZES:
            folder = gen.generate(n, seed=1).write(Path(scratch) / str(n))
            runs = []
            for _ in range(3 if n <= 1_000 else 1):
                start = time.perf_counter()
                glossary, problems = check_directory(folder, scripts)
                runs.append(time.perf_counter() - start)
            took = statistics.median(runs)
            base = base or took
            target = {5_000: " target < 15 s: " + ("ok" if took < 15 else "FAIL")}.get(n, "")
            rows.append(
                {
                    "case": f"{len(glossary.terms):,} entries",
                    "metric": "glossary check",
                    "value": took,
                    "unit": "s",
                    "note": f"{took / base:.1f}x the 100-entry time; {len(problems)} problems{target}",
                }
            )
    return rows


def _segments(glossary_terms: list[dict[str, str]], lang: str) -> list[str]:
    pairs = zip(glossary_terms[0:200:2], glossary_terms[1:200:2], strict=True)
    if lang == "zh":
        return [f"京畿道表示，{a['zh']}将于下个月与{b['zh']}等合作伙伴一起开放。" for a, b in pairs]
    return [
        f"The province said {a['en']} opens next month with {b['en']} and other partners." for a, b in pairs
    ]


def _matcher_rows(gen: ModuleType) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for n in MATCHER_SIZES:
        glossary, _ = load_texts(gen.generate(n, seed=3).files)
        forms = [t.forms for t in glossary.terms if "en" in t.forms and "zh" in t.forms]
        for lang in ("en", "zh"):
            start = time.perf_counter()
            matcher = Matcher(glossary, lang)
            built = time.perf_counter() - start
            segments = _segments(forms, lang)
            start = time.perf_counter()
            hits = sum(len(matcher.find(s)) for s in segments)
            per = (time.perf_counter() - start) / len(segments)
            case = f"{n:,} terms, {lang}"
            rows.append({"case": case, "metric": "Matcher build", "value": built, "unit": "s"})
            rows.append(
                {
                    "case": case,
                    "metric": "Matcher.find per segment",
                    "value": per * 1000,
                    "unit": "ms",
                    "note": f"{hits} hits in {len(segments)} segments naming 2 terms each",
                }
            )
    return rows


def run() -> list[dict[str, object]]:
    gen = _gen()
    scripts = {code: cfg.script for code, cfg in load_config(ROOT / "ggmulti.toml").languages.items()}
    return _check_rows(gen, scripts) + _matcher_rows(gen)
