"""`ggmulti doctor` reports what is really on the machine: models, memories, voices, fonts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ggmulti.cli import main

ROOT = Path(__file__).resolve().parents[1]


def doctor(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, dict[str, dict[str, object]]]:
    assert main(["--config", str(ROOT / "ggmulti.toml"), "doctor", "--json", *args]) == 0
    return {entry["code"]: entry for entry in json.loads(capsys.readouterr().out)["languages"]}


def test_installed_model_and_missing_ones(
    zh_en_models_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GGMULTI_MODELS_DIR", str(zh_en_models_dir))
    report = doctor(capsys, "--source-lang", "zh")
    assert report["en"]["translation"]["available"] is True
    assert "translate-zh_en" in str(report["en"]["translation"]["detail"])
    assert report["zh"]["translation"]["detail"] == "source language"
    assert report["km"]["translation"]["available"] is False


def test_voices_and_fonts(capsys: pytest.CaptureFixture[str]) -> None:
    report = doctor(capsys)
    assert report["lo"]["voice"]["available"] is False and "no espeak-ng voice" in str(
        report["lo"]["voice"]["detail"]
    )
    assert report["vi"]["voice"]["available"] is True
    for code in ("vi", "zh", "lo", "hi", "th", "km", "my", "ru"):
        assert report[code]["font"]["available"] is True, report[code]["font"]


def test_memory_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "memory").mkdir()
    (tmp_path / "memory" / "en-vi.xlf").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:1.1" version="1.1">'
        '<file original="x" source-language="en" datatype="plaintext" target-language="vi"><body>'
        '<trans-unit id="m1" approved="yes"><source>Hello.</source><target state="final">Xin chào.</target>'
        "</trans-unit></body></file></xliff>\n",
        encoding="utf-8",
    )
    (tmp_path / "ggmulti.toml").write_text('[build]\nlanguages = ["vi", "en"]\n', encoding="utf-8")
    assert main(["--config", str(tmp_path / "ggmulti.toml"), "doctor", "--json"]) == 0
    vi = json.loads(capsys.readouterr().out)["languages"][0]
    assert vi["translation"]["available"] is True and "1 approved sentences" in vi["translation"]["detail"]


def test_system_libraries_are_reported_with_the_package_that_provides_them(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ctypes.util

    real = ctypes.util.find_library
    assert main(["--config", str(ROOT / "ggmulti.toml"), "doctor", "--json"]) == 0
    system = {p["name"]: p["capability"] for p in json.loads(capsys.readouterr().out)["system"]}
    assert all(cap["available"] for cap in system.values()), system  # set-up installs every one of them
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None if name == "fribidi" else real(name))
    assert main(["--config", str(ROOT / "ggmulti.toml"), "doctor"]) == 0
    out = capsys.readouterr().out
    (line,) = [line for line in out.splitlines() if "FriBidi" in line]
    assert "MISSING" in line and "fribidi not found" in line
    assert "fix: apt-get install libfribidi0" in out
    system_rows = [
        row for row in out.splitlines() if row.split()[:1] in (["Pango"], ["HarfBuzz"], ["fontconfig"])
    ]
    assert len(system_rows) == 3 and not any("MISSING" in row for row in system_rows)
