"""Bundle PDFs (issue 18): a period's bundle costs the sum of its releases, and a day's release one part.

A bundle of N releases (the demo's vi and zh memory editions, repeated under new ids and dates to 20)
is built three ways in one process, fonts warm: cold (every part rendered, then the cover and the
join), +1 (one more release, the earlier parts from the work cache: one part, the cover, the join)
and one changed release in the middle (its part again; the parts after it too when its page count
moves, not here). Beside them: the sum of rendering each part alone. Targets: cold within 1.25x the
sum of its parts; +1 at most 0.25x the cold build; every joined PDF passes the checker.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.pdf_bench import _demo_editions
from ggmulti.cache import WorkCache
from ggmulti.config import load_config
from ggmulti.formats.bundle import bundle_pdf
from ggmulti.glossary.load import load_glossary
from ggmulti.model import TranslatedRelease
from ggmulti.render.html import HtmlRenderer
from ggmulti.render.pdf import PdfRenderer
from ggmulti.render.pdfcheck import check

ROOT = Path(__file__).resolve().parents[1]
SIZE = 20


def _releases(editions: list[TranslatedRelease], lang: str) -> list[TranslatedRelease]:
    own = [tr for tr in editions if tr.lang == lang]
    out = []
    for i in range(SIZE + 1):
        tr = own[i % len(own)]
        release = replace(tr.release, id=f"{tr.release.id}-{i:02d}", date=f"2025-11-{i + 1:02d}")
        out.append(replace(tr, release=release))
    return out


def run() -> list[dict[str, object]]:
    config = load_config(ROOT / "ggmulti.toml")
    glossary = load_glossary(config.glossary_dir, {c: cfg.script for c, cfg in config.languages.items()})
    html = HtmlRenderer(config, glossary)
    renderer = PdfRenderer()
    editions = _demo_editions()
    rows: list[dict[str, object]] = []
    for lang in ("vi", "zh"):
        releases = _releases(editions, lang)
        cfg, period = config.language(lang), html.period_label("2025-11", config.language(lang))
        renderer.render(html.bundle_part(releases[0], first_page=1), identity="warm")
        start = time.perf_counter()
        parts = [renderer.render(html.bundle_part(tr, first_page=1), identity="p") for tr in releases[:SIZE]]
        alone = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as scratch, WorkCache(Path(scratch) / "work.sqlite") as work:

            def build(
                chosen: list[TranslatedRelease], work: WorkCache = work, cfg: Any = cfg, period: Any = period
            ) -> tuple[float, bytes]:
                start = time.perf_counter()
                data = bundle_pdf(
                    renderer, html, chosen, lang=cfg, period=period, identity="b", work=work, owner="b"
                )
                return time.perf_counter() - start, data

            cold, data = build(releases[:SIZE])
            plus, more = build(releases)
            middle = SIZE // 2
            edited = replace(releases[middle], release=replace(releases[middle].release, date="2025-11-30"))
            changed, _ = build([*releases[:middle], edited, *releases[middle + 1 :]])
        problems = len(check(data)) + len(check(more))
        rows += [
            {
                "case": f"{lang}, {SIZE} releases: cold bundle",
                "metric": "time",
                "value": cold,
                "unit": "s",
                "note": f"{cold / alone:.2f}x the {alone:.2f} s of its parts alone; target <= 1.25x: "
                + ("PASS" if cold <= 1.25 * alone else "FAIL"),
            },
            {
                "case": f"{lang}, {SIZE} + 1 releases: the day's release added",
                "metric": "time",
                "value": plus,
                "unit": "s",
                "note": f"{plus / cold:.2f}x cold; target <= 0.25x: "
                + ("PASS" if plus <= 0.25 * cold else "FAIL"),
            },
            {
                "case": f"{lang}, {SIZE + 1} releases: one release changed in the middle",
                "metric": "time",
                "value": changed,
                "unit": "s",
                "note": f"{changed / cold:.2f}x cold",
            },
            {
                "case": f"{lang}, {SIZE} releases: joined PDF",
                "metric": "size",
                "value": len(data) / 1024,
                "unit": "KB",
                "note": f"parts alone {sum(map(len, parts)) / 1024:.0f} KB; checker problems: {problems} (target 0)",
            },
        ]
    return rows
