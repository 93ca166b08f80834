"""Translation memory and human review: export -> edit -> import -> publish, and every bad XLIFF refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from translate.storage import xliff

from ggmulti.cli import main

ROOT = Path(__file__).resolve().parents[1]

GLOSSARY = """kind: places
entries:
  - id: gyeonggi-province
    forms: {en: Gyeonggi Province, vi: tỉnh Gyeonggi}
"""
RELEASES = {
    "one.md": "---\nid: one\ntitle: Gyeonggi Province opens a centre\ndate: 2025-10-01\nlang: en\n---\n\n"
    "Gyeonggi Province opened a new support centre for foreign residents. It is open every day.\n\n"
    "The centre helps families with forms and childcare questions.\n",
    "two.md": "---\nid: two\ntitle: Free language classes\ndate: 2025-10-02\nlang: en\n---\n\n"
    "Free Korean classes start next month for residents of the province. Classes are held in the evening.\n",
}
# Reference translations written for this test (Vietnamese).
VI = {
    "one:title": "tỉnh Gyeonggi mở một trung tâm",
    "one:p0:s0": "tỉnh Gyeonggi đã mở một trung tâm hỗ trợ mới cho cư dân nước ngoài.",
    "one:p0:s1": "Trung tâm mở cửa hằng ngày.",
    "one:p1:s0": "Trung tâm giúp các gia đình về giấy tờ và chăm sóc trẻ em.",
    "two:title": "Lớp học ngôn ngữ miễn phí",
    "two:p0:s0": "Các lớp tiếng Hàn miễn phí sẽ bắt đầu vào tháng tới cho cư dân của tỉnh.",
    "two:p0:s1": "Các lớp học diễn ra vào buổi tối.",
}


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "glossary").mkdir()
    (tmp_path / "glossary" / "places.yaml").write_text(GLOSSARY, encoding="utf-8")
    (tmp_path / "releases").mkdir()
    for name, text in RELEASES.items():
        (tmp_path / "releases" / name).write_text(text, encoding="utf-8")
    (tmp_path / "ggmulti.toml").write_text(
        """[build]
languages = ["en", "vi"]
formats = ["html"]
min_translated = 0.3  # these releases are three sentences: one approved makes a partial edition
[paths]
corpus = ["releases"]
[translation]
models_dir = "models"
cache = "cache.sqlite"
""",
        encoding="utf-8",
    )
    return tmp_path


def run(project: Path, *args: str) -> int:
    return main(["--config", str(project / "ggmulti.toml"), *args])


def export(project: Path, name: str = "vi.xlf") -> Path:
    out = project / name
    assert run(project, "review", "export", "--lang", "vi", "-o", str(out)) == 0
    return out


def fill(path: Path, targets: dict[str, str], state: str = "translated") -> None:
    store: Any = xliff.xlifffile.parsestring(path.read_bytes())
    for unit in store.units:
        if unit.xmlelement.get("id") in targets:
            unit.target = targets[unit.xmlelement.get("id")]
            unit.xmlelement.find(unit.namespaced("target")).set("state", state)
    path.write_bytes(bytes(store))


def publish(project: Path) -> dict[str, Any]:
    assert run(project, "publish", str(project / "releases"), "--out", str(project / "out"), "-q") == 0
    return json.loads((project / "out" / "manifest.json").read_text())


def test_export_edit_import_publish_changes_exactly_the_edited_sentence(project: Path) -> None:
    path = export(project)
    store: Any = xliff.xlifffile.parsestring(path.read_bytes())
    assert sorted(u.xmlelement.get("id") for u in store.units) == sorted(VI)
    assert all(not u.target for u in store.units)
    notes = {u.xmlelement.get("id"): u.getnotes("developer") for u in store.units}
    assert "'Gyeonggi Province' -> 'tỉnh Gyeonggi' exactly" in notes["one:p0:s0"]

    fill(path, VI)
    assert run(project, "review", "import", str(path)) == 0
    manifest = publish(project)
    editions = {r["id"]: r["editions"]["vi"] for r in manifest["releases"]}
    for ed in editions.values():
        assert ed["status"] == "published"
        assert ed["segments"]["memory"] == ed["segments"]["total"] and ed["segments"]["untranslated"] == 0
        assert ed["terms"]["pinned"] == ed["terms"]["expected"]
    assert editions["one"]["terms"]["expected"] == 2
    page_before = (project / "out" / "vi" / "one.html").read_text()
    other_before = (project / "out" / "vi" / "two.html").read_bytes()
    assert VI["one:p0:s1"] in page_before

    # A reviewer changes one sentence.
    again = export(project, "again.xlf")
    store = xliff.xlifffile.parsestring(again.read_bytes())
    assert all(u.isapproved() for u in store.units)
    fill(again, {"one:p0:s1": "Trung tâm mở cửa tất cả các ngày trong tuần."})
    assert run(project, "review", "import", str(again)) == 0
    publish(project)
    page_after = (project / "out" / "vi" / "one.html").read_text()
    changed = [
        (a, b) for a, b in zip(page_before.splitlines(), page_after.splitlines(), strict=True) if a != b
    ]
    # The body changes in exactly that sentence; the head's summaries of the lead paragraph (description,
    # OpenGraph, JSON-LD, which escapes non-ASCII) follow it, and nothing else changes.
    new = "Trung tâm mở cửa tất cả các ngày trong tuần."
    head_end = next(i for i, line in enumerate(page_before.splitlines()) if "</head>" in line)
    lines = page_before.splitlines()
    body = [(a, b) for a, b in changed if lines.index(a) > head_end]
    head = [b for a, b in changed if lines.index(a) < head_end]
    assert len(body) == 1 and body[0][0].replace(VI["one:p0:s1"], new) == body[0][1]
    assert all("description" in b or "application/ld+json" in b for b in head), head
    assert (project / "out" / "vi" / "two.html").read_bytes() == other_before


def test_glossary_change_flags_memory_for_rereview(project: Path) -> None:
    path = export(project)
    fill(path, VI)
    assert run(project, "review", "import", str(path)) == 0
    (project / "glossary" / "places.yaml").write_text(
        GLOSSARY.replace("vi: tỉnh Gyeonggi", "vi: Tỉnh Gyeonggi")
    )
    manifest = publish(project)
    one = next(r for r in manifest["releases"] if r["id"] == "one")["editions"]["vi"]
    assert one["status"] == "published" and one["terms"]["pinned"] == one["terms"]["expected"]
    assert any("needs re-review" in n and "gyeonggi-province" in n for n in one["notes"])
    assert "Tỉnh Gyeonggi đã mở" in (project / "out" / "vi" / "one.html").read_text()
    two = next(r for r in manifest["releases"] if r["id"] == "two")["editions"]["vi"]
    assert two["notes"] == []  # no changed term there: nothing flagged


def memory_bytes(project: Path) -> bytes | None:
    path = project / "memory" / "en-vi.xlf"
    return path.read_bytes() if path.exists() else None


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s.replace('id="one:p0:s1"', 'id="one:p9:s9"'), "unknown segment"),
        (  # the id, resname and location all rewritten: nothing in the unit names a segment
            lambda s: s.replace('"one:p0:s1"', '"../../etc"').replace(">one:p0:s1<", ">../../etc<"),
            "not a ggmulti segment id",
        ),
        (lambda s: s.replace('target-language="vi"', 'target-language="lo"'), "target-language is 'lo'"),
        (lambda s: s.replace("tỉnh Gyeonggi đã mở", "Kyonggi đã mở"), "lacks the approved form"),
        (
            lambda s: s.replace("It is open every day.", "It is open on Sundays."),
            "differs from the release's current text (file -> release: 'on Sundays.' -> 'every day.')",
        ),
        (lambda s: s[: len(s) // 2], "malformed XML"),
        (
            lambda s: s.replace(
                '<?xml version="1.0" encoding="UTF-8"?>',
                '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
            ),
            "DOCTYPE",
        ),
        (
            lambda s: s.replace(
                '<?xml version="1.0" encoding="UTF-8"?>',
                '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
            ),
            "DOCTYPE",
        ),
    ],
)
def test_bad_xliff_is_refused_and_memory_untouched(
    project: Path, capsys: pytest.CaptureFixture[str], mutate: Any, message: str
) -> None:
    path = export(project)
    fill(path, VI)
    assert run(project, "review", "import", str(path), "--lang", "vi") == 0
    before = memory_bytes(project)
    assert before is not None
    bad = project / "bad.xlf"
    bad.write_text(mutate(path.read_text(encoding="utf-8")), encoding="utf-8")
    capsys.readouterr()
    assert run(project, "review", "import", str(bad), "--lang", "vi") == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and str(bad) in err
    assert memory_bytes(project) == before


def test_missing_and_unapproved_targets_are_skipped_with_warnings(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = export(project)
    fill(path, {k: v for k, v in VI.items() if k != "two:p0:s1"})
    fill(path, {"two:title": VI["two:title"]}, state="needs-review-translation")
    capsys.readouterr()
    assert run(project, "review", "import", str(path)) == 0
    captured = capsys.readouterr()
    # One line for the unit a translator left unfinished, none for the empty one: the summary counts both.
    assert "two:p0:s1" not in captured.err and "two:title: state 'needs-review-translation'" in captured.err
    assert captured.out.strip().endswith("vi memory: 5 added, 0 changed, 0 unchanged, 2 skipped")
    manifest = publish(project)
    two = next(r for r in manifest["releases"] if r["id"] == "two")["editions"]["vi"]
    assert two["status"] == "partial" and two["segments"]["untranslated"] == 2
    page = (project / "out" / "vi" / "two.html").read_text()
    assert (
        '<span id="two:p0:s1" lang="en" class="untranslated">Classes are held in the evening.</span>' in page
    )


def test_strict_refuses_partial_editions(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(project)
    fill(path, {k: v for k, v in VI.items() if k != "two:p0:s1"})
    assert run(project, "review", "import", str(path)) == 0
    args = ["publish", str(project / "releases"), "--out", str(project / "strict"), "--strict", "-q"]
    assert run(project, *args) == 1
    assert "two [vi]: untranslated segments" in capsys.readouterr().err
    assert not (project / "strict" / "manifest.json").exists()


def test_release_with_no_approved_sentence_is_skipped_not_published_in_english(project: Path) -> None:
    path = export(project)
    fill(path, {k: v for k, v in VI.items() if k.startswith("one")})
    assert run(project, "review", "import", str(path)) == 0
    manifest = publish(project)
    two = next(r for r in manifest["releases"] if r["id"] == "two")["editions"]["vi"]
    assert two["status"] == "skipped" and "no approved translations of this release" in two["reason"]
    assert not (project / "out" / "vi" / "two.html").exists()


def test_export_names_releases_marks_approved_and_offers_fuzzy_matches(project: Path) -> None:
    path = export(project)
    fill(path, {k: v for k, v in VI.items() if k != "two:p0:s1"})
    assert run(project, "review", "import", str(path)) == 0
    # A new release with a sentence close to an approved one.
    (project / "releases" / "three.md").write_text(
        RELEASES["two.md"].replace("id: two", "id: three").replace("in the evening", "in the morning"),
        encoding="utf-8",
    )
    again = export(project, "again.xlf")
    store: Any = xliff.xlifffile.parsestring(again.read_bytes())
    files = list(store.document.getroot().iterchildren(store.namespaced("file")))
    assert sorted(f.get("original") for f in files) == ["one", "three", "two"]  # a <file> per release
    assert all(f.get("source-language") == "en" and f.get("target-language") == "vi" for f in files)
    units = {u.xmlelement.get("id"): u for u in store.units}
    approved = units["one:p0:s0"]
    assert approved.xmlelement.get("approved") == "yes"
    assert approved.xmlelement.find(approved.namespaced("target")).get("state") == "signed-off"
    fresh = units["three:p0:s1"]  # "Classes are held in the morning." vs the approved "... evening."
    assert fresh.xmlelement.find(fresh.namespaced("target")) is None
    assert fresh.xmlelement.findall(fresh.namespaced("alt-trans")) == []  # its near twin was left empty
    near = units["three:p0:s0"]  # identical to two:p0:s0, which is approved: an exact memory hit
    assert near.xmlelement.find(near.namespaced("target")).text == VI["two:p0:s0"]
    title = units["three:title"]
    assert title.xmlelement.find(title.namespaced("target")).text == VI["two:title"]


def test_fuzzy_match_offered_for_a_near_sentence(project: Path) -> None:
    path = export(project)
    fill(path, VI)
    assert run(project, "review", "import", str(path)) == 0
    (project / "releases" / "three.md").write_text(
        RELEASES["two.md"].replace("id: two", "id: three").replace("in the evening", "in the mornings"),
        encoding="utf-8",
    )
    store: Any = xliff.xlifffile.parsestring(export(project, "again.xlf").read_bytes())
    unit = next(u for u in store.units if u.xmlelement.get("id") == "three:p0:s1")
    (alt,) = unit.xmlelement.findall(unit.namespaced("alt-trans"))
    quality = float(alt.get("match-quality").rstrip("%"))
    assert 70 <= quality < 100
    assert alt.find(unit.namespaced("target")).text == VI["two:p0:s1"]
    assert alt.find(unit.namespaced("source")).text == "Classes are held in the evening."
    assert unit.xmlelement.find(unit.namespaced("target")) is None  # a suggestion, never the translation


def test_changed_translation_is_counted_as_changed(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(project)
    fill(path, VI)
    assert run(project, "review", "import", str(path)) == 0
    again = export(project, "again.xlf")
    fill(again, {"one:p0:s1": "Trung tâm mở cửa tất cả các ngày trong tuần."})
    capsys.readouterr()
    assert run(project, "review", "import", str(again)) == 0
    assert capsys.readouterr().out.strip().endswith("vi memory: 0 added, 1 changed, 6 unchanged, 0 skipped")


def test_tmx_holds_the_approved_memory(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from translate.storage import tmx

    path = export(project)
    fill(path, VI)
    assert run(project, "review", "import", str(path)) == 0
    out = project / "vi.tmx"
    assert run(project, "review", "tmx", "--lang", "vi", "-o", str(out)) == 0
    store: Any = tmx.tmxfile.parsestring(out.read_bytes())
    pairs = {str(u.source): str(u.target) for u in store.units}
    assert pairs["It is open every day."] == VI["one:p0:s1"] and len(pairs) == len(VI)
    root = store.document.getroot()
    assert root.get("version") == "1.4"
    assert all(u.xmlelement.get("tuid") for u in store.units)
    props = [{p.get("type"): p.text for p in u.xmlelement.iterchildren("prop")} for u in store.units]
    assert all(p["x-origin"] == "review" and p["x-segment"] in VI for p in props)  # reviewed, not reference
    capsys.readouterr()
    assert run(project, "review", "tmx", "--lang", "th") == 2
    assert "'th' is not a configured language" in capsys.readouterr().err
