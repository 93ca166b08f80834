"""Debian's headless Chromium driven by selenium, and a folder served on 127.0.0.1: what browser tests share."""

from __future__ import annotations

import functools
import io
import json
import os
import re
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


class _Quiet(SimpleHTTPRequestHandler):
    """Static files, with byte ranges: a player seeks in an MP3 only where the server answers Range
    (as every production web server does; Python's own handler does not)."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if match is None or not path.is_file():
            return super().send_head()
        data = path.read_bytes()
        start = int(match[1])
        end = min(int(match[2]) if match[2] else len(data) - 1, len(data) - 1)
        if start > end:
            self.send_error(416)
            return None
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        return io.BytesIO(data[start : end + 1])


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """Base URL of ``folder`` served on the loopback interface by a thread (stopped on exit)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium(
    profile: Path, *, size: str = "1280,900", extra: tuple[str, ...] = ()
) -> Iterator[webdriver.Chrome]:
    """Debian's chromium, headless, offline, with its own profile folder."""
    for needed in (CHROMIUM, CHROMEDRIVER):
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
        f"--window-size={size}",
        f"--user-data-dir={profile}",
        *extra,
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


LIGHTHOUSE = Path(__file__).resolve().parents[1] / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def lighthouse(url: str, report: Path) -> dict[str, Any]:
    """Lighthouse (npm, pinned) on ``url`` in Debian's chromium, mobile (its default): the JSON report."""
    assert LIGHTHOUSE.exists(), f"{LIGHTHOUSE} missing: run scripts/setup.sh"
    flags = "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update"
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={flags} --no-first-run",
            f"--only-categories={','.join(CATEGORIES)}",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        timeout=300,
        capture_output=True,
    )
    result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return result


def failed_audits(report: dict[str, Any]) -> dict[str, list[str]]:
    """Per category, the weighted audits that did not pass: what to fix."""
    out: dict[str, list[str]] = {}
    for cat in report["categories"].values():
        for ref in cat["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit["score"] is not None and audit["score"] < 1:
                out.setdefault(cat["id"], []).append(f"{ref['id']} {audit.get('displayValue', '')}".strip())
    return out
