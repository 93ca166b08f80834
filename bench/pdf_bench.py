"""PDF rendering: the PDF/UA repairs' cost against WeasyPrint alone, PDF sizes, text extraction per script.

Warm, in-process: one font configuration for the whole run (as in a build), each HTML rendered once
before timing, then the best of five. "WeasyPrint alone" is ``write_pdf(pdf_variant="pdf/ua-1")`` on the
same HTML (break hints included); "with repairs" adds the layout walk and the pikepdf pass (pdfua.py).
Cases: the demo editions (vi, zh, lo, hi from the translation memory) and the test texts in eight
more scripts (tests/fixtures/script_samples.py). Targets: ratio <= 1.2, a Chinese release < 400 KB.
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ggmulti.config import builtin_language, load_config
from ggmulti.glossary.load import load_glossary
from ggmulti.model import TranslatedRelease
from ggmulti.publish import build_resources, check_sources
from ggmulti.render.html import HtmlRenderer
from ggmulti.render.linebreak import WordBreaker
from ggmulti.render.pdf import PdfRenderer
from ggmulti.render.pdfcheck import check, missing_text
from ggmulti.translate.stage import TranslationStage

ROOT = Path(__file__).resolve().parents[1]
DEMO_LANGS = ("vi", "zh", "lo", "hi")
REPEATS = 5


def _best(fn: Callable[[], Any]) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(REPEATS):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def _demo_editions() -> list[TranslatedRelease]:
    config = load_config(ROOT / "ggmulti.toml")
    releases, _ = check_sources(config, [ROOT / "examples" / "releases"])
    glossary = load_glossary(config.glossary_dir, {c: cfg.script for c, cfg in config.languages.items()})
    with tempfile.TemporaryDirectory() as empty:
        config = replace(config, models_dir=Path(empty), cache_path=None)  # memory only: the demo's editions
        with build_resources(config, glossary, {r.source_lang for r in releases}, DEMO_LANGS) as resources:
            stage = TranslationStage(resources)
            out = []
            for lang in DEMO_LANGS:
                out += [tr for tr in stage.run(releases, lang).values() if isinstance(tr, TranslatedRelease)]
    return out


def _sample_editions() -> list[TranslatedRelease]:
    path = ROOT / "tests" / "test_pdf_accessibility.py"
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location("bench_pdf_samples", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [
        module.sample_release(lang) for lang in ("th", "km", "my", "ne", "bn", "si", "mn", "ru", "uz", "ko")
    ]


def run() -> list[dict[str, object]]:
    config = load_config(ROOT / "ggmulti.toml")
    extra = {c: builtin_language(c) for c in ("bn", "si", "ko") if c not in config.languages}
    config = replace(config, languages={**config.languages, **{k: v for k, v in extra.items() if v}})
    glossary = load_glossary(config.glossary_dir, {c: cfg.script for c, cfg in config.languages.items()})
    html = HtmlRenderer(config, glossary)
    fixed = PdfRenderer()
    plain = PdfRenderer(fonts=fixed.fonts, fixes=False)
    rows: list[dict[str, object]] = []
    ratios: dict[str, list[float]] = {"non-CJK": [], "Chinese": []}
    zh_sizes: list[int] = []
    extraction: dict[str, list[int]] = {}
    breaker = WordBreaker()
    with tempfile.TemporaryDirectory() as scratch:
        for tr in _demo_editions() + _sample_editions():
            page = html.release_print(tr)
            ident = f"{tr.release.id}/{tr.lang}"
            fixed.render(page, identity=ident)  # warm: fonts and glyph caches loaded
            plain.render(page, identity=ident)
            plain_s, plain_pdf = _best(lambda page=page, ident=ident: plain.render(page, identity=ident))
            fixed_s, fixed_pdf = _best(lambda page=page, ident=ident: fixed.render(page, identity=ident))
            group = "Chinese" if tr.lang == "zh" else "non-CJK"
            ratios[group].append(fixed_s / plain_s)
            if tr.lang == "zh":
                zh_sizes.append(len(fixed_pdf))
            passages = [tr.title.text, *(s.text for para in tr.paragraphs for s in para)]
            target = Path(scratch) / f"{tr.lang}-{tr.release.id}.pdf"
            unfixed = Path(scratch) / f"{tr.lang}-{tr.release.id}-plain.pdf"
            target.write_bytes(fixed_pdf)
            unfixed.write_bytes(plain_pdf)
            got = extraction.setdefault(tr.lang, [0, 0, 0, 0])
            got[0] += len(passages) - len(missing_text(target, passages))
            got[1] += len(passages) - len(missing_text(unfixed, passages))
            got[2] += len(passages)
            got[3] += len(check(fixed_pdf))
            text = "".join(passages)
            cfg = config.language(tr.lang)
            word_s, _ = _best(lambda text=text, tag=cfg.bcp47: breaker.insert(text, tag))
            rows.append(
                {
                    "case": f"{tr.lang} {tr.release.id[:28]}",
                    "metric": "render: repaired / WeasyPrint",
                    "value": fixed_s / plain_s,
                    "unit": "x",
                    "note": f"{fixed_s * 1000:.0f} ms vs {plain_s * 1000:.0f} ms; {len(fixed_pdf) / 1024:.0f} KB "
                    f"(plain {len(plain_pdf) / 1024:.0f} KB); ICU breaks {word_s * 1000:.2f} ms",
                }
            )
    for group, values in ratios.items():
        if values:
            rows.append(
                {
                    "case": f"{group}, {len(values)} releases",
                    "metric": "render ratio (median / max)",
                    "value": statistics.median(values),
                    "unit": "x",
                    "note": f"max {max(values):.2f}x; target <= 1.2x",
                }
            )
    if zh_sizes:
        rows.append(
            {
                "case": f"Chinese, {len(zh_sizes)} releases",
                "metric": "PDF size (max)",
                "value": max(zh_sizes) / 1024,
                "unit": "KB",
                "note": "target < 400 KB",
            }
        )
    for lang, (ok, ok_plain, total, problems) in sorted(extraction.items()):
        rows.append(
            {
                "case": lang,
                "metric": "pdftotext round trip: repaired / WeasyPrint",
                "value": f"{ok}/{total} vs {ok_plain}/{total}",
                "unit": "passages",
                "note": f"checker problems: {problems}",
            }
        )
    return rows
