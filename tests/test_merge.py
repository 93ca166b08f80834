"""Sharded builds merged into one folder give what one build of everything gives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ggmulti.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    text = (ROOT / "ggmulti.toml").read_text(encoding="utf-8")
    for key in ("glossary", "memory"):
        text = text.replace(f'{key} = "{key}"', f'{key} = "{ROOT / key}"')
    text = text.replace('formats = ["html", "pdf", "audio"]', 'formats = ["html", "pdf"]')
    text = text.replace(
        'languages = ["vi", "zh", "lo", "hi", "th", "km", "mn", "ru", "uz", "ne", "tl", "id", "my", "ja", "en"]',
        'languages = ["en", "vi"]',
    )
    text += f'\n[translation]\ncache = "{tmp_path / "cache.sqlite"}"\n'
    (tmp_path / "ggmulti.toml").write_text(text, encoding="utf-8")
    releases = sorted((ROOT / "examples" / "releases").glob("*.md"))
    for name, part in (("all", releases), ("a", releases[:5]), ("b", releases[5:])):
        (tmp_path / name).mkdir()
        for path in part:
            shutil.copy(path, tmp_path / name / path.name)
    return tmp_path


def run(project: Path, *args: str) -> int:
    return main(["--config", str(project / "ggmulti.toml"), *args])


def test_merged_shards_then_publish_equal_one_build(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert 'languages = ["en", "vi"]' in (project / "ggmulti.toml").read_text()
    for shard in ("a", "b"):
        assert (
            run(project, "publish", str(project / shard), "--out", str(project / f"out-{shard}"), "-q") == 0
        )
    assert (
        run(project, "merge", str(project / "out-a"), str(project / "out-b"), "--out", str(project / "final"))
        == 0
    )
    assert "10 release(s)" in capsys.readouterr().out
    assert run(project, "publish", str(project / "all"), "--out", str(project / "final"), "-q") == 0
    report = json.loads((project / "final" / "report.json").read_text())
    assert [e for e in report["editions"] if e["built"]] == []  # every merged edition reused as it was

    assert run(project, "publish", str(project / "all"), "--out", str(project / "direct"), "-q") == 0
    assert (project / "final" / "manifest.json").read_bytes() == (
        project / "direct" / "manifest.json"
    ).read_bytes()
    assert run(project, "verify", str(project / "final")) == 0


def test_a_tampered_shard_is_not_merged(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(project, "publish", str(project / "a"), "--out", str(project / "out-a"), "-q") == 0
    page = next((project / "out-a" / "en").glob("*.html"))
    page.write_text(page.read_text() + "<!-- changed -->")
    assert run(project, "merge", str(project / "out-a"), "--out", str(project / "final")) == 1
    assert "content differs" in capsys.readouterr().err
    assert not (project / "final" / "manifest.json").exists()
