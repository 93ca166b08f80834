"""Ingestion of hostile markup and YAML: time grows with the input's size, not its nesting.

Nested divs are read flat (20,000 of them took close to a minute when a tree was built); stray "<"
cost the standard library's tokenizer quadratic time; an alias bomb and huge front matter must be
refused at once. Each case is one Markdown or feed file ingested whole, best of three.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ggmulti.errors import InputError
from ggmulti.ingest import ingest

BODY = "Gyeonggi Province opened a new support center for foreign residents in Suwon on Monday."


def _divs(n: int) -> str:
    return f"---\ntitle: Divs\nlang: en\n---\n\n{'<div>' * n}{BODY}{'</div>' * n}\n"


def _stray(n: int) -> str:
    body = "<a" * n
    return (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>t</title><item><guid>g</guid>"
        f"<description><![CDATA[<p>{BODY}</p>{body}]]></description></item></channel></rss>"
    )


def _alias_bomb(_n: int) -> str:
    parts = ["&a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        parts.append(f"&{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return f"---\ntitle: [{', '.join(parts)}]\n---\n\n{BODY}\n"


def _keys(n: int) -> str:
    return "---\n" + "".join(f"k{i}: v\n" for i in range(n)) + f"---\n\n{BODY}\n"


CASES: list[tuple[str, str, Callable[[int], str], tuple[int, ...]]] = [
    ("nested divs", ".md", _divs, (10_000, 100_000)),
    ("stray '<a' in a feed body", ".xml", _stray, (10_000, 100_000)),
    ("YAML alias bomb (9 x 9 levels)", ".md", _alias_bomb, (1,)),
    ("front-matter keys", ".md", _keys, (600_000,)),
]


def _time(path: Path) -> tuple[float, str]:
    best, outcome = float("inf"), ""
    for _ in range(3):
        start = time.perf_counter()
        try:
            outcome = f"{len(ingest([path]))} release"
        except InputError as exc:
            outcome = "refused: " + str(exc).split(": ", 1)[1][:50]
        best = min(best, time.perf_counter() - start)
    return best, outcome


def run() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as scratch:
        for case, suffix, make, sizes in CASES:
            for n in sizes:
                path = Path(scratch) / f"source{suffix}"
                path.write_text(make(n), encoding="utf-8")
                seconds, outcome = _time(path)
                rows.append(
                    {
                        "case": f"{case}" + (f" x {n:,}" if n > 1 else ""),
                        "metric": "ingest",
                        "value": seconds,
                        "unit": "s",
                        "note": f"{path.stat().st_size:,} bytes; {outcome}",
                    }
                )
    return rows
