"""The demo site in a real headless Chromium (Debian's) with axe-core (npm, pinned): zero violations.

The output folder is served on 127.0.0.1 by a thread of this test; axe.min.js from node_modules is
injected into each page and run with its default rules (WCAG A/AA and best practices).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver

from browser import CHROMIUM, chromium, served

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DEMO_LANGS = ("vi", "zh", "lo", "hi")


@pytest.fixture(scope="module")
def site(demo_output: Path) -> Iterator[str]:
    """Base URL of the demo output served on the loopback interface (stopped after the module)."""
    with served(demo_output) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    assert AXE.exists(), f"{AXE} missing: run scripts/setup.sh"
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


_RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']})
  .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,
                                           nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))))
  .catch(e => done([{id: 'axe-error', impact: 'critical', nodes: [String(e)]}]));
"""


def _violations(browser: webdriver.Chrome, url: str) -> list[dict[str, Any]]:
    browser.get(url)
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result: list[dict[str, Any]] = browser.execute_async_script(_RUN_AXE)
    return result


def _pages(out: Path) -> list[str]:
    """The site index, every language index and every release page in the demo languages (and English)."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    pages = ["index.html"] + [a["path"] for a in manifest["site"] if a["path"].endswith("/index.html")]
    for entry in manifest["releases"]:
        for lang, edition in entry["editions"].items():
            if lang in (*DEMO_LANGS, "en"):
                pages += [a["path"] for a in edition["artifacts"] if a["kind"] == "html"]
    return sorted(set(pages))


def test_axe_finds_no_violations(demo_output: Path, site: str, browser: webdriver.Chrome) -> None:
    pages = _pages(demo_output)
    for lang in DEMO_LANGS:
        assert f"{lang}/index.html" in pages
        assert sum(p.startswith(f"{lang}/") for p in pages) >= 5  # the index and four releases
    found = {page: _violations(browser, site + page) for page in pages}
    assert {page: v for page, v in found.items() if v} == {}


def test_axe_is_really_running(site: str, browser: webdriver.Chrome, demo_output: Path) -> None:
    """A page with known faults is reported, so a silent zero above means something."""
    bad = demo_output / "axe-selftest.html"
    bad.write_text(
        '<!DOCTYPE html><html><body><img src="x.png"><a href="#"></a></body></html>', encoding="utf-8"
    )
    try:
        ids = {v["id"] for v in _violations(browser, site + "axe-selftest.html")}
    finally:
        bad.unlink()
    assert {"html-has-lang", "image-alt", "link-name"} <= ids


def test_chromium_is_debians() -> None:
    assert shutil.which("chromium") == CHROMIUM or Path(CHROMIUM).exists()
