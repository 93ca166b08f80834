"""The original is always one click away: no internal link of a built site points at a missing file (issue 24)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import html

from ggmulti.cli import main
from linkcheck import broken_links, checked_links

ROOT = Path(__file__).resolve().parents[1]
ZH_RELEASE = """---
id: suwon-support-center-zh
title: 京畿道在水原开设外国居民支援中心
date: 2025-12-02
lang: zh
---
京畿道于周一在水原为外国居民开设了新的支援中心，提供免费口译、法律咨询和韩语课程。

京畿道表示，明年还将在安山和华城再开设两个中心。
"""


def test_the_checker_reports_a_missing_file_and_ignores_external_links(tmp_path: Path) -> None:
    (tmp_path / "vi").mkdir()
    (tmp_path / "vi" / "a.html").write_text(
        '<p><a href="b.html#x">b</a> <a href="../zh/a.html">zh</a> <a href="https://example.org/">x</a>'
        ' <a href="#top">top</a> <img src="../assets/logo.png" alt=""></p>',
        encoding="utf-8",
    )
    (tmp_path / "vi" / "b.html").write_text("<p>b</p>", encoding="utf-8")
    assert broken_links(tmp_path) == ["vi/a.html -> ../zh/a.html", "vi/a.html -> ../assets/logo.png"]


def test_the_demo_site_has_no_broken_internal_link(demo_output: Path) -> None:
    assert checked_links(demo_output) > 500
    assert broken_links(demo_output) == []


def test_a_site_with_a_withdrawal_has_no_broken_internal_link(
    demo_output: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GGMULTI_MODELS_DIR", str(tmp_path / "no-models"))
    site = tmp_path / "site"
    shutil.copytree(demo_output, site)
    argv = ["--config", str(ROOT / "ggmulti.toml"), "withdraw", "wongok-dong-cleanup-campaign-2025"]
    assert main([*argv, "--reason", "Issued in error", "--out", str(site), "-q"]) == 0
    assert broken_links(site) == []


@pytest.fixture
def machine_site(tmp_path: Path, zh_en_models_dir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A Chinese release published with the real zh->en model into a site published only in English."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "zh.md").write_text(ZH_RELEASE, encoding="utf-8")
    (tmp_path / "ggmulti.toml").write_text(
        f"""[publisher]
url = "https://press.example.org/"
[build]
languages = ["en"]
formats = ["html", "pdf", "audio"]
[paths]
glossary = "{ROOT / "glossary"}"
[translation]
models_dir = "{zh_en_models_dir}"
cache = "cache.sqlite"
""",
        encoding="utf-8",
    )
    argv = ["--config", str(tmp_path / "ggmulti.toml"), "publish", str(tmp_path / "sources")]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 0
    captured = capsys.readouterr()
    assert "not checked" not in captured.err  # langdetect knows Chinese (zh-cn): the release was checked
    return tmp_path / "out"


def test_a_machine_translated_site_links_its_original_by_its_native_name(machine_site: Path) -> None:
    rid = "suwon-support-center-zh"
    assert (machine_site / "zh" / f"{rid}.html").is_file()  # the original, though zh is not an output
    assert not (machine_site / "zh" / "index.html").exists()  # ... and the site is not published in zh
    assert not (machine_site / "zh" / "feed.xml").exists() and not (machine_site / "zh" / "bundle").exists()
    page = html.fromstring((machine_site / "en" / f"{rid}.html").read_bytes())
    (link,) = page.xpath('//p[contains(@class, "machine")]/a')
    assert link.get("href") == f"../zh/{rid}.html"
    assert "简体中文" in link.text_content() and link.text_content().strip() != "zh"
    assert not page.xpath('//a[normalize-space(.)="zh"]')
    original = html.fromstring((machine_site / "zh" / f"{rid}.html").read_bytes())
    assert original.get("lang") == "zh-Hans" and "京畿道" in original.xpath("string(//h1)")
    site_index = (machine_site / "index.html").read_text(encoding="utf-8")
    assert 'href="zh/index.html"' not in site_index
    assert checked_links(machine_site) > 10
    assert broken_links(machine_site) == []


def test_machine_output_is_labelled_wherever_it_is_met(machine_site: Path) -> None:
    import json
    import zipfile

    from lxml import etree
    from mutagen.id3 import ID3

    rid = "suwon-support-center-zh"
    index = html.fromstring((machine_site / "en" / "index.html").read_bytes())
    (entry,) = index.xpath('//ul[@class="releases"]/li')
    assert "machine translated" in entry.xpath('string(span[@class="badge"])')

    feed = etree.fromstring((machine_site / "en" / "feed.xml").read_bytes())
    (item,) = feed.findall("channel/item")
    summary = item.findtext("{http://www.itunes.com/dtds/podcast-1.0.dtd}summary") or ""
    assert item.findtext("description", "").startswith("[machine translated] ")
    assert summary.startswith("[machine translated] ")

    tags = ID3(machine_site / "en" / f"{rid}.mp3")
    (comment,) = tags.getall("COMM")
    assert comment.text == ["Machine translated. Read aloud by a synthetic voice."]
    assert tags.getall("TLAN")[0].text == ["eng"]
    original_tags = ID3(machine_site / "zh" / f"{rid}.mp3")  # the original: only the voice is signposted
    assert original_tags.getall("COMM")[0].text == ["由合成语音朗读。"]

    vtt = (machine_site / "en" / f"{rid}.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\nNOTE Machine translated. Read aloud by a synthetic voice.\n\n")
    # ... and it is said before the title: the title's cue starts after the spoken notice
    first = vtt.split("\n\n")[2].splitlines()
    assert first[0] == f"{rid}:title"
    hours, minutes, seconds = first[1].split(" --> ")[0].split(":")
    assert float(seconds) + 60 * int(minutes) + 3600 * int(hours) > 1.5

    manifest = json.loads((machine_site / "manifest.json").read_bytes())
    (bundle,) = manifest["bundles"].values()
    with zipfile.ZipFile(machine_site / bundle["zip"]) as z:
        bundle_index = html.fromstring(z.read("index.html"))
    assert "machine translated" in bundle_index.xpath(
        'string(//ul[@class="releases"]/li/span[@class="badge"])'
    )

    page = html.fromstring((machine_site / "en" / f"{rid}.html").read_bytes())
    (ld,) = page.xpath('//script[@type="application/ld+json"]/text()')
    article = json.loads(ld)
    assert article["translationOfWork"]["inLanguage"] == "zh-Hans"
    assert article["translationOfWork"]["headline"] == "京畿道在水原开设外国居民支援中心"
    assert article["translator"][0]["@type"] == "SoftwareApplication"
