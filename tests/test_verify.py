"""`ggmulti verify`: a published folder re-hashed against its manifest."""

from __future__ import annotations

from pathlib import Path

import pytest

from ggmulti.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    target = tmp_path / "out"
    args = [
        "--config",
        str(ROOT / "ggmulti.toml"),
        "publish",
        str(ROOT / "examples" / "releases" / "01-asocio-digital-government-award.md"),
        "--out",
        str(target),
        "--lang",
        "en",
        "-q",
    ]
    assert main(args) == 0
    capsys.readouterr()
    return target


def test_intact_output_verifies(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(out)]) == 0
    assert "0 problem(s)" in capsys.readouterr().out


def test_edited_missing_and_unlisted_files_are_named(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = out / "en" / "asocio-digital-government-award-2025.html"
    page.write_text(page.read_text() + "<!-- edited -->")
    (out / "en" / "asocio-digital-government-award-2025.pdf").unlink()
    (out / "en" / "stray.html").write_text("x")
    assert main(["verify", str(out)]) == 1
    err = capsys.readouterr().err
    assert "asocio-digital-government-award-2025.html: content differs" in err
    assert "asocio-digital-government-award-2025.pdf: missing" in err
    assert "error: en/stray.html: not listed in the manifest" in err


def test_no_manifest_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(tmp_path)]) == 1
    assert "no manifest.json" in capsys.readouterr().err


def test_hostile_manifest_paths_are_refused(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = out / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"path": "en/', '"path": "../../etc/'))
    assert main(["verify", str(out)]) == 1
    assert "not a plain relative path" in capsys.readouterr().err
