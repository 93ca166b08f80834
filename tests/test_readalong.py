"""Read along on the page: the sentence being heard is highlighted, clicking or Enter plays from a sentence.

Run in Debian's headless Chromium at a phone's size (390x844) on the demo site: the player's time is set to
a sentence's cue start (from the page's own <track>) and that sentence, and only it, must be highlighted and
in view. The static checks below hold without any script: every cue has its sentence on the page.
"""

from __future__ import annotations

import contextlib
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from browser import chromium, served

RELEASE = "foreign-children-childcare-support-increase-2025"
PAGE = f"vi/{RELEASE}.html"
TRANSCRIPT_PAGE = f"vi/{RELEASE}.transcript.html"


@pytest.fixture(scope="module")
def site(demo_output: Path) -> Iterator[str]:
    with served(demo_output) as url:
        yield url


@pytest.fixture(scope="module")
def phone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    """A phone-sized window that asks for reduced motion (so "kept in view" is immediate to check)."""
    extra = ("--force-prefers-reduced-motion", "--autoplay-policy=no-user-gesture-required", "--mute-audio")
    with chromium(tmp_path_factory.mktemp("phone-profile"), size="390,844", extra=extra) as driver:
        # the viewport of a 390x844 phone exactly (a desktop window keeps a minimum width of its own)
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True},
        )
        yield driver


_CUES = """
const done = arguments[arguments.length - 1];
const audio = document.querySelector('audio[data-readalong]');
const track = audio.querySelector('track').track;
if (audio.readyState < 1) { audio.play().then(() => audio.pause(), () => {}); }  // as a reader starts it
const poll = () => {
  if (track.cues && track.cues.length && audio.readyState >= 1) {
    done(Array.from(track.cues).map(c => ({id: c.id, start: c.startTime, end: c.endTime})));
  } else { setTimeout(poll, 50); }
};
poll();
"""

_HIGHLIGHTED = "return Array.from(document.querySelectorAll('.reading')).map(e => e.id);"

_IN_VIEW = """
const box = document.getElementById(arguments[0]).getBoundingClientRect();
return box.top >= 0 && box.bottom <= window.innerHeight;
"""


def _cues(driver: webdriver.Chrome, url: str) -> list[dict[str, Any]]:
    driver.get(url)
    cues: list[dict[str, Any]] = driver.execute_async_script(_CUES)
    return cues


def _highlighted(driver: webdriver.Chrome, want: list[str]) -> list[str]:
    with contextlib.suppress(TimeoutException):  # then report what is highlighted instead
        WebDriverWait(driver, 10).until(lambda d: d.execute_script(_HIGHLIGHTED) == want)
    got: list[str] = driver.execute_script(_HIGHLIGHTED)
    return got


@pytest.mark.parametrize("page", [PAGE, TRANSCRIPT_PAGE])
def test_the_sentence_at_the_players_time_is_highlighted_and_in_view(
    site: str, phone: webdriver.Chrome, page: str
) -> None:
    cues = _cues(phone, site + page)
    assert cues[0]["id"] == f"{RELEASE}:title" and len(cues) > 10
    assert phone.execute_script("return matchMedia('(prefers-reduced-motion: reduce)').matches")
    assert (
        cues[-1]["id"] == f"{RELEASE}:help"
    )  # the audio ends with the help line, highlighted on the page too
    for cue in (cues[7], cues[2], cues[-2], cues[-1]):  # forwards, back, the last sentence far down, the help
        phone.execute_script(
            "document.querySelector('audio').currentTime = arguments[0];", cue["start"] + 0.01
        )
        assert _highlighted(phone, [cue["id"]]) == [cue["id"]]
        assert phone.execute_script(_IN_VIEW, cue["id"]), f"{cue['id']} highlighted but not kept in view"


def test_enter_on_a_sentence_plays_from_it(site: str, phone: webdriver.Chrome) -> None:
    cues = _cues(phone, site + PAGE)
    cue = cues[5]
    sentence = phone.find_element(By.ID, cue["id"])
    assert sentence.get_attribute("tabindex") == "0"  # reachable with Tab
    sentence.send_keys(Keys.ENTER)
    WebDriverWait(phone, 10).until(
        lambda d: not d.execute_script("return document.querySelector('audio').paused")
    )
    at = phone.execute_script("return document.querySelector('audio').currentTime")
    assert cue["start"] - 0.05 <= at < cue["end"]
    assert cue["id"] in _highlighted(phone, [cue["id"]])
    phone.execute_script("document.querySelector('audio').pause()")


def test_a_click_on_a_sentence_plays_from_it(site: str, phone: webdriver.Chrome) -> None:
    cues = _cues(phone, site + TRANSCRIPT_PAGE)
    cue = cues[3]
    phone.find_element(By.ID, cue["id"]).click()
    WebDriverWait(phone, 10).until(
        lambda d: not d.execute_script("return document.querySelector('audio').paused")
    )
    at = phone.execute_script("return document.querySelector('audio').currentTime")
    assert cue["start"] - 0.05 <= at < cue["end"]
    phone.execute_script("document.querySelector('audio').pause()")


def test_the_player_is_in_the_first_screen_of_a_phone(site: str, phone: webdriver.Chrome) -> None:
    phone.get(site + PAGE)
    assert phone.execute_script("return [innerWidth, innerHeight]") == [390, 844]
    box = phone.execute_script("return document.querySelector('audio').getBoundingClientRect().toJSON()")
    assert box["bottom"] <= 844 and box["right"] <= 390, box
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 390  # nothing overflows


def _cue_ids(vtt: str) -> list[str]:
    blocks = vtt.strip().split("\n\n")[1:]
    return [b.split("\n")[0] for b in blocks if not b.startswith("NOTE")]  # a NOTE block is no cue


def test_every_cue_has_its_sentence_on_the_pages_without_script(demo_output: Path) -> None:
    manifest = json.loads((demo_output / "manifest.json").read_text(encoding="utf-8"))
    checked = 0
    for release in manifest["releases"]:
        for edition in release["editions"].values():
            by_kind = {a["kind"]: a["path"] for a in edition["artifacts"]}
            if "transcript" not in by_kind:
                assert "transcript-page" not in by_kind
                continue
            cues = {
                re.sub(r"\.\d+$", "", c) for c in _cue_ids((demo_output / by_kind["transcript"]).read_text())
            }
            for kind in ("html", "transcript-page"):
                html = (demo_output / by_kind[kind]).read_text(encoding="utf-8")
                ids = set(re.findall(r' id="([^"]+)"', html))
                assert cues <= ids, (by_kind[kind], sorted(cues - ids)[:3])
                # the page links the script with defer, and the text is there in the HTML itself
                assert '<script src="../assets/readalong.js" defer></script>' in html
            checked += 1
    assert checked >= 10


def test_a_bundles_index_fits_a_phone(demo_output: Path, phone: webdriver.Chrome, tmp_path: Path) -> None:
    """The page a center opens from a USB stick: players within the screen, no bullet without content."""
    with zipfile.ZipFile(demo_output / "vi" / "bundle" / "vi-2025-11.zip") as archive:
        archive.extractall(tmp_path)
    phone.get((tmp_path / "index.html").as_uri())
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 390
    boxes = phone.execute_script(
        "return Array.from(document.querySelectorAll('audio')).map(a => a.getBoundingClientRect().right)"
    )
    assert boxes and max(boxes) <= 390
    empty = phone.execute_script(
        "return Array.from(document.querySelectorAll('li')).filter(li => !li.textContent.trim()).length"
    )
    assert empty == 0
