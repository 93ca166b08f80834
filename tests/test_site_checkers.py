"""The demo site in the checkers a publisher's web team runs: the Nu HTML Checker (W3C, npm vnu-jar, on the
JRE Debian's default-jre brings) and Lighthouse 12 (npm, in Debian's chromium, mobile).

Nu: 0 errors on every page kind (site index, language indexes, release pages, transcript pages) and on
the index.html inside every bundle zip. Lighthouse: accessibility, best practices and SEO at 100 on the
site index, a language index and a release page; performance is printed only (a shared 2-core machine
makes it noisy: `python -m bench lighthouse` records it).
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser import failed_audits, lighthouse, served

ROOT = Path(__file__).resolve().parents[1]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
RELEASE = "foreign-children-childcare-support-increase-2025"


def _vnu(folder: Path) -> list[dict[str, Any]]:
    """The checker's errors for every HTML file under ``folder`` (its JSON report on stderr)."""
    assert VNU.exists(), f"{VNU} missing: run scripts/setup.sh"
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--skip-non-html", "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages: list[dict[str, Any]] = json.loads(done.stderr)["messages"]
    assert (done.returncode == 0) == (not messages), done.stderr[-500:]
    return messages


def test_the_nu_checker_finds_no_errors_on_any_page_kind(demo_output: Path, tmp_path: Path) -> None:
    pages = {p.relative_to(demo_output).as_posix() for p in demo_output.rglob("*.html")}
    assert {"index.html", "vi/index.html", f"vi/{RELEASE}.html", f"vi/{RELEASE}.transcript.html"} <= pages
    bundles = sorted(demo_output.glob("*/bundle/*.zip"))
    assert bundles
    for n, bundle in enumerate(bundles):  # the page a center opens from a USB stick
        with zipfile.ZipFile(bundle) as archive:
            (tmp_path / f"bundle-{n}.html").write_bytes(archive.read("index.html"))
    errors = _vnu(demo_output) + _vnu(tmp_path)
    assert [(m["url"].rsplit("/", 2)[-2:], m["message"]) for m in errors] == []


def test_the_nu_checker_is_really_checking(tmp_path: Path) -> None:
    (tmp_path / "bad.html").write_text("<!DOCTYPE html><html><head></head><body><p><div></p></body></html>")
    messages = {m["message"] for m in _vnu(tmp_path)}
    assert any("title" in m for m in messages), messages


@pytest.fixture(scope="module")
def site(demo_output: Path) -> Iterator[str]:
    with served(demo_output) as url:
        yield url


@pytest.mark.parametrize("page", ["index.html", "th/index.html", f"vi/{RELEASE}.html"])
def test_lighthouse_scores_100_for_accessibility_best_practices_and_seo(
    site: str, page: str, tmp_path: Path
) -> None:
    report = lighthouse(site + page, tmp_path / "report.json")
    scores = {k: v["score"] for k, v in report["categories"].items()}
    print(f"lighthouse {page}: {scores}")  # performance: noisy here, recorded by bench/lighthouse_bench.py
    failed = failed_audits(report)
    assert {k: scores[k] for k in ("accessibility", "best-practices", "seo")} == {
        "accessibility": 1,
        "best-practices": 1,
        "seo": 1,
    }, {k: v for k, v in failed.items() if k != "performance"}
