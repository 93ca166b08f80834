"""Daily publishing into a site that only grows: one release in, nothing else disturbed (issue 12)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from ggmulti.cli import main
from projects import WINTER_ID, WINTER_RELEASE, demo_site_copy

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "ggmulti.toml"
NEW_ID = WINTER_ID
NEW = WINTER_RELEASE


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def site(demo_output: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return demo_site_copy(demo_output, tmp_path, monkeypatch)


def _publish_new(tmp_path: Path, out: Path, *extra: str) -> int:
    source = tmp_path / "new.md"
    source.write_text(NEW, encoding="utf-8")
    return main(["--config", str(CONFIG), "publish", str(source), "--out", str(out), "-q", *extra])


def test_one_new_release_disturbs_nothing_published_earlier(site: Path, tmp_path: Path) -> None:
    before = _files(site)
    assert _publish_new(tmp_path, site) == 0
    after = _files(site)
    assert main(["verify", str(site)]) == 0
    new_files = {p for p in after if NEW_ID in p or p not in before}
    changed = {p for p in before if p in after and after[p] != before[p]}
    # Only the pages over the whole catalogue may change (every language's index lists the new
    # release); every earlier edition and bundle stays byte for byte.
    allowed = {"manifest.json", "report.json", "index.html", "sitemap.xml", "en/feed.xml"}
    assert {p for p in changed if not p.endswith("/index.html")} <= allowed, changed - allowed
    assert not set(before) - set(after), "a file published earlier was removed"
    assert any(p.startswith("en/bundle/en-2025-12.") for p in new_files)  # its own month's bundle
    manifest = json.loads(after["manifest.json"])
    old_manifest = json.loads(before["manifest.json"])
    assert set(old_manifest["bundles"]) < set(manifest["bundles"])
    for key, bundle in old_manifest["bundles"].items():
        assert manifest["bundles"][key] == bundle
    assert {r["id"] for r in manifest["releases"]} == {r["id"] for r in old_manifest["releases"]} | {NEW_ID}


def test_bundles_are_per_month_and_say_what_they_hold(site: Path) -> None:
    manifest = json.loads((site / "manifest.json").read_bytes())
    vi = [b for b in manifest["bundles"].values() if b["lang"] == "vi"]
    assert [b["period"] for b in vi] == sorted((b["period"] for b in vi), reverse=True)
    assert all(len(b["period"]) == 7 for b in vi), vi  # YYYY-MM
    index = (site / "vi" / "index.html").read_text(encoding="utf-8")
    positions = [index.index(b["pdf"].split("/", 1)[1]) for b in vi]
    assert positions == sorted(positions), "bundles are listed newest first"
    for b in manifest["bundles"].values():
        with zipfile.ZipFile(site / b["zip"]) as archive:
            names = archive.namelist()
            page = archive.read("index.html").decode("utf-8")
        has_audio = any(n.endswith(".mp3") for n in names)
        assert b["audio"] is has_audio
        for name in names:
            if name != "index.html":
                assert f'href="{name}"' in page or f'src="{name}"' in page, (b["zip"], name)
    lao = (site / "lo" / "index.html").read_text(encoding="utf-8")
    assert "ພ້ອມສຽງ" not in lao  # "with audio": Lao has no voice, its zips hold none


def test_strict_refuses_a_language_that_gets_nothing(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _files(site)
    assert _publish_new(tmp_path, site, "--lang", "lo", "--strict") == 1
    assert "--lang lo: nothing can be published" in capsys.readouterr().err
    assert _files(site) == before


def test_verify_fails_on_a_file_the_manifest_does_not_list(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "vi" / "stray.html").write_text("<p>not published by ggmulti</p>", encoding="utf-8")
    assert main(["verify", str(site)]) == 1
    assert "vi/stray.html: not listed in the manifest" in capsys.readouterr().err


def test_withdraw_removes_a_release_everywhere_and_records_it(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rid = "wongok-dong-cleanup-campaign-2025"
    manifest = json.loads((site / "manifest.json").read_bytes())
    artifacts = [
        a
        for r in manifest["releases"]
        if r["id"] == rid
        for e in r["editions"].values()
        for a in e["artifacts"]
    ]
    files = [a["path"] for a in artifacts]
    pages = {a["path"] for a in artifacts if a["kind"] == "html"}
    assert files and pages
    argv = ["--config", str(CONFIG), "withdraw", rid, "--reason", "recalled", "--out", str(site), "-q"]
    assert main(argv) == 0
    assert main(["verify", str(site)]) == 0
    # its files are gone (transcript pages too); its page URLs serve the withdrawal notice
    # (tests/test_withdrawal.py)
    assert not any((site / p).exists() for p in files if p not in pages)
    assert all(rid not in (site / p).read_text(encoding="utf-8") for p in pages)
    after = json.loads((site / "manifest.json").read_bytes())
    assert rid not in {r["id"] for r in after["releases"]}
    assert [w["id"] for w in after["withdrawn"]] == [rid]
    for page in ("index.html", "vi/index.html", "en/index.html", "vi/feed.xml", "en/feed.xml"):
        assert rid not in (site / page).read_text(encoding="utf-8"), page
    for bundle in after["bundles"].values():
        assert rid not in bundle["releases"]
    capsys.readouterr()
    assert (
        main(["--config", str(CONFIG), "withdraw", "no-such-release", "--reason", "x", "--out", str(site)])
        == 1
    )
    assert "not published here: no-such-release" in capsys.readouterr().err


def test_a_changed_form_leaves_no_old_form_and_no_lowercase_start(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    glossary = tmp_path / "glossary"
    shutil.copytree(ROOT / "glossary", glossary)
    places = glossary / "places.yaml"
    text = places.read_text(encoding="utf-8")
    assert "      vi: tỉnh Gyeonggi\n" in text
    places.write_text(text.replace("      vi: tỉnh Gyeonggi\n", "      vi: tỉnh Kyonggi\n"), encoding="utf-8")
    argv = ["--config", str(CONFIG), "publish", str(ROOT / "examples" / "releases"), "--out", str(site), "-q"]
    assert main([*argv, "--glossary", str(glossary)]) == 0
    capsys.readouterr()
    from ggmulti.glossary.load import load_glossary

    current = load_glossary(glossary, {"vi": "Latn"})
    approved = sorted({t.forms["vi"] for t in current.terms if "vi" in t.forms}, key=len, reverse=True)
    for data in sorted((site / "vi").glob("*.json")):
        edition = json.loads(data.read_bytes())["edition"]
        segments = [edition["title"], *(s for para in edition["paragraphs"] for s in para)]
        for seg in segments:
            shown = seg["text"]
            assert not shown[:1].islower(), (data.name, shown)
            for form in approved:  # the old form may live on inside another term's approved form
                shown = shown.replace(form, "").replace(form[:1].upper() + form[1:], "")
            assert "tỉnh gyeonggi" not in shown.casefold(), (data.name, seg["text"])
    # every vi page, its site title, footer and the vi feed use the new form (the glossary names the
    # publisher in each language; interface strings only hold a {publisher} slot)
    from lxml import html as lxml_html

    for page in sorted((site / "vi").glob("*.html")):
        doc = lxml_html.fromstring(page.read_bytes())
        assert doc.xpath('string(//p[@class="site"])') == "Bản tin báo chí tỉnh Kyonggi", page.name
        assert doc.xpath("string(//footer)").strip() == "Tỉnh Kyonggi", page.name
        shown = doc.text_content()
        for form in approved:
            shown = shown.replace(form, "").replace(form[:1].upper() + form[1:], "")
        assert "tỉnh gyeonggi" not in shown.casefold(), page.name
    feed = (site / "vi" / "feed.xml").read_text(encoding="utf-8")
    assert "<itunes:author>Tỉnh Kyonggi</itunes:author>" in feed and "Gyeonggi Province" not in feed
