"""The whole build on the sample corpus: full, no-op rebuild, one-term-change rebuild.

Each build runs in a fresh process (as `ggmulti publish` does), so times include start-up and the
peak memory is that build's own. The glossary is a copy, so the term change leaves the repo alone.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_RUNNER = """
import json, resource, sys
from pathlib import Path
from ggmulti.config import load_config
from ggmulti.publish import PublishOptions, publish
config = load_config(Path(sys.argv[1]))
_, report = publish(config, PublishOptions(sources=(Path(sys.argv[2]),), out=Path(sys.argv[3])))
print(json.dumps({"timings": report.timings, "peak_mb": report.peak_mb, "built": len(report.rebuilt()),
                  "editions": sum(e.listed for _r, _l, e in report.editions), "engine_segments": report.engine_segments,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _build(config: Path, out: Path) -> tuple[float, dict[str, object]]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(config), str(ROOT / "examples" / "releases"), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start, json.loads(done.stdout.strip().splitlines()[-1])


def run() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        shutil.copytree(ROOT / "glossary", work / "glossary")
        text = (ROOT / "ggmulti.toml").read_text(encoding="utf-8")
        text = text.replace('glossary = "glossary"', f'glossary = "{work / "glossary"}"')
        text = text.replace('memory = "memory"', f'memory = "{ROOT / "memory"}"')
        text += f'\n[translation]\ncache = "{work / "cache.sqlite"}"\n'
        config = work / "ggmulti.toml"
        config.write_text(text, encoding="utf-8")
        out = work / "out"

        results = []
        wall, full = _build(config, out)
        results.append(("full build", wall, full))
        wall, noop = _build(config, out)
        results.append(("no-op rebuild", wall, noop))
        places = work / "glossary" / "places.yaml"
        places.write_text(
            places.read_text(encoding="utf-8").replace("tỉnh Gyeonggi", "Tỉnh Gyeonggi"), encoding="utf-8"
        )
        wall, term = _build(config, out)
        results.append(("one-term change (vi form of Gyeonggi Province)", wall, term))

        for case, wall, report in results:
            note = (
                f"{report['built']}/{report['editions']} editions built, "
                f"{report['engine_segments']} engine segments"
            )
            rows.append({"case": case, "metric": "wall time", "value": wall, "unit": "s", "note": note})
            rows.append({"case": case, "metric": "peak memory", "value": report["max_rss_mb"], "unit": "MB"})
        for stage, seconds in full["timings"].items():  # type: ignore[union-attr]
            rows.append(
                {
                    "case": "full build, stage",
                    "metric": stage,
                    "value": seconds,
                    "unit": "s",
                    "note": f"peak {full['peak_mb'][stage]:.0f} MB after it",
                }
            )  # type: ignore[index]
        tasks = int(full["editions"])  # type: ignore[call-overload]
        rows.append(
            {
                "case": "full build",
                "metric": "cost per release x language task",
                "value": results[0][1] / max(1, tasks),
                "unit": "s",
                "note": f"{tasks} editions, 2 cores",
            }
        )
    return rows
