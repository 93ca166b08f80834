"""Daily publishing against catalogue size: one new release into catalogues of 10, 100 and 500 releases.

The catalogues are generated from the sample releases that have approved translations (their
paragraphs recombined), ten releases a month, in English and Vietnamese with HTML and PDF, bundles
per month. For each size: the wall time of publishing one new release (a fresh process, as the press
office runs it; three times from the same saved state, the median counts) and the bytes rewritten outside the new release's own editions. Target (issue 12): at
500 releases at most 1.5x the 10-release time, and nothing rewritten but the site's pages over the
catalogue (indexes, feeds, sitemap), manifest/report and the new release's own month bundle.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (10, 100, 500)
PER_MONTH = 10
# The sample releases the memory translates completely (examples/releases).
_MEMORY_COVERED = (
    "03-k-beauty-expo-vietnam.md",
    "08-foreign-children-childcare-support.md",
    "09-wongok-dong-cleanup-campaign.md",
    "10-interpretation-support-team-launch.md",
)


def _sample() -> list[tuple[str, list[str]]]:
    """(title, paragraphs) of the memory-covered sample releases."""
    out = []
    for name in _MEMORY_COVERED:
        text = (ROOT / "examples" / "releases" / name).read_text(encoding="utf-8")
        _, front, body = text.split("---", 2)
        title = next(
            line.split(":", 1)[1].strip().strip('"')
            for line in front.splitlines()
            if line.startswith("title:")
        )
        out.append((title, [p.strip() for p in body.strip().split("\n\n") if p.strip()]))
    return out


def _release(i: int, sample: list[tuple[str, list[str]]], folder: Path) -> None:
    rng = random.Random(i)
    title, _ = sample[i % len(sample)]
    paragraphs = [rng.choice(rng.choice(sample)[1]) for _ in range(4)]
    month = i // PER_MONTH
    date = f"{2021 + month // 12}-{month % 12 + 1:02d}-{(i % PER_MONTH) * 2 + 1:02d}"
    body = "\n\n".join(paragraphs)
    folder.joinpath(f"r{i:04d}.md").write_text(
        f'---\nid: synthetic-{i:04d}\ntitle: "{title}"\ndate: {date}\nlang: en\n---\n{body}\n',
        encoding="utf-8",
    )


def _config(work: Path) -> Path:
    path = work / "ggmulti.toml"
    path.write_text(
        f"""[publisher]
url = "http://localhost:8000/"
[build]
languages = ["vi", "en"]
formats = ["html", "pdf"]
[paths]
glossary = "{ROOT / "glossary"}"
memory = "{ROOT / "memory"}"
[translation]
cache = "{work / "cache.sqlite"}"
models_dir = "{work / "no-models"}"
""",
        encoding="utf-8",
    )
    return path


def _publish(config: Path, source: Path, out: Path) -> float:
    start = time.perf_counter()
    args = ["--config", str(config), "publish", str(source), "--out", str(out), "-q"]
    done = subprocess.run([sys.executable, "-m", "ggmulti.cli", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"publish {source} failed: {done.stderr.strip()[-2000:]}")
    return time.perf_counter() - start


def _save(work: Path, out: Path) -> Path:
    """A copy of the output folder and the caches (mtimes kept: the work cache trusts them)."""
    saved = work / "saved"
    shutil.rmtree(saved, ignore_errors=True)
    shutil.copytree(out, saved / "out", copy_function=shutil.copy2)
    for cache in work.glob("*.sqlite*"):
        shutil.copy2(cache, saved / cache.name)
    return saved


def _restore(work: Path, out: Path, saved: Path) -> None:
    shutil.rmtree(out)
    shutil.copytree(saved / "out", out, copy_function=shutil.copy2)
    for cache in work.glob("*.sqlite*"):
        cache.unlink()
    for cache in saved.glob("*.sqlite*"):
        shutil.copy2(cache, work / cache.name)


def _snapshot(out: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(out).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in out.rglob("*")
        if p.is_file()
    }


def run() -> list[dict[str, object]]:
    sample = _sample()
    rows: list[dict[str, object]] = []
    times: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        config = _config(work)
        for size in SIZES:
            sources, out, new = work / f"src{size}", work / f"out{size}", work / f"new{size}"
            for folder in (sources, new):
                folder.mkdir()
            for i in range(size):
                _release(i, sample, sources)
            _publish(config, sources, out)
            _release(size, sample, new)  # the next day's release, in the catalogue's latest month
            saved = _save(work, out)
            before = _snapshot(out)
            runs = []
            for _ in range(3):  # the same day published three times from the same state: the median counts
                _restore(work, out, saved)
                runs.append(_publish(config, new, out))
            times[size] = sorted(runs)[1]
            after = _snapshot(out)
            own = f"synthetic-{size:04d}."
            rewritten = {
                p: s for p, (s, m) in after.items() if own not in p and before.get(p, (None, None))[1] != m
            }
            rows.append(
                {
                    "case": f"publish 1 new release into {size}",
                    "metric": "wall time",
                    "value": times[size],
                    "unit": "s",
                    "note": f"median of {', '.join(f'{r:.2f}' for r in runs)} s; "
                    f"x{times[size] / times[SIZES[0]]:.2f} of the {SIZES[0]}-release catalogue",
                }
            )
            rows.append(
                {
                    "case": f"publish 1 new release into {size}",
                    "metric": "bytes rewritten outside the new editions",
                    "value": sum(rewritten.values()),
                    "unit": "B",
                    "note": ", ".join(sorted(rewritten))
                    if len(rewritten) <= 12
                    else f"{len(rewritten)} files",
                }
            )
            shutil.rmtree(sources)
    ratio = times[SIZES[-1]] / times[SIZES[0]]
    rows.append(
        {
            "case": f"daily publish, {SIZES[-1]} vs {SIZES[0]} releases",
            "metric": "ratio",
            "value": ratio,
            "unit": "x",
            "note": "target <= 1.5x: " + ("PASS" if ratio <= 1.5 else "FAIL"),
        }
    )
    return rows
