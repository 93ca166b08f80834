"""DAISY Ace (npm ace-cli, headless Debian chromium) on one EPUB: its report and its violations."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ACE = ROOT / "node_modules" / ".bin" / "ace-cli"


def ace(book: Path, out: Path) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """Ace's JSON report for ``book`` (written under ``out``) and (test title, pointer) per violation."""
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": "/usr/bin/chromium"}
    subprocess.run(
        [str(ACE), "-f", "-s", "-o", str(out), str(book)],
        env=env,
        capture_output=True,
        check=True,
        timeout=300,
    )
    report: dict[str, Any] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    violations = [
        (a["earl:test"]["dct:title"], a["earl:result"].get("earl:pointer"))
        for group in report["assertions"]
        for a in group["assertions"]
    ]
    return report, violations
