"""Catalogue scale (issue 18): full build, no-op, daily +1 and a glossary change at N releases; no-ops
under glossaries of 100 to 10,000 entries.

Each publish is a fresh process, as the press office runs it; per run: wall time, the child's CPU time
(steadier than wall time on a shared machine), its peak memory and the bytes it wrote (files new or
with a new mtime). The catalogues are catalogue_bench's (sample paragraphs recombined, en + vi,
ten releases a month). The glossary change edits the vi form of a term that occurs in no release:
no edition's text changes, so none may be rebuilt.

Sizes and formats: ``BENCH_SCALE_SIZES`` (default 10,100,500), ``BENCH_SCALE_FORMATS`` (default
html,pdf), ``BENCH_SCALE_GLOSSARY`` (default 100,1000,10000; glossaries from
tests/fixtures/glossary_gen.py, problems removed, added to the shipped one). Targets (issue 18): no-op
at the largest size within 1.5x the smallest's; a 5,000-entry (here: the largest) glossary's no-op
within 2x the shipped glossary's; no edition rebuilt by the unused form change.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench import catalogue_bench as cb
from bench.glossary_scale_bench import _gen

ROOT = Path(__file__).resolve().parents[1]


def _ints(name: str, default: str) -> tuple[int, ...]:
    return tuple(int(x) for x in os.environ.get(name, default).split(",") if x.strip())


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mb: float
    written: int
    rebuilt: int


def _config(work: Path, glossary: Path, formats: list[str]) -> Path:
    path = work / f"ggmulti-{glossary.name}.toml"
    text = cb._config(work).read_text(encoding="utf-8")
    text = text.replace(f'glossary = "{ROOT / "glossary"}"', f'glossary = "{glossary}"')
    text = text.replace('formats = ["html", "pdf"]', f"formats = {json.dumps(formats)}")
    path.write_text(text, encoding="utf-8")
    return path


def _state(out: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(out).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in out.rglob("*")
        if p.is_file()
    }


def _publish(config: Path, source: Path, out: Path) -> Run:
    before = _state(out) if out.exists() else {}
    start = time.perf_counter()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ggmulti.cli",
            "--config",
            str(config),
            "publish",
            str(source),
            "--out",
            str(out),
            "-q",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert child.stderr is not None
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if child.returncode != 0:
        raise RuntimeError(f"publish failed ({child.returncode}): {err.decode(errors='replace')[-2000:]}")
    after = _state(out)
    written = sum(size for p, (size, mtime) in after.items() if before.get(p, (0, 0))[1] != mtime)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    rebuilt = sum(1 for e in report["editions"] if e["built"])
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, written, rebuilt)


def _row(case: str, run: Run, note: str = "") -> dict[str, object]:
    return {
        "case": case,
        "metric": "wall / cpu",
        "value": run.wall,
        "unit": "s",
        "cpu s": round(run.cpu, 2),
        "peak MB": round(run.peak_mb),
        "written": f"{run.written / 1e6:.2f} MB",
        "rebuilt": run.rebuilt,
        "note": note,
    }


def _unused_vi_form(glossary: Path, texts: str, into: Path) -> Path:
    """A copy of ``glossary`` with the vi form of one term that no release names changed."""
    shutil.copytree(glossary, into)
    for path in sorted(into.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in data["entries"]:
            forms = entry["forms"]
            if "vi" in forms and all(f.casefold() not in texts for f in forms.values()):
                old = forms["vi"]
                text = path.read_text(encoding="utf-8")
                for quoted in (f'"{old}"', f"'{old}'", old):
                    if f"vi: {quoted}" in text:
                        path.write_text(
                            text.replace(f"vi: {quoted}", f'vi: "{old} (mới)"', 1), encoding="utf-8"
                        )
                        return into
    raise RuntimeError("every glossary term occurs in some release")


def _bigger_glossary(size: int, into: Path) -> Path:
    """The shipped glossary plus generated entries (their planted problems left out) to ``size`` in all."""
    shutil.copytree(ROOT / "glossary", into)
    shipped = sum(len(yaml.safe_load(p.read_text(encoding="utf-8"))["entries"]) for p in into.glob("*.yaml"))
    extra = size - shipped
    if extra <= 0:
        return into
    made = _gen().generate(extra + extra // 10 + 20, seed=7)
    bad = {*made.duplicate_ids, *made.invisible, *(second for _, _, second in made.shared_forms)}
    bad |= {first for _, first, _ in made.shared_forms}
    left = extra
    for name, text in sorted(made.files.items()):
        data = yaml.safe_load(text)
        entries = [e for e in data["entries"] if e["id"] not in bad][:left]
        left -= len(entries)
        for e in entries:
            e["id"] = f"gen-{e['id']}"
        data["entries"] = entries
        (into / f"generated-{name}").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return into


def run() -> list[dict[str, object]]:
    sizes = _ints("BENCH_SCALE_SIZES", "10,100,500")
    glossary_sizes = _ints("BENCH_SCALE_GLOSSARY", "100,1000,10000")
    formats = os.environ.get("BENCH_SCALE_FORMATS", "html,pdf").split(",")
    sample = cb._sample()
    rows: list[dict[str, object]] = []
    noop: dict[int, Run] = {}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        shipped = _config(work, ROOT / "glossary", formats)
        for size in sizes:
            sources, out, new = work / f"src{size}", work / f"out{size}", work / f"new{size}"
            for folder in (sources, new):
                folder.mkdir()
            for i in range(size):
                cb._release(i, sample, sources)
            rows.append(_row(f"{size} releases: full build", _publish(shipped, sources, out)))
            noop[size] = _publish(shipped, sources, out)
            rows.append(_row(f"{size} releases: no-op", noop[size], "nothing may be rebuilt"))
            texts = " ".join(p.read_text(encoding="utf-8") for p in sources.glob("*.md")).casefold()
            changed = _unused_vi_form(ROOT / "glossary", texts, work / f"glossary-changed-{size}")
            run = _publish(_config(work, changed, formats), sources, out)
            verdict = "PASS" if run.rebuilt == 0 else "FAIL"
            rows.append(_row(f"{size} releases: unused vi form changed", run, f"target 0 rebuilt: {verdict}"))
            _publish(shipped, sources, out)  # back to the shipped glossary
            cb._release(size, sample, new)
            rows.append(_row(f"{size} releases: daily +1", _publish(shipped, new, out)))
        small, large = noop[sizes[0]], noop[sizes[-1]]
        ratio = large.cpu / small.cpu
        rows.append(
            {
                "case": f"no-op, {sizes[-1]} vs {sizes[0]} releases",
                "metric": "cpu ratio",
                "value": ratio,
                "unit": "x",
                "note": f"wall x{large.wall / small.wall:.2f}; target <= 1.5x: "
                + ("PASS" if ratio <= 1.5 else "FAIL"),
            }
        )
        size = sizes[0]
        sources, out = work / f"src{size}", work / f"out{size}"
        base: Run | None = None
        for n in glossary_sizes:
            config = _config(work, _bigger_glossary(n, work / f"glossary-{n}"), formats)
            _publish(config, sources, out)  # the first build under this glossary (the terms' views change)
            runs = [_publish(config, sources, out) for _ in range(2)]
            best = min(runs, key=lambda r: r.cpu)
            base = base or best
            rows.append(
                _row(f"{n:,}-entry glossary, {size} releases: no-op", best, f"x{best.cpu / base.cpu:.2f} cpu")
            )
        assert base is not None
        ratio = best.cpu / base.cpu
        rows.append(
            {
                "case": f"no-op, {glossary_sizes[-1]:,} vs {glossary_sizes[0]:,}-entry glossary",
                "metric": "cpu ratio",
                "value": ratio,
                "unit": "x",
                "note": "target <= 2x: " + ("PASS" if ratio <= 2 else "FAIL"),
            }
        )
    return rows
