"""The only writer: paths stay inside the output folder, writes are atomic, one path once per build;
and the manifest helpers are deterministic."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from pathlib import Path

import pytest

from ggmulti import manifest as mf
from ggmulti.errors import OutputError
from ggmulti.manifest import Artifact, ArtifactKind
from ggmulti.store import OutputStore


@pytest.fixture
def store(tmp_path: Path) -> OutputStore:
    s = OutputStore(tmp_path / "out")
    s.prepare()
    return s


def test_write_returns_a_matching_artifact(store: OutputStore) -> None:
    artifact = store.write("en/a.html", b"<p>hi</p>", ArtifactKind.HTML)
    assert artifact == Artifact(
        kind=ArtifactKind.HTML, path="en/a.html", sha256=hashlib.sha256(b"<p>hi</p>").hexdigest(), bytes=9
    )
    path = store.root / "en" / "a.html"
    assert path.read_bytes() == b"<p>hi</p>"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert store.read("en/a.html") == b"<p>hi</p>"
    assert store.read("en/missing.html") is None


def test_write_leaves_no_temporary_files(store: OutputStore) -> None:
    store.write("a.txt", b"one", ArtifactKind.HTML)
    store.write("b/c.txt", b"two", ArtifactKind.HTML)
    names = sorted(p.relative_to(store.root).as_posix() for p in store.root.rglob("*"))
    assert names == ["a.txt", "b", "b/c.txt"]


def test_write_replaces_an_existing_file(store: OutputStore) -> None:
    (store.root / "a.txt").write_bytes(b"old")
    store.write("a.txt", b"new", ArtifactKind.HTML)
    assert (store.root / "a.txt").read_bytes() == b"new"


def test_one_path_is_written_once_per_build(store: OutputStore) -> None:
    store.write("en/a.html", b"1", ArtifactKind.HTML)
    with pytest.raises(OutputError, match="written twice"):
        store.write("en/a.html", b"2", ArtifactKind.HTML)
    assert (store.root / "en" / "a.html").read_bytes() == b"1"


@pytest.mark.parametrize(
    "relpath",
    [
        "../x",
        "../../etc/passwd",
        "/etc/passwd",
        "en/../../x",
        "en/..",
        ".",
        "",
        ".hidden",
        "en/.x",
        "a\\..\\b",
        "en/a b.html",
        "en/a\x00.html",
        "~/x",
    ],
)
def test_paths_that_could_escape_are_refused(store: OutputStore, relpath: str, tmp_path: Path) -> None:
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(OutputError, match="refused"):
        store.write(relpath, b"x", ArtifactKind.HTML)
    assert sorted(tmp_path.rglob("*")) == before


def test_symlinked_folder_pointing_outside_is_refused(store: OutputStore, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (store.root / "en").symlink_to(outside, target_is_directory=True)
    with pytest.raises(OutputError, match="outside the output folder"):
        store.write("en/a.html", b"x", ArtifactKind.HTML)
    with pytest.raises(OutputError, match="outside the output folder"):
        store.write("en/sub/a.html", b"x", ArtifactKind.HTML)
    assert list(outside.iterdir()) == []


def test_symlinked_file_is_refused_for_reading_and_writing(store: OutputStore, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"secret")
    (store.root / "manifest.json").symlink_to(victim)
    with pytest.raises(OutputError, match="symbolic link"):
        store.read("manifest.json")
    with pytest.raises(OutputError, match="symbolic link"):
        store.write("manifest.json", b"x", "manifest")
    assert victim.read_bytes() == b"secret"


def test_dangling_symlink_is_refused(store: OutputStore, tmp_path: Path) -> None:
    (store.root / "index.html").symlink_to(tmp_path / "not-there.html")
    with pytest.raises(OutputError):
        store.write("index.html", b"x", ArtifactKind.HTML)
    assert not (tmp_path / "not-there.html").exists()


def test_output_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        OutputStore(tmp_path / "out").prepare()


# ---------------------------------------------------------------- manifest helpers


def _entry(rid: str, date: str | None, title: str | None = None) -> mf.ReleaseEntry:
    return mf.ReleaseEntry(rid, title or rid, date, "en", None, {})


def test_manifest_orders_newest_first_undated_last_ties_by_id() -> None:
    entries = [
        _entry("b", "2025-10-01"),
        _entry("z", None),
        _entry("a", "2025-10-01"),
        _entry("c", "2025-11-30"),
        _entry("y", None),
        _entry("d", "2024-12-31"),
    ]
    ordered = [e.id for e in mf.Catalogue.of(entries).releases]
    assert ordered == ["c", "a", "b", "d", "y", "z"]
    assert ordered == [e.id for e in mf.Catalogue.of(reversed(entries)).releases]


def test_manifest_bytes_are_deterministic_and_have_no_timestamps() -> None:
    site = [
        Artifact(ArtifactKind.CSS, "assets/style.css", "0" * 64, 1),
        Artifact(ArtifactKind.HTML, "index.html", "1" * 64, 2),
    ]
    one = mf.dumps(mf.Catalogue.of([_entry("a", "2025-01-01")], site))
    two = mf.dumps(mf.Catalogue.of([_entry("a", "2025-01-01")], list(reversed(site))))
    assert one == two
    data = json.loads(one)
    assert [a["path"] for a in data["site"]] == ["assets/style.css", "index.html"]
    assert set(data) == {"schema_version", "generator", "releases", "site", "bundles", "withdrawn"}
    assert data["schema_version"] == mf.SCHEMA_VERSION
    assert one.endswith(b"\n")
    assert not re.search(rb"20\d\d-\d\d-\d\dT\d\d:", one)


def test_manifest_keeps_non_ascii_text_readable() -> None:
    data = mf.dumps(mf.Catalogue.of([_entry("a", None, "京畿道 Tiếng Việt")]))
    assert "京畿道 Tiếng Việt".encode() in data


@pytest.mark.parametrize(
    "data",
    [
        b"{not json",
        b"\xff\xfe",
        b"[]",
        b'{"releases": {}}',
        b'{"releases": [{"id": 1, "editions": {}}]}',
        b'{"releases": [{"id": "a"}]}',
        b'{"releases": ["a"]}',
    ],
)
def test_a_broken_previous_manifest_is_refused(data: bytes) -> None:
    with pytest.raises(OutputError, match=r"out/manifest\.json"):
        mf.loads(data, "out/manifest.json")


def test_a_valid_previous_manifest_round_trips() -> None:
    catalogue = mf.Catalogue.of([_entry("a", "2025-01-01")])
    assert mf.loads(mf.dumps(catalogue), "m") == catalogue


def test_a_schema_version_1_manifest_is_read() -> None:
    old = json.loads(mf.dumps(mf.Catalogue.of([_entry("a", "2025-01-01")])))
    del old["schema_version"]
    old = {"format": 1, **old}
    assert mf.loads(json.dumps(old).encode(), "m").releases[0].id == "a"


def test_a_manifest_of_an_unknown_schema_version_is_refused() -> None:
    with pytest.raises(OutputError, match="schema version"):
        mf.loads(b'{"schema_version": 99, "releases": []}', "out/manifest.json")


def test_atomic_write_keeps_the_old_file_when_writing_fails(
    store: OutputStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    (store.root / "a.txt").write_bytes(b"old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match=r"a\.txt: cannot write: No space left on device$"):
        store.write("a.txt", b"new", ArtifactKind.HTML)
    monkeypatch.undo()
    assert (store.root / "a.txt").read_bytes() == b"old"
    assert sorted(p.name for p in store.root.iterdir()) == ["a.txt"]
