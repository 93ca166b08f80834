"""Peak memory of a full build against catalogue size (issue 26): bytes must not pile up.

A full build of N generated releases (catalogue_bench's, ten a month) in one language (English, the
source: no translation model needed) with HTML, PDF and audio, each in a fresh process; the peak is
that process's maximum resident set (``wait4``'s ``ru_maxrss``; worker processes it forks count on
their own). Sizes: ``BENCH_MEMORY_SIZES`` (default 40,160; add 500 for the long run). Target: 160
releases at most 1.3x the peak at 40; 500 within 1.5x.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench import catalogue_bench as cb
from bench import scale_bench as sb

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ["html", "pdf", "audio"]
LANGS = ["en"]


def run() -> list[dict[str, object]]:
    sizes = sb._ints("BENCH_MEMORY_SIZES", "40,160")
    rows: list[dict[str, object]] = []
    peaks: dict[int, float] = {}
    sample = cb._sample()
    with tempfile.TemporaryDirectory(prefix="ggmulti-memory-") as tmp:
        work = Path(tmp)
        config = sb._config(work, ROOT / "glossary", FORMATS, LANGS)
        for size in sizes:
            source = work / f"src-{size}"
            source.mkdir()
            for i in range(size):
                cb._release(i, sample, source)
            done = sb._publish(config, source, work / f"out-{size}")
            peaks[size] = done.peak_mb
            rows.append(sb._row(f"{size} releases, full build (en; html, pdf, audio)", done))
            for cache in work.glob("*.sqlite*"):  # each size from cold: no parts or verdicts reused
                cache.unlink()
    smallest = min(peaks)
    for size in sorted(peaks):
        if size == smallest:
            continue
        target = 1.3 if size <= 160 else 1.5
        rows.append(
            {
                "case": f"peak memory {size} vs {smallest} releases",
                "metric": "ratio",
                "value": round(peaks[size] / peaks[smallest], 2),
                "unit": "x",
                "note": f"target <= {target}x ({peaks[size]:.0f} vs {peaks[smallest]:.0f} MB)",
            }
        )
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
