"""A right-to-left language (Urdu, in the Arabic script) is published right to left: dir="rtl" on its
pages, language index, bundle index and EPUB, and its PDF set from the right margin."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from ggmulti.cli import main
from ggmulti.languages import Traits

CONFIG = """[publisher]
url = "http://localhost:8000/"
[build]
languages = ["ur"]
formats = ["html", "pdf", "epub"]
[translation]
cache = "cache/t.sqlite"
[languages.ur]
name = "Urdu"
native_name = "اردو"
bcp47 = "ur"
script = "Arab"
font = "Noto Naskh Arabic"
langdetect = "ur"
"""
RELEASE = """---
id: one
title: گیونگی صوبے نے غیر ملکی باشندوں کے لیے نیا مرکز کھولا
lang: ur
date: 2025-11-12
---

گیونگی صوبے نے پیر کے روز سووون میں غیر ملکی باشندوں کے لیے ایک نیا امدادی مرکز کھولا۔ مرکز ہر ہفتے کے دن مفت ترجمہ، قانونی مشورہ اور کوریائی زبان کی کلاسیں پیش کرتا ہے۔
"""
HTML_DIR = re.compile(rb"<html[^>]*\bdir=\"(\w+)\"")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("urdu")
    for folder in ("glossary", "sources", "models"):
        (root / folder).mkdir()
    (root / "ggmulti.toml").write_text(CONFIG, encoding="utf-8")
    (root / "sources" / "one.md").write_text(RELEASE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GGMULTI_MODELS_DIR", str(root / "models"))
        mp.setenv("ARGOS_PACKAGES_DIR", str(root / "models"))
        argv = ["--config", str(root / "ggmulti.toml"), "publish", str(root / "sources")]
        assert main([*argv, "--out", str(root / "out"), "-q"]) == 0
    return root / "out"


def directions(data: bytes) -> list[bytes]:
    return HTML_DIR.findall(data)


def test_scripts_written_right_to_left_have_the_rtl_trait() -> None:
    assert [Traits(s).direction for s in ("Arab", "Hebr", "Thaa", "Latn", "Hans", "Laoo")] == [
        "rtl",
        "rtl",
        "rtl",
        "ltr",
        "ltr",
        "ltr",
    ]


def test_urdu_page_and_language_index_are_rtl(out: Path) -> None:
    assert directions((out / "ur" / "one.html").read_bytes()) == [b"rtl"]
    assert directions((out / "ur" / "index.html").read_bytes()) == [b"rtl"]


def test_urdu_bundle_index_and_epubs_are_rtl(out: Path) -> None:
    with zipfile.ZipFile(out / "ur" / "bundle" / "ur-2025-11.zip") as bundle:
        assert directions(bundle.read("index.html")) == [b"rtl"]
    for epub in (out / "ur" / "one.epub", out / "ur" / "bundle" / "ur-2025-11.epub"):
        with zipfile.ZipFile(epub) as book:
            pages = [n for n in book.namelist() if n.endswith(".xhtml")]
            assert pages and all(directions(book.read(n)) == [b"rtl"] for n in pages), epub
            assert b'dir="rtl"' in book.read("EPUB/package.opf")


def test_urdu_pdf_lines_start_at_the_right_margin(out: Path) -> None:
    """Lines of a right-to-left paragraph share their right edge; its short last line ends short on the left."""
    layout = subprocess.run(
        ["pdftotext", "-bbox-layout", str(out / "ur" / "one.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', layout).group(1))  # type: ignore[union-attr]
    lines = [
        (float(a), float(b))
        for a, b in re.findall(r'<line xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', layout)
    ]
    text_lines = lines[:-1]  # the last is the centred page number
    right_edges = {round(x_max) for _x_min, x_max in text_lines}
    assert len(right_edges) == 1, text_lines  # every line set from the same right margin
    assert min(x_min for x_min, _ in text_lines) < width / 4  # a full line reaches the left margin
    assert text_lines[-1][0] > width / 3  # the paragraph's short last line stops well short of it
