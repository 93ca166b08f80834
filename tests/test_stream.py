"""The streamed build (stream.py): editions written chunk by chunk give the same folder whatever the
chunk size, and a build stopped between chunks leaves a folder the next build completes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

import ggmulti.executor as executor
import ggmulti.publish as publish
from ggmulti.cli import main
from ggmulti.formats import Format
from ggmulti.formats.api import BuildContext, EditionJob, EditionKey, EditionResult
from projects import ROOT, memory_only_config

SAMPLES = ROOT / "examples" / "releases"


def _project(tmp: Path) -> Path:
    config = tmp / "ggmulti.toml"
    text = memory_only_config(["en", "vi"], ROOT / "glossary")
    config.write_text(text.replace('formats = ["html"]', 'formats = ["html", "epub"]'), encoding="utf-8")
    return config


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _publish(config: Path, out: Path) -> int:
    return main(["--config", str(config), "publish", str(SAMPLES), "--out", str(out), "-q"])


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The sample corpus built in one go (default chunks), in its own project."""
    tmp = tmp_path_factory.mktemp("whole")
    out = tmp / "out"
    assert _publish(_project(tmp), out) == 0
    return _files(out)


def test_chunk_size_does_not_change_a_byte(
    whole: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publish, "chunk_size", lambda _workers: 1)
    out = tmp_path / "out"
    assert _publish(_project(tmp_path), out) == 0
    assert _files(out) == whole


class Killed(BaseException):
    """Stands for the process being killed: no handler of the build's catches it."""


def test_a_build_stopped_between_chunks_leaves_a_folder_the_next_build_completes(
    whole: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = executor.make_editions
    calls: list[int] = []

    def dies_on_the_third_chunk(
        ctx: BuildContext,
        active: Sequence[Format],
        jobs: Sequence[EditionJob],
        seconds: dict[str, float] | None = None,
    ) -> dict[EditionKey, EditionResult]:
        calls.append(len(jobs))
        if len(calls) == 3:
            raise Killed
        return made(ctx, active, jobs, seconds)

    monkeypatch.setattr(publish, "chunk_size", lambda _workers: 3)
    monkeypatch.setattr(executor, "make_editions", dies_on_the_third_chunk)
    config, out = _project(tmp_path), tmp_path / "out"
    with pytest.raises(Killed):
        _publish(config, out)
    partial = _files(out)
    # The first two chunks' editions are on disk, whole; nothing lists them yet.
    assert "manifest.json" not in partial
    pages = [p for p in partial if p.endswith(".html")]
    assert len(pages) == 6
    assert all(partial[p] == whole[p] for p in partial if p in whole)
    assert not any(p.endswith(".tmp") for p in partial)

    monkeypatch.setattr(executor, "make_editions", made)
    assert _publish(config, out) == 0
    assert _files(out) == whole
