"""A no-op costs lookups (issue 18): a release whose key is unchanged is not ingested, translated or
planned again, an unchanged site is not rendered again; anything else goes the long way."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from ggmulti import ingest as ingest_module
from ggmulti.cache import WorkCache
from ggmulti.cli import main
from ggmulti.errors import OutputError
from ggmulti.incremental import release_key
from ggmulti.ingest import ingest
from ggmulti.manifest import Catalogue, EditionEntry, ReleaseEntry, dumps, loads
from ggmulti.model import EditionStatus, Release
from ggmulti.store import OutputStore
from ggmulti.translate.stage import TranslationStage
from projects import memory_only_config

ROOT = Path(__file__).resolve().parents[1]
NAMES = ("01-asocio-digital-government-award.md", "08-foreign-children-childcare-support.md")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "releases").mkdir()
    for name in NAMES:
        (tmp_path / "releases" / name).write_bytes((ROOT / "examples" / "releases" / name).read_bytes())
    config = memory_only_config(["vi", "en", "zh"], ROOT / "glossary")
    (tmp_path / "ggmulti.toml").write_text(config, encoding="utf-8")
    return tmp_path


@pytest.fixture()
def translated(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Ids of the releases each build sends through the translation stage."""
    seen: list[str] = []
    run = TranslationStage.run

    def spy(self: TranslationStage, releases: Sequence[Release], lang: str) -> Any:
        seen.extend(r.id for r in releases if lang == "en")
        return run(self, releases, lang)

    monkeypatch.setattr(TranslationStage, "run", spy)
    return seen


def _publish(project: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    args = ["--config", str(project / "ggmulti.toml"), "publish", str(project / "releases")]
    code = main([*args, "--out", str(project / "out"), "-q", *extra])
    report = project / "out" / "report.json"
    return code, json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}


def _states(out: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(out).as_posix(): (p.stat().st_mtime_ns, p.read_bytes()) for p in out.rglob("*.*")}


def _built(report: dict[str, Any]) -> dict[str, list[str]]:
    return {f"{e['release']}/{e['lang']}": e["built"] for e in report["editions"] if e["built"]}


def test_a_no_op_translates_nothing_renders_nothing_and_reports_every_edition(
    project: Path, translated: list[str]
) -> None:
    code, first = _publish(project)
    assert code == 0 and sorted(translated) == [
        "asocio-digital-government-award-2025",
        "foreign-children-childcare-support-increase-2025",
    ]
    before = _states(project / "out")
    translated.clear()
    code, again = _publish(project)
    assert code == 0 and translated == []
    assert _built(again) == {}
    # The report still lists every edition with its counts, as the first build did (nothing built).
    strip = [{k: v for k, v in e.items() if k != "built"} for e in first["editions"]]
    assert [{k: v for k, v in e.items() if k != "built"} for e in again["editions"]] == strip
    after = _states(project / "out")
    assert {p: s for p, s in after.items() if p != "report.json"} == {
        p: s for p, s in before.items() if p != "report.json"
    }


def test_the_summary_counts_editions_taken_as_they_stand_as_unchanged(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _publish(project)[0] == 0
    report = json.loads((project / "out" / "report.json").read_text(encoding="utf-8"))
    listed = sum(1 for e in report["editions"] if e["status"] != "skipped")
    capsys.readouterr()
    args = ["--config", str(project / "ggmulti.toml"), "publish", str(project / "releases")]
    assert main([*args, "--out", str(project / "out"), "--verbose"]) == 0
    captured = capsys.readouterr()
    assert f"0 edition(s) built, {listed} unchanged;" in captured.out
    assert f"0 edition(s) to build, {listed} unchanged" in captured.err
    assert "indexes, feeds and bundles unchanged" in captured.err


def test_an_edited_release_alone_goes_the_long_way(project: Path, translated: list[str]) -> None:
    assert _publish(project)[0] == 0
    translated.clear()
    source = project / "releases" / NAMES[1]
    source.write_text(
        source.read_text(encoding="utf-8") + "\nA sentence added for this test.\n", encoding="utf-8"
    )
    code, report = _publish(project)
    assert code == 0 and translated == ["foreign-children-childcare-support-increase-2025"]
    assert set(_built(report)) == {
        f"foreign-children-childcare-support-increase-2025/{lang}" for lang in ("vi", "en", "zh")
    }


def test_a_configuration_change_translates_all_but_rebuilds_only_what_it_changes(
    project: Path, translated: list[str]
) -> None:
    assert _publish(project)[0] == 0
    translated.clear()
    config = project / "ggmulti.toml"
    # A setting no edition's files depend on (the machine-translation beam; there is no model here).
    config.write_text(config.read_text(encoding="utf-8") + "beam_size = 3\n", encoding="utf-8")
    code, report = _publish(project)
    assert code == 0 and len(translated) == 2 and _built(report) == {}
    translated.clear()
    assert _publish(project)[0] == 0 and translated == []  # and the next no-op is short again


def test_a_deleted_page_sends_its_release_the_long_way_and_a_deleted_index_is_made_again(
    project: Path, translated: list[str]
) -> None:
    assert _publish(project)[0] == 0
    manifest = loads((project / "out" / "manifest.json").read_bytes(), "manifest.json")
    page = next(a.path for r, lang, e in manifest.editions() if lang == "vi" for a in e.artifacts)
    index = next(a.path for a in manifest.site if a.path.endswith("index.html"))
    (project / "out" / page).unlink()
    (project / "out" / index).unlink()
    translated.clear()
    code, report = _publish(project)
    assert code == 0 and len(translated) == 1
    assert list(_built(report).values()) == [["files missing or altered since the last build"]]
    assert (project / "out" / page).is_file() and (project / "out" / index).is_file()


def test_a_manifest_another_build_changed_meanwhile_is_what_counts(
    project: Path, translated: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between reading the manifest (before the lock) and taking the lock, another build rewrote it:
    this one decides again under the lock and translates what it can no longer take as it stands."""
    assert _publish(project)[0] == 0
    path = project / "out" / "manifest.json"
    catalogue = loads(path.read_bytes(), str(path))
    lock = OutputStore.lock

    @contextmanager
    def meanwhile(self: OutputStore) -> Iterator[None]:
        keep = [r for r in catalogue.releases if r.id != "asocio-digital-government-award-2025"]
        path.write_bytes(dumps(dataclasses.replace(catalogue, releases=tuple(keep))))
        with lock(self):
            yield

    monkeypatch.setattr(OutputStore, "lock", meanwhile)
    translated.clear()
    code, report = _publish(project)
    assert code == 0 and translated == ["asocio-digital-government-award-2025"]
    final = loads(path.read_bytes(), str(path))
    assert [r.id for r in final.releases] == [r.id for r in catalogue.releases]
    listed = {f"{r.id}/{lang}" for r, lang, e in catalogue.editions() if e.listed}
    assert set(_built(report)) == {k for k in listed if k.startswith("asocio-digital-government-award-2025/")}


def test_strict_refuses_a_partial_edition_it_would_take_as_it_stands(
    project: Path, translated: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    source = project / "releases" / NAMES[1]  # a sentence no approved translation covers: partial
    source.write_text(
        source.read_text(encoding="utf-8") + "\nA sentence added for this test.\n", encoding="utf-8"
    )
    code, report = _publish(project)
    partial = sorted(f"{e['release']} [{e['lang']}]" for e in report["editions"] if e["status"] == "partial")
    assert code == 0 and partial
    translated.clear()
    capsys.readouterr()
    code, _ = _publish(project, "--strict")
    assert code == 1 and translated == []
    err = capsys.readouterr().err
    assert all(f"{p}: untranslated segments; --strict refuses a partial edition" in err for p in partial)
    assert _publish(project)[0] == 0 and translated == []


def test_every_field_of_a_release_is_in_its_key() -> None:
    release = Release(
        id="r",
        title="T",
        date="2025-11-20",
        source_lang="en",
        paragraphs=("P.",),
        source_ref="r.md",
        source_url=None,
    )
    other = {str: "changed", tuple: ("Q.",), type(None): "https://example.org/"}
    for f in dataclasses.fields(Release):
        value = getattr(release, f.name)
        changed = dataclasses.replace(release, **{f.name: other[type(value)]})
        assert release_key("scope", changed) != release_key("scope", release), f.name
    assert release_key("other scope", release) != release_key("scope", release)


def test_an_unchanged_source_file_is_not_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "releases"
    folder.mkdir()
    for name in NAMES:
        (folder / name).write_bytes((ROOT / "examples" / "releases" / name).read_bytes())
    with WorkCache(tmp_path / "work.sqlite") as cache:
        first = ingest([folder], cache=cache)
        parse = ingest_module._parse
        parsed: list[str] = []

        def counting(path: Path, text: str, default_lang: str) -> Any:
            parsed.append(path.name)
            return parse(path, text, default_lang)

        monkeypatch.setattr(ingest_module, "_parse", counting)
        assert ingest([folder], cache=cache) == first and parsed == []
        (folder / NAMES[0]).write_text("---\ntitle: [a list]\n---\n\nText.\n", encoding="utf-8")
        for _ in range(2):  # a bad file is never cached: its error comes every time
            with pytest.raises(Exception, match="title must be text"):
                ingest([folder], cache=cache)
        assert parsed == [NAMES[0], NAMES[0]]


def test_manifest_bytes_are_indented_json_and_read_back_the_same() -> None:
    edition = EditionEntry(EditionStatus.PUBLISHED, title="Hỗ trợ cư dân", audio_seconds=12.345)
    entry = ReleaseEntry("r", "Support", "2025-11-20", "en", None, {"vi": edition})
    catalogue = Catalogue.of([entry])
    data = dumps(catalogue)
    expected = json.dumps(dataclasses.asdict(catalogue), ensure_ascii=False, indent=2) + "\n"
    assert data == expected.encode("utf-8")
    assert loads(data, "m.json") == catalogue
    broken = data.replace(b'"status": "published"', b'"status": "printed"')
    with pytest.raises(
        OutputError, match=r"m\.json: existing manifest has an unexpected shape at releases\.0"
    ):
        loads(broken, "m.json")
