"""The demo site in a real headless Chromium (Debian's) with axe-core (npm, pinned): zero violations.

The output folder is served on 127.0.0.1 by a thread of this test; axe.min.js from node_modules is
injected into each page and run with its default rules (WCAG A/AA and best practices).
"""

from __future__ import annotations

import functools
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
DEMO_LANGS = ("vi", "zh", "lo", "hi")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(demo_output: Path) -> Iterator[str]:
    """Base URL of the demo output served on the loopback interface (stopped after the module)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(demo_output)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    for needed in (CHROMIUM, CHROMEDRIVER, AXE):
        assert Path(needed).exists(), f"{needed} missing: run scripts/setup.sh"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


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
