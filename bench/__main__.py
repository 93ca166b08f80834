"""Run every bench/*_bench.py module's ``run()`` and print one table.

Contract for a module: ``run() -> list[dict[str, object]]``, one dict per table row; keys become
columns (``case``, ``metric``, ``value``, ``unit`` and ``note`` are the usual ones). Pass module
names (``python -m bench translate``) to run only some.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    names = sorted(p.stem for p in here.glob("*_bench.py"))
    if argv:
        names = [n for n in names if n.removesuffix("_bench") in argv or n in argv]
    rows: list[dict[str, object]] = []
    for name in names:
        start = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        for row in module.run():
            rows.append({"bench": name.removesuffix("_bench"), **row})
        print(f"# {name}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    table = [columns] + [[_fmt(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(columns))]
    for i, r in enumerate(table):
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
