"""`review diff --base REV`: the approved sentences a memory change adds, changes or removes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ggmulti.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True, capture_output=True
    )


def test_changed_added_and_removed_sentences_are_listed_before_and_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "site"
    (repo / "memory").mkdir(parents=True)
    shutil.copy(ROOT / "memory" / "en-vi.xlf", repo / "memory" / "en-vi.xlf")
    (repo / "ggmulti.toml").write_text('[build]\nlanguages = ["en", "vi"]\n', encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    memory = repo / "memory" / "en-vi.xlf"
    text = memory.read_text(encoding="utf-8")
    old = "Tỉnh Gyeonggi sẽ tăng thêm 50.000 won"
    assert old in text
    memory.write_text(text.replace(old, "Tỉnh Gyeonggi sẽ tăng thêm đúng 50.000 won"), encoding="utf-8")
    config = ["--config", str(repo / "ggmulti.toml")]
    assert main([*config, "review", "diff", "--base", "HEAD", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert "### en-vi: 0 added, 1 changed, 0 removed" in md
    assert old in md and "Tỉnh Gyeonggi sẽ tăng thêm đúng 50.000 won" in md
    assert main([*config, "review", "diff", "--base", "no-such-rev"]) == 1
    assert "unknown revision 'no-such-rev'" in capsys.readouterr().err
