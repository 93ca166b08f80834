"""The work cache (issue 18): per-content results reused, a corrupt file set aside, output files trusted
by recorded size + mtime and re-hashed when either moved."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from ggmulti.cache import WorkCache, key_of, work_cache_path
from ggmulti.cli import main
from ggmulti.detect import SEED, LanguageChecker
from ggmulti.errors import ConfigError
from ggmulti.glossary.load import load_glossary
from ggmulti.incremental import intact
from ggmulti.manifest import ArtifactKind
from ggmulti.model import Release
from ggmulti.store import OutputStore
from projects import memory_only_config

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = "The province will expand its support for foreign residents living in Ansan this year."


def _release(*paragraphs: str) -> Release:
    return Release(
        id="r", title="T", date="2025-11-20", source_lang="en", paragraphs=paragraphs, source_ref="r.md"
    )


def test_values_survive_reopening_and_a_corrupt_file_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "work.sqlite"
    with WorkCache(path) as cache:
        cache.put("k", "a", '{"x": [1, "é"]}')
    with WorkCache(path) as cache:
        assert cache.get_many("k", ["a", "b"]) == {"a": '{"x": [1, "é"]}'}
        assert (cache.hits, cache.misses) == (1, 1)
    damaged = b"SQLite format 3\x00" + b"this is not a database" * 100  # ours, damaged: set aside
    path.write_bytes(damaged)
    with WorkCache(path) as cache:
        assert cache.get("k", "a") is None
        cache.put("k", "a", "2")
        assert cache.get("k", "a") == "2"
    assert (tmp_path / "work.sqlite.corrupt").read_bytes() == damaged


def test_a_file_that_is_not_a_cache_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"someone's notes, not a database\n")
    with pytest.raises(ConfigError, match="is not a ggmulti cache"):
        WorkCache(path)
    assert path.read_bytes() == b"someone's notes, not a database\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_language_verdicts_come_from_the_cache_by_paragraph_text(tmp_path: Path) -> None:
    with WorkCache(tmp_path / "w.sqlite") as cache:
        fresh = LanguageChecker({"en": "en", "vi": "vi"}, cache).check_all([_release(ENGLISH)])
        assert fresh[0].detected == "en" and cache.misses == 1
        again = LanguageChecker({"en": "en", "vi": "vi"}, cache).check_all([_release(ENGLISH)])
        assert again == fresh and cache.hits == 1
        # The cache is what answers: a verdict planted for this text is the one reported.
        cache.put("langdetect", key_of("langdetect", SEED, cache.code, ENGLISH), '["vi", 0.99]')
        planted = LanguageChecker({"en": "en", "vi": "vi"}, cache).check_all([_release(ENGLISH)])
        assert (
            planted[0].detected == "vi"
            and "declared 'en' but the text is 'vi'" in planted[0].findings[0].message
        )


def test_a_cached_glossary_follows_its_files(tmp_path: Path) -> None:
    folder = tmp_path / "glossary"
    folder.mkdir()
    places = folder / "places.yaml"
    places.write_text(
        "kind: places\nentries:\n  - id: ansan\n    forms: {en: Ansan, vi: Ansan}\n", encoding="utf-8"
    )
    with WorkCache(tmp_path / "w.sqlite") as cache:
        first = load_glossary(folder, cache=cache)
        assert load_glossary(folder, cache=cache) == first and cache.hits == 1
        places.write_text(
            places.read_text(encoding="utf-8").replace("vi: Ansan", "vi: An San"), encoding="utf-8"
        )
        assert load_glossary(folder, cache=cache).terms[0].forms["vi"] == "An San"


def test_intact_trusts_a_recorded_state_and_rehashes_a_moved_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = OutputStore(tmp_path / "out")
    store.prepare()
    artifact = store.write("en/a.html", b"<p>one</p>", ArtifactKind.HTML)
    later = OutputStore(tmp_path / "out")
    later.known = dict(store.states)

    def unreadable(_path: str) -> bytes | None:
        raise AssertionError("a file whose size and mtime are as recorded is not read")

    monkeypatch.setattr(later, "read", unreadable)
    assert intact(later, [artifact]) and later.states["en/a.html"] == store.states["en/a.html"]
    monkeypatch.undo()
    target = tmp_path / "out" / "en" / "a.html"
    target.write_bytes(b"<p>two</p>")  # same size, new mtime: hashed, and found altered
    os.utime(target, ns=(target.stat().st_atime_ns, store.states["en/a.html"].mtime_ns + 1))
    assert not intact(later, [artifact])


def _project(tmp_path: Path) -> Path:
    glossary = tmp_path / "glossary"
    for path in (ROOT / "glossary").glob("*.yaml"):
        (glossary / path.name).parent.mkdir(exist_ok=True)
        (glossary / path.name).write_bytes(path.read_bytes())
    (tmp_path / "ggmulti.toml").write_text(memory_only_config(["vi", "en"], "glossary"), encoding="utf-8")
    return tmp_path


def _build(project: Path, *names: str) -> dict[str, Any]:
    sources = [str(ROOT / "examples" / "releases" / n) for n in names]
    args = [
        "--config",
        str(project / "ggmulti.toml"),
        "publish",
        *sources,
        "--out",
        str(project / "out"),
        "-q",
    ]
    assert main(args) == 0
    report: dict[str, Any] = json.loads((project / "out" / "report.json").read_text(encoding="utf-8"))
    return report


def _built(report: dict[str, Any]) -> dict[str, list[str]]:
    return {f"{e['release']}/{e['lang']}": e["built"] for e in report["editions"] if e["built"]}


def test_publish_reuses_the_work_cache_and_an_unused_form_change_rebuilds_nothing(tmp_path: Path) -> None:
    project = _project(tmp_path)
    names = ("03-k-beauty-expo-vietnam.md", "09-wongok-dong-cleanup-campaign.md")
    ids = ("k-beauty-expo-vietnam-2025", "wongok-dong-cleanup-campaign-2025")
    assert set(_built(_build(project, *names))) == {f"{r}/{lang}" for r in ids for lang in ("vi", "en")}
    with WorkCache(work_cache_path(project / "cache" / "translations.sqlite")) as cache:
        states = cache.file_states(project / "out")
    assert "manifest.json" in states and any(p.endswith(".html") for p in states)
    assert _built(_build(project, *names)) == {}
    # A vi form no release names: no edition's text changes, so none is rebuilt.
    orgs = project / "glossary" / "organizations.yaml"
    text = orgs.read_text(encoding="utf-8")
    assert "Diễn đàn Kinh tế Thế giới" in text
    orgs.write_text(
        text.replace("Diễn đàn Kinh tế Thế giới", "Diễn đàn Kinh tế Toàn cầu", 1), encoding="utf-8"
    )
    assert _built(_build(project, *names)) == {}
