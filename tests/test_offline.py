"""No network access during a build or a check, and oversized input is refused before it is read."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from ggmulti.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any, *args: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(address)
            raise OSError("network access attempted during a build")
        return original(self, address, *args)

    original = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def test_publish_and_check_never_touch_the_network(
    tmp_path: Path, no_network: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    config = ["--config", str(ROOT / "ggmulti.toml")]
    sources = str(ROOT / "examples" / "releases")
    assert main([*config, "check", sources]) == 0
    out = tmp_path / "out"
    assert main([*config, "publish", sources, "--out", str(out), "--lang", "en", "--lang", "vi", "-q"]) == 0
    assert main([*config, "glossary", "check"]) == 0
    assert no_network == []
    assert (out / "vi" / "index.html").exists()


def test_a_50_mb_release_is_refused_without_reading_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "huge.md"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: costs no disk, and no memory unless read
    assert main(["check", str(big)]) == 1
    err = capsys.readouterr().err
    assert "huge.md" in err and "limit" in err and "Traceback" not in err


def test_an_oversized_release_inside_a_normal_sized_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "long.md"
    paragraph = "The province opened a new centre for residents today. " * 40
    src.write_text("---\nid: long\nlang: en\n---\n\n" + "\n\n".join([paragraph] * 120), encoding="utf-8")
    assert src.stat().st_size < 1024 * 1024
    assert main(["check", str(src)]) == 1
    err = capsys.readouterr().err
    assert "long.md" in err and "character limit for one release" in err
