"""Tests read only the repository's own files: the guard conftest installs refuses anything beside the clone."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, _outside_the_clone


def test_a_file_beside_the_clone_is_refused_with_its_path() -> None:
    hook = _outside_the_clone(ROOT)
    beside = ROOT.parent / "beside" / "seeds" / "dump.txt"
    with pytest.raises(PermissionError, match="outside the repository") as refused:
        hook("open", (str(beside), "r", 0))
    assert str(beside) in str(refused.value)
    with pytest.raises(PermissionError):
        hook("os.scandir", (str(ROOT.parent / "beside"),))


def test_the_repository_temporary_folders_and_caches_stay_readable(tmp_path: Path) -> None:
    hook = _outside_the_clone(ROOT)
    for path in (
        ROOT / "README.md",
        tmp_path / "x",
        Path.home() / ".cache" / "ggmulti" / "m",
        "/usr/share/fonts",
    ):
        hook("open", (str(path), "r", 0))
    hook("open", (3, "r", 0))  # a file descriptor, not a path
    hook("exec", (str(ROOT.parent / "beside"),))  # other events are not about reading files


def test_a_clone_made_inside_the_temporary_folder_is_still_guarded(tmp_path: Path) -> None:
    clone = tmp_path / "ci" / "ggmulti"
    hook = _outside_the_clone(clone)
    with pytest.raises(PermissionError):
        hook("open", (str(tmp_path / "ci" / "beside" / "notes.md"), "r", 0))
    hook("open", (str(clone / "tests" / "fixtures" / "text_dump.txt"), "r", 0))
