"""The command line: check lists the seed dump, writes nothing; doctor --json; documented commands exist."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from ggmulti.cli import cli, main
from ggmulti.config import load_config

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "ggmulti.toml"
SEED = REPO / "tests" / "fixtures" / "text_dump.txt"  # the seed dump's format, in our own words


def _tree(folder: Path) -> list[tuple[str, int]]:
    return sorted((p.relative_to(folder).as_posix(), p.stat().st_mtime_ns) for p in folder.rglob("*"))


def test_check_lists_the_ten_releases_of_the_seed_dump(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert SEED.is_file(), f"seed dump not found at {SEED}"
    monkeypatch.chdir(tmp_path)
    assert main(["--config", str(CONFIG), "check", str(SEED)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert len(lines) == 10
    ids = []
    for line in lines:
        rid, date, lang, paragraphs, title = line.split("\t")
        ids.append(rid)
        assert re.fullmatch(r"[a-z0-9-]+", rid)
        assert date == "-" and lang == "en"
        assert re.fullmatch(r"\d+ paragraphs?", paragraphs)
        assert 0 < len(title.split()) <= 13
    assert len(set(ids)) == 10
    assert "10 release(s), 0 error(s)" in captured.err
    assert "Traceback" not in captured.err
    assert list(tmp_path.iterdir()) == []


def test_check_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "a.md"
    source.write_text("---\nid: a\ntitle: A\n---\n\nGyeonggi Province opened a new support center today.\n")
    before = _tree(tmp_path)
    repo_before = sorted(os.listdir(REPO))
    assert main(["--config", str(CONFIG), "check", str(source), str(REPO / "examples" / "releases")]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 11
    assert _tree(tmp_path) == before
    assert sorted(os.listdir(REPO)) == repo_before


def test_check_of_the_samples_as_markdown_and_feed_separately(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(CONFIG), "check", str(REPO / "examples" / "feed.xml")]) == 0
    feed = capsys.readouterr().out
    assert main(["--config", str(CONFIG), "check", str(REPO / "examples" / "releases")]) == 0
    markdown = capsys.readouterr().out
    assert sorted(feed.splitlines()) == sorted(markdown.splitlines())
    assert len(feed.splitlines()) == 10


def test_doctor_json_has_one_entry_per_configured_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(CONFIG), "doctor", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    configured = list(load_config(CONFIG).languages)
    entries = data["languages"]
    assert [e["code"] for e in entries] == configured
    for entry in entries:
        assert entry["name"]
        for field in ("translation", "voice", "font"):
            assert isinstance(entry[field]["available"], bool), (entry["code"], field)
            assert isinstance(entry[field]["detail"], str) and entry[field]["detail"], (entry["code"], field)
    en = next(e for e in entries if e["code"] == "en")
    assert en["translation"]["available"] is True  # the source language needs no model
    lao = next(e for e in entries if e["code"] == "lo")
    assert lao["voice"]["available"] is False  # espeak-ng has no Lao voice: reported, never faked


def test_doctor_text_lists_every_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(CONFIG), "doctor"]) == 0
    out = capsys.readouterr().out
    for code in load_config(CONFIG).languages:
        assert re.search(rf"^\s*{code} ", out, flags=re.M), code


def test_version_and_help_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert "ggmulti" in capsys.readouterr().out
    for command in ([], ["check"], ["publish"], ["doctor"]):
        assert main([*command, "--help"]) == 0
        assert "Usage:" in capsys.readouterr().out


def test_every_command_in_the_readme_exists() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `ggmulti (\w+)", readme, flags=re.M))
    assert {"check", "publish", "doctor"} <= documented
    assert documented <= set(cli.commands)
    publish_options = {o for p in cli.commands["publish"].params for o in getattr(p, "opts", [])}
    for option in ("--out", "--lang", "--glossary", "--strict", "-q"):
        assert option in publish_options


def test_publish_prints_per_edition_lines_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "a.md").write_text(
        "---\nid: a\ntitle: A new help desk\ndate: 2025-10-01\n---\n\n"
        "Gyeonggi Province opened a help desk for foreign residents in Suwon today.\n",
        encoding="utf-8",
    )
    argv = ["--config", str(CONFIG), "publish", str(sources), "--lang", "en"]
    assert main([*argv, "--out", str(tmp_path / "quiet")]) == 0
    plain = capsys.readouterr()
    assert "building a [en]" not in plain.err and "translating into" not in plain.err
    assert "1 release(s) in" in plain.out  # the summary still says what was done
    assert main([*argv, "--out", str(tmp_path / "loud"), "--verbose"]) == 0
    loud = capsys.readouterr()
    assert "building a [en]: new edition" in loud.err
