"""Every reader gets something in their own language (issue 13): the demo site plus one new English-only
release, read as readers, search engines and podcast apps read it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import feedparser
import podcastparser
import pytest
import yaml
from bs4 import BeautifulSoup
from lxml import etree

from ggmulti.cli import main
from ggmulti.config import DEFAULT_LANGUAGES, builtin_language

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "ggmulti.toml"
NEW_ID = "english-only-notice-2025"
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture(scope="module")
def site(demo_output: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("readers") / "site"
    shutil.copytree(demo_output, out)
    source = out.parent / "new.md"
    source.write_text(
        f"---\nid: {NEW_ID}\ntitle: Gyeonggi Province Opens Night Clinics for Foreign Workers\ndate: 2025-12-02\n"
        "lang: en\n---\nGyeonggi Province will open four night clinics for foreign workers in December.\n\n"
        "The clinics are free of charge and open from 7 p.m. to 10 p.m. on weekdays.\n",
        encoding="utf-8",
    )
    models = out.parent / "no-models"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GGMULTI_MODELS_DIR", str(models))
        mp.setenv("ARGOS_PACKAGES_DIR", str(models))
        assert main(["--config", str(CONFIG), "publish", str(source), "--out", str(out), "-q"]) == 0
    return out


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("code", DEFAULT_LANGUAGES)
def test_every_language_has_an_index_in_its_language_listing_the_new_release(site: Path, code: str) -> None:
    cfg = builtin_language(code)
    assert cfg is not None
    page = _soup(site / code / "index.html")
    assert page.html is not None and page.html["lang"] == cfg.bcp47
    links = [a for a in page.find_all("a") if NEW_ID in str(a.get("href", ""))]
    assert links, f"{code}/index.html does not list {NEW_ID}"
    if code != "en":
        assert links[0]["href"] == f"../en/{NEW_ID}.html" and links[0]["lang"] == "en"
        text = page.get_text(" ")
        assert not ISO_DATE.search(text), ISO_DATE.search(text)
        times = page.find_all("time")
        assert times and all(ISO_DATE.fullmatch(t["datetime"]) for t in times)


def test_site_index_links_every_language_and_shows_no_internal_reason(site: Path) -> None:
    page = _soup(site / "index.html")
    hrefs = {a["href"] for a in page.find_all("a")}
    assert {f"{code}/index.html" for code in DEFAULT_LANGUAGES} <= hrefs
    text = page.get_text(" ")
    assert "->" not in text and "no translation model" not in text


def test_sitemap_lists_every_release_page_with_hreflang_alternates(site: Path) -> None:
    manifest = json.loads((site / "manifest.json").read_bytes())
    tree = etree.parse(str(site / "sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = {u.findtext("s:loc", namespaces=ns): u for u in tree.findall("s:url", ns)}
    base = "http://localhost:8000/"
    for release in manifest["releases"]:
        listed = [code for code, ed in release["editions"].items() if ed["status"] != "skipped"]
        for code in listed:
            url = urls.get(f"{base}{code}/{release['id']}.html")
            assert url is not None, (release["id"], code)
            if len(listed) > 1:
                alternates = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)}
                assert alternates["x-default"] == f"{base}en/{release['id']}.html"
                assert len(alternates) == len(listed) + 1
    assert (site / "robots.txt").read_text().endswith(f"Sitemap: {base}sitemap.xml\n")


def test_every_feed_is_accepted_by_podcast_clients(site: Path) -> None:
    feeds = sorted(site.glob("*/feed.xml"))
    assert {f.parent.name for f in feeds} == {"en", "vi", "zh", "hi"}
    for feed in feeds:
        url = f"http://localhost:8000/{feed.parent.name}/feed.xml"
        with feed.open("rb") as handle:
            parsed = podcastparser.parse(url, handle)
        assert parsed["cover_url"].startswith("http://localhost:8000/")
        cover = site / parsed["cover_url"].removeprefix("http://localhost:8000/")
        assert cover.is_file() and cover.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert parsed["episodes"]
        for episode in parsed["episodes"]:
            assert episode["total_time"] > 0, (feed, episode["title"])
            assert episode["description"].strip(), (feed, episode["title"])
        reader = feedparser.parse(feed.read_bytes())
        assert not reader.bozo, reader.bozo_exception
        assert [t["term"] for t in reader.feed.tags] == ["Government"]
        assert reader.feed.image["href"] == parsed["cover_url"]
        assert b"<itunes:explicit>false</itunes:explicit>" in feed.read_bytes()
        assert b"<podcast:guid>" in feed.read_bytes()


def test_release_pages_carry_news_article_json_ld_and_open_graph(site: Path) -> None:
    pages = [
        p for p in site.glob("*/*.html") if p.name != "index.html" and not p.name.endswith(".transcript.html")
    ]
    assert pages
    glossary = yaml.safe_load((ROOT / "glossary" / "places.yaml").read_text(encoding="utf-8"))
    (province,) = [e for e in glossary["entries"] if e["id"] == "gyeonggi-province"]
    names = {lang: form[:1].upper() + form[1:] for lang, form in province["forms"].items()}
    for path in pages:
        page = _soup(path)
        script = page.find("script", type="application/ld+json")
        assert script is not None, path
        data = json.loads(script.string or "")
        assert data["@type"] == "NewsArticle" and data["headline"] and data["inLanguage"]
        # the publisher in the page's language: the glossary's form of the entry for [publisher] name
        assert data["publisher"]["name"] == names[path.parent.name], path
        if path.parent.name != "en":
            assert data["translationOfWork"]["url"].endswith(f"/en/{path.stem}.html")
        assert page.find("meta", property="og:title") is not None


def test_no_caption_cue_is_longer_than_15_seconds(site: Path) -> None:
    cue = re.compile(r"(\d+):(\d+):(\d+)\.(\d+) --> (\d+):(\d+):(\d+)\.(\d+)")

    def seconds(h: str, m: str, s: str, ms: str) -> float:
        return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000

    transcripts = sorted(site.glob("*/*.vtt"))
    assert transcripts
    for vtt in transcripts:
        for match in cue.finditer(vtt.read_text(encoding="utf-8")):
            g = match.groups()
            assert seconds(*g[4:]) - seconds(*g[:4]) <= 15.0, (vtt.name, match.group(0))


def test_pages_without_audio_say_why_in_their_language(site: Path) -> None:
    page = _soup(site / "lo" / "k-beauty-expo-vietnam-2025.html")
    assert page.find("audio") is None
    listen = page.find("section", class_="listen")
    assert listen is not None and "ສຽງ" in listen.get_text()  # Lao: "sound/voice"


def test_lao_names_are_not_split_across_lines(site: Path) -> None:
    page = (site / "lo" / "k-beauty-expo-vietnam-2025.html").read_text(encoding="utf-8")
    assert '<span class="name">ແຂວງກຽງກີ</span>' in page
    assert ".name { white-space: nowrap; }" in (site / "assets" / "style.css").read_text(encoding="utf-8")
