"""EPUB packaging as a share of an edition's build (target: at most 10%).

Three releases in Vietnamese (spoken) and Lao (text only) with every edition format, in a fresh process;
the build's own stage timings give each format's seconds. The share is the ``epub`` stage over all
edition stages (text, audio, PDF, EPUB, page), i.e. per edition on average. The bundle EPUBs are timed
apart: the same packaging from published files, against the whole bundle stage (PDFs and zips).
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

ROOT = Path(__file__).resolve().parents[1]
RELEASES = (
    "03-k-beauty-expo-vietnam.md",
    "08-foreign-children-childcare-support.md",
    "10-interpretation-support-team-launch.md",
)
EDITION_STAGES = ("data", "audio", "pdf", "epub", "html")

_RUNNER = """
import json, sys, time
from pathlib import Path
from ggmulti.config import load_config
from ggmulti.formats import bundle
from ggmulti.publish import PublishOptions, publish

spent = [0.0]
talking_book = bundle.talking_book
def timed(*args, **kw):
    start = time.perf_counter()
    try:
        return talking_book(*args, **kw)
    finally:
        spent[0] += time.perf_counter() - start
bundle.talking_book = timed

config = load_config(Path(sys.argv[1]))
options = PublishOptions(sources=(Path(sys.argv[2]),), out=Path(sys.argv[3]), languages=("vi", "lo"),
                         formats=("html", "pdf", "audio", "epub"))
_, report = publish(config, options)
print(json.dumps({"timings": report.timings, "editions": len(report.rebuilt()), "bundle_epub": spent[0]}))
"""


def run() -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        sources = work / "releases"
        sources.mkdir()
        for name in RELEASES:
            shutil.copy(ROOT / "examples" / "releases" / name, sources)
        models = work / "no-models"
        models.mkdir()
        env = {"GGMULTI_MODELS_DIR": str(models), "ARGOS_PACKAGES_DIR": str(models)}
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _RUNNER, str(ROOT / "ggmulti.toml"), str(sources), str(work / "out")],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, **env},
        )
        wall = time.perf_counter() - start
    report = json.loads(done.stdout.strip().splitlines()[-1])
    timings: dict[str, float] = report["timings"]
    editions = int(report["editions"])
    edition_total = sum(timings.get(stage, 0.0) for stage in EDITION_STAGES)
    epub = timings.get("epub", 0.0)
    site = timings.get("bundles, indexes, feeds", 0.0)
    return [
        {
            "case": f"{editions} editions (vi spoken, lo text)",
            "metric": "EPUB packaging",
            "value": epub / max(1, editions),
            "unit": "s/edition",
            "note": f"edition stages {edition_total / max(1, editions):.2f} s/edition, build {wall:.0f} s",
        },
        {
            "case": f"{editions} editions (vi spoken, lo text)",
            "metric": "EPUB share of edition build",
            "value": 100 * epub / edition_total if edition_total else 0.0,
            "unit": "%",
            "note": "target <= 10%",
        },
        {
            "case": "bundles of the same releases",
            "metric": "bundle EPUB share of bundle stage",
            "value": 100 * report["bundle_epub"] / site if site else 0.0,
            "unit": "%",
            "note": f"{report['bundle_epub']:.2f} s of {site:.1f} s (PDFs, zips, indexes, feeds)",
        },
    ]
