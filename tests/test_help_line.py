"""[publisher.help]: a help line in the reader's language on every page and in every bundle's index.html."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import yaml

from ggmulti.config import load_config
from ggmulti.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
UI = yaml.safe_load((ROOT / "src" / "ggmulti" / "templates" / "ui.yaml").read_text(encoding="utf-8"))


def _config(tmp_path: Path, help_table: str) -> Path:
    path = tmp_path / "ggmulti.toml"
    path.write_text(f'[build]\nlanguages = ["en", "vi"]\n\n[publisher.help]\n{help_table}', encoding="utf-8")
    return path


def test_the_sample_config_has_danuri() -> None:
    help = load_config(ROOT / "ggmulti.toml").publisher.help
    assert help is not None and help.phone == "1577-1366" and help.hours == "24/7"


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ('name = "Danuri"\nphone = "call us"\n', "phone"),
        ('phone = "1577-1366"\n', "name"),
        ('name = "Danuri"\nphone = "1577-1366"\ntext.vi = "Gọi {nam} số {phone}"\n', "text.vi"),
    ],
)
def test_a_bad_help_line_is_one_error_naming_the_file(tmp_path: Path, table: str, problem: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(_config(tmp_path, table))
    assert str(tmp_path / "ggmulti.toml") in str(err.value) and problem in str(err.value)


def test_every_page_and_bundle_has_the_help_line_in_its_own_language(demo_output: Path) -> None:
    pages = {p: p.read_text(encoding="utf-8") for p in demo_output.rglob("*.html")}
    for bundle in demo_output.glob("*/bundle/*.zip"):
        with zipfile.ZipFile(bundle) as archive:
            pages[bundle] = archive.read("index.html").decode("utf-8")
    kinds = {"index.html", "transcript.html", "zip"}
    seen: set[str] = set()
    for path, html in pages.items():
        lang = re.search(r'<html lang="([^"]+)"', html)
        assert lang is not None, path
        code = {"zh-Hans": "zh"}.get(lang[1], lang[1])
        help = re.search(
            r'<aside class="help" aria-labelledby="help">\n<h2 id="help">(.*)</h2>\n<p[^>]*>(.*)</p>', html
        )
        assert help is not None, path
        assert help[1] == UI[code]["help_heading"], path  # in the page's language, not an English fallback
        assert '<a href="tel:15771366">1577-1366</a>' in help[2] and UI[code]["help_always"] in help[2], path
        assert 'lang="en"' not in help[0], path
        seen |= {k for k in kinds if path.name.endswith(k)} | (
            {"release"} if path.suffix == ".html" else set()
        )
    assert seen >= kinds
