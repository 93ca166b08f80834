"""Start-up: `ggmulti --help` and `ggmulti check` against `python -c "import click"` (target: --help <= 5x).

Medians of 7 runs in fresh processes, measured in one run so the machine's noise cancels in the ratio.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7


def _median(cmd: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run() -> list[dict[str, object]]:
    ggmulti = [sys.executable, "-m", "ggmulti.cli"]
    base = _median([sys.executable, "-c", "import click"])
    rows: list[dict[str, object]] = [
        {"case": "python -c 'import click'", "metric": "wall time", "value": base, "unit": "s"}
    ]
    for case, args in (
        ("ggmulti --help", ["--help"]),
        ("ggmulti check examples/releases", ["check", "examples/releases"]),
    ):
        took = _median([*ggmulti, *args])
        ratio = took / base
        note = f"x{ratio:.2f} of import click" + (
            " (target <= 5x: " + ("PASS" if ratio <= 5 else "FAIL") + ")" if "help" in case else ""
        )
        rows.append({"case": case, "metric": "wall time", "value": took, "unit": "s", "note": note})
    return rows
