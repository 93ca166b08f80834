"""Withdrawal is a recorded decision that wins over the sources (issue 24)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import html as lxml_html

from ggmulti.cli import main
from ggmulti.formats.data import loads_edition
from projects import demo_site_copy

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "ggmulti.toml"
SOURCES = ROOT / "examples" / "releases"
RID = "wongok-dong-cleanup-campaign-2025"
REASON = "Issued in error: the campaign dates were wrong"


@pytest.fixture
def site(demo_output: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return demo_site_copy(demo_output, tmp_path, monkeypatch)


def _texts(site: Path, rid: str) -> dict[str, set[str]]:
    """Per language: the title and every sentence of the release's edition, read from its published text."""
    manifest = json.loads((site / "manifest.json").read_bytes())
    (entry,) = [r for r in manifest["releases"] if r["id"] == rid]
    found: dict[str, set[str]] = {}
    for lang, edition in entry["editions"].items():
        data = [a["path"] for a in edition["artifacts"] if a["kind"] == "data"]
        if not data:
            continue
        tr = loads_edition((site / data[0]).read_bytes(), data[0])
        found[lang] = {tr.title.text} | {s.text for s in tr.segments if len(s.text) >= 12}
    return found


def _text_files(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(site.rglob("*"))
        if p.suffix in {".html", ".xml", ".vtt"}
    }


def _withdraw(site: Path, *ids: str, reason: str = REASON) -> int:
    argv = ["--config", str(CONFIG), "withdraw", *ids, "--reason", reason, "--date", "2025-12-05"]
    return main([*argv, "--out", str(site), "-q"])


def _publish(site: Path) -> int:
    return main(["--config", str(CONFIG), "publish", str(SOURCES), "--out", str(site), "-q"])


def test_a_withdrawn_release_stays_down_when_its_source_is_published_again(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = _texts(site, RID)
    assert {"en", "vi", "zh"} <= set(texts)
    manifest = json.loads((site / "manifest.json").read_bytes())
    (entry,) = [r for r in manifest["releases"] if r["id"] == RID]
    pages = sorted(
        lang for lang, e in entry["editions"].items() if any(a["kind"] == "html" for a in e["artifacts"])
    )

    assert _withdraw(site, RID) == 0
    out = capsys.readouterr().out
    assert f"withdrew {RID} on 2025-12-05" in out and "ggmulti restore ID" in out
    assert _publish(site) == 0
    err = capsys.readouterr().err
    line = (
        f"{RID}: withdrawn on 2025-12-05 ({REASON}); not published. ggmulti restore {RID} publishes it again"
    )
    assert line in err.splitlines()
    assert main(["verify", str(site)]) == 0

    after = json.loads((site / "manifest.json").read_bytes())
    assert RID not in {r["id"] for r in after["releases"]}
    (record,) = after["withdrawn"]
    assert record["id"] == RID and record["date"] == "2025-12-05" and record["reason"] == REASON
    assert record["languages"] == pages

    files = _text_files(site)
    for path, text in files.items():
        for lang, sentences in texts.items():
            leaked = [s for s in sentences if s in text]
            assert not leaked, f"{path} still holds {lang} text of the withdrawn release: {leaked[:2]}"

    # every language URL it had now says, in that language, that it was withdrawn, when and why
    titles = {
        "en": "This release has been withdrawn",
        "vi": "Bản tin này đã bị thu hồi",
        "zh": "本新闻稿已撤回",
    }
    for lang in pages:
        page = files[f"{lang}/{RID}.html"]
        doc = lxml_html.fromstring(page)
        assert doc.get("lang", "").split("-")[0] == lang
        assert doc.xpath('//meta[@name="robots"]/@content') == ["noindex"]
        assert REASON in page
        if lang in titles:
            assert titles[lang] in doc.xpath("string(//h1)")
    assert "2025" in files[f"vi/{RID}.html"] and "12" in files[f"vi/{RID}.html"]
    # and is kept out of every index, feed and the sitemap
    for path, text in files.items():
        if path.endswith(("index.html", "feed.xml", "sitemap.xml")):
            assert RID not in text, path


def test_restore_lifts_the_withdrawal_and_the_next_publish_brings_it_back(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _text_files(site)[f"vi/{RID}.html"]
    assert _withdraw(site, RID) == 0
    assert _withdraw(site, RID) == 1
    assert "already withdrawn: " + RID + " (on 2025-12-05)" in capsys.readouterr().err
    assert main(["--config", str(CONFIG), "restore", "no-such-release", "--out", str(site)]) == 1
    assert "not withdrawn here: no-such-release" in capsys.readouterr().err

    assert main(["--config", str(CONFIG), "restore", RID, "--out", str(site), "-q"]) == 0
    assert "withdrawal lifted for " + RID in capsys.readouterr().out
    manifest = json.loads((site / "manifest.json").read_bytes())
    assert manifest["withdrawn"] == []
    assert not (site / "vi" / f"{RID}.html").exists()  # the notice went with the record
    assert main(["verify", str(site)]) == 0

    assert _publish(site) == 0
    assert "withdrawn" not in capsys.readouterr().err
    assert (site / "vi" / f"{RID}.html").read_text(encoding="utf-8") == before
    assert RID in (site / "vi" / "index.html").read_text(encoding="utf-8")


def test_withdraw_needs_a_reason(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(CONFIG), "withdraw", RID, "--out", str(site)]) == 2
    assert "--reason" in capsys.readouterr().err
    assert _withdraw(site, RID, reason="   ") == 1
    assert "--reason" in capsys.readouterr().err
    assert json.loads((site / "manifest.json").read_bytes())["withdrawn"] == []
