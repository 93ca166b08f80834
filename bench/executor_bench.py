"""Local vs Ray executor (issue 26) on the demo: what running edition work on Ray costs on one machine.

Each build is a fresh process into an empty folder with cold caches (no translation model: the
shipped memory). Per executor: wall time; CPU of the driver process and of the processes it reaped
(the local PDF and speech pools; for Ray, the local cluster it starts and stops); the driver's own
peak memory (``RUSAGE_SELF``); editions built; per-edition overhead of Ray = (Ray wall - local wall)
/ editions. ``BENCH_EXECUTOR_SIZES`` adds generated catalogues (e.g. ``160``: catalogue_bench's
releases, en only, HTML, PDF and audio). Both folders are compared byte for byte.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import catalogue_bench as cb
from bench import scale_bench as sb

ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import json, resource, sys
from ggmulti.cli import main
code = main(sys.argv[2:])
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "cpu": me.ru_utime + me.ru_stime,
               "children_cpu": kids.ru_utime + kids.ru_stime, "peak_mb": me.ru_maxrss / 1024}, out)
sys.exit(code)
"""


def _build(config: Path, source: Path, out: Path, executor: str, work: Path) -> dict[str, float]:
    for cache in work.glob("*.sqlite*"):
        cache.unlink()
    stats = work / "stats.json"
    args = ["--config", str(config), "publish", str(source), "--out", str(out), "-q", "--executor", executor]
    env = {
        **os.environ,
        "GGMULTI_MODELS_DIR": str(work / "no-models"),
        "ARGOS_PACKAGES_DIR": str(work / "no-models"),
    }
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(stats), *args], capture_output=True, text=True, env=env
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"publish --executor {executor} failed: {done.stderr.strip()[-2000:]}")
    measured = json.loads(stats.read_text(encoding="utf-8"))
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return {**measured, "wall": wall, "editions": sum(1 for e in report["editions"] if e["built"])}


def _same(a: Path, b: Path) -> bool:
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    other = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return files == other and all((a / p).read_bytes() == (b / p).read_bytes() for p in files)


def _compare(case: str, config: Path, source: Path, work: Path) -> list[dict[str, object]]:
    runs = {}
    for executor in ("local", "ray"):
        out = work / f"out-{executor}"
        shutil.rmtree(out, ignore_errors=True)
        runs[executor] = _build(config, source, out, executor, work)
    rows: list[dict[str, object]] = []
    for executor, r in runs.items():
        rows.append(
            {
                "case": f"{case}, --executor {executor}",
                "metric": "wall",
                "value": round(r["wall"], 1),
                "unit": "s",
                "cpu s": f"{r['cpu']:.1f} driver + {r['children_cpu']:.1f} reaped",
                "peak MB": round(r["peak_mb"]),
                "rebuilt": int(r["editions"]),
            }
        )
    local, ray = runs["local"], runs["ray"]
    same = _same(work / "out-local", work / "out-ray")
    rows.append(
        {
            "case": f"{case}, Ray overhead per edition",
            "metric": "(ray - local) wall / editions",
            "value": round(1000 * (ray["wall"] - local["wall"]) / max(1, ray["editions"])),
            "unit": "ms",
            "note": f"ray/local wall {ray['wall'] / local['wall']:.2f}x; folders byte-identical: {same}",
        }
    )
    return rows


class _Echo:
    def call(self, data: bytes) -> bytes:
        return data


def _task_overhead() -> list[dict[str, object]]:
    """Round trip of one actor call on a local 2-CPU cluster: empty, and carrying 1 MB back (about an
    edition's PDF and MP3), the cost Ray adds per chunk beyond the work itself."""
    import logging

    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    try:
        echo = ray.remote(num_cpus=1)(_Echo).remote()
        rows = []
        for label, payload in (("empty", b""), ("1 MB result", b"x" * 1_000_000)):
            ray.get(echo.call.remote(payload))  # started and warm
            calls = 200
            start = time.perf_counter()
            for _ in range(calls):
                ray.get(echo.call.remote(payload))
            each = (time.perf_counter() - start) / calls
            rows.append(
                {
                    "case": f"Ray actor call round trip, {label}",
                    "metric": f"mean of {calls}",
                    "value": round(each * 1000, 2),
                    "unit": "ms",
                }
            )
        return rows
    finally:
        ray.shutdown()


def run() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = _task_overhead()
    with tempfile.TemporaryDirectory(prefix="ggmulti-executor-") as tmp:
        work = Path(tmp)
        (work / "no-models").mkdir()
        config = work / "ggmulti.toml"
        text = (ROOT / "ggmulti.toml").read_text(encoding="utf-8")
        text = text.replace('glossary = "glossary"', f'glossary = "{ROOT / "glossary"}"')
        text = text.replace('memory = "memory"', f'memory = "{ROOT / "memory"}"')
        text = text.replace(
            'corpus = ["examples/releases"]', f'corpus = ["{ROOT / "examples" / "releases"}"]'
        )
        cache = f'[translation]\ncache = "{work / "cache.sqlite"}"\nmodels_dir = "{work / "no-models"}"\n'
        config.write_text(text + cache, encoding="utf-8")  # caches cold, inside the bench's folder
        rows += _compare("demo (examples/releases)", config, ROOT / "examples" / "releases", work)
        sample = cb._sample()
        for size in sb._ints("BENCH_EXECUTOR_SIZES", ""):
            source = work / f"src-{size}"
            source.mkdir()
            for i in range(size):
                cb._release(i, sample, source)
            generated = sb._config(work, ROOT / "glossary", ["html", "pdf", "audio"], ["en"])
            rows += _compare(f"{size} releases (en; html, pdf, audio)", generated, source, work)
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
