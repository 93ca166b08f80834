"""Review files through the tools translators use: translate-toolkit's real xliff2po/po2xliff, and PO directly.

The converters renumber unit ids and keep only what maps to PO (``#:`` locations, ``#.`` comments,
fuzzy flags, ``#|`` previous msgids); the export puts the segment id and notes there so the file
that comes back is importable.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from translate.storage import po, xliff

from ggmulti.cli import main
from ggmulti.translate.memory import MemoryEntry, TranslationMemory

GLOSSARY = """kind: places
entries:
  - id: gyeonggi-province
    forms: {en: Gyeonggi Province, vi: tỉnh Gyeonggi}
"""
RELEASE = (
    "---\nid: helpline\ntitle: Gyeonggi Province opens a helpline for foreign residents 24 hours a day\n"
    "date: 2025-11-03\nlang: en\n---\n\n"
    "The province will spend KRW 1.2 billion on the helpline. Counsellors answer calls in Vietnamese.\n"
)
# Translations written for this test (Vietnamese).
VI = {
    "helpline:title": "tỉnh Gyeonggi mở đường dây nóng cho cư dân nước ngoài 24 giờ mỗi ngày",
    "helpline:p0:s0": "Tỉnh sẽ chi 1,2 tỷ won cho đường dây nóng.",
    "helpline:p0:s1": "Các tư vấn viên trả lời cuộc gọi bằng tiếng Việt.",
}
# An approved sentence close to helpline:p0:s1, so the export offers it as a memory match.
NEAR = MemoryEntry(
    source="Counsellors answer calls in Chinese.",
    target="Các tư vấn viên trả lời cuộc gọi bằng tiếng Trung.",
    key="older:p0:s0",
    origin="review",
)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "glossary").mkdir()
    (tmp_path / "glossary" / "places.yaml").write_text(GLOSSARY, encoding="utf-8")
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "helpline.md").write_text(RELEASE, encoding="utf-8")
    (tmp_path / "memory").mkdir()
    TranslationMemory("en", "vi", [NEAR]).save(tmp_path / "memory" / "en-vi.xlf")
    (tmp_path / "ggmulti.toml").write_text(
        '[build]\nlanguages = ["en", "vi"]\nformats = ["html"]\n[paths]\ncorpus = ["releases"]\n'
        '[translation]\nmodels_dir = "models"\ncache = "cache.sqlite"\n',
        encoding="utf-8",
    )
    return tmp_path


def convert(tool: str, args: list[str]) -> None:
    """translate-toolkit's own console script (its entry point, in a process of its own as a user runs it)."""
    code = f"import sys; from translate.convert.{tool} import main; sys.argv[0] = {tool!r}; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "--progress=none", *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def run(project: Path, *args: str) -> int:
    return main(["--config", str(project / "ggmulti.toml"), *args])


def memory(project: Path) -> dict[str, MemoryEntry]:
    mem = TranslationMemory.load(project / "memory" / "en-vi.xlf", "en", "vi")
    return {e.key: e for e in mem.entries()}


def translate_po(path: Path, targets: dict[str, str], out: Path) -> None:
    """What a translator does in Poedit or Weblate: fill msgstr, clear the fuzzy flag."""
    store: Any = po.pofile(io.BytesIO(path.read_bytes()))
    for unit in store.units:
        if unit.isheader():
            continue
        (key,) = unit.getlocations()
        if key in targets:
            unit.target = targets[key]
            unit.markfuzzy(False)
    out.write_bytes(bytes(store))


def test_xliff2po_edit_po2xliff_template_comes_back_importable(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = project / "out" / "review" / "vi.xlf"  # -o creates the folders
    assert run(project, "review", "export", "--lang", "vi", "-o", str(original)) == 0
    convert("xliff2po", [str(original), str(project / "vi.po")])
    text = (project / "vi.po").read_text(encoding="utf-8")
    # The segment id, the glossary note and the memory match all reached the PO file.
    assert "#: helpline:p0:s1\n" in text
    assert "#. term: 'Gyeonggi Province' -> 'tỉnh Gyeonggi' exactly (gyeonggi-province)" in text
    assert re.search(r"#\. memory \d+%: 'Counsellors answer calls in Chinese\.' -> ", text)

    translate_po(project / "vi.po", VI, project / "vi-done.po")
    back = project / "back.xlf"
    convert("po2xliff", ["-t", str(original), str(project / "vi-done.po"), str(back)])
    store: Any = xliff.xlifffile.parsestring(back.read_bytes())
    ids = [u.xmlelement.get("id") for u in store.units if u.getrestype() != "x-gettext-domain-header"]
    assert any(i.isdigit() for i in ids)  # the converter renumbered its units, as it does

    capsys.readouterr()
    assert run(project, "review", "import", str(back)) == 0
    assert capsys.readouterr().out.strip().endswith("vi memory: 3 added, 0 changed, 0 unchanged, 0 skipped")
    entries = memory(project)
    assert {k: entries[k].target for k in VI} == VI
    assert entries["helpline:title"].terms == {"gyeonggi-province": "tỉnh Gyeonggi"}


def test_po2xliff_without_template_needs_only_the_target_language(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = project / "vi.xlf"
    assert run(project, "review", "export", "--lang", "vi", "-o", str(original)) == 0
    convert("xliff2po", [str(original), str(project / "vi.po")])
    translate_po(project / "vi.po", VI, project / "vi-done.po")
    back = project / "back.xlf"
    convert("po2xliff", [str(project / "vi-done.po"), str(back)])
    assert 'source-language="en-US"' in back.read_text(encoding="utf-8")  # a variant of configured "en"
    capsys.readouterr()
    assert run(project, "review", "import", str(back)) == 1
    err = capsys.readouterr().err
    assert "has no target-language" in err and "pass --lang" in err and len(err.strip().splitlines()) == 1
    assert run(project, "review", "import", str(back), "--lang", "vi") == 0
    assert {k: memory(project)[k].target for k in VI} == VI


def test_ids_lost_in_a_conversion_give_one_line_with_the_way_back(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = project / "vi.xlf"
    assert run(project, "review", "export", "--lang", "vi", "-o", str(original)) == 0
    convert("xliff2po", [str(original), str(project / "vi.po")])
    translate_po(project / "vi.po", VI, project / "vi-done.po")
    stripped = project / "stripped.po"  # a tool that drops "#:" lines
    stripped.write_text(
        "".join(
            line
            for line in (project / "vi-done.po").read_text(encoding="utf-8").splitlines(keepends=True)
            if not line.startswith("#:")
        ),
        encoding="utf-8",
    )
    back = project / "back.xlf"
    convert("po2xliff", ["-t", str(original), str(stripped), str(back)])
    before = (project / "memory" / "en-vi.xlf").read_bytes()
    capsys.readouterr()
    assert run(project, "review", "import", str(back)) == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "3 unit(s) (ids " in line and "renumbered by a conversion" in line
    assert "po2xliff -t ORIGINAL.xlf" in line and "--format po" in line
    assert (project / "memory" / "en-vi.xlf").read_bytes() == before


def test_po_export_and_import_directly(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "vi.po"
    assert run(project, "review", "export", "--lang", "vi", "-o", str(path)) == 0  # format from the suffix
    store: Any = po.pofile(io.BytesIO(path.read_bytes()))
    assert store.parseheader()["Language"] == "vi"
    units = {u.getcontext(): u for u in store.units if not u.isheader()}
    assert sorted(units) == sorted(VI)
    near = units["helpline:p0:s1"]  # the memory match, as msgmerge leaves one: fuzzy, with "#| msgid"
    assert near.isfuzzy() and str(near.target) == NEAR.target and near.prev_source == NEAR.source
    assert '#| msgid "Counsellors answer calls in Chinese."' in path.read_text(encoding="utf-8")

    # Untouched, the fuzzy match is not a translation: nothing is imported.
    capsys.readouterr()
    assert run(project, "review", "import", str(path)) == 0
    assert capsys.readouterr().out.strip().endswith("0 added, 0 changed, 0 unchanged, 3 skipped")
    translate_po(path, VI, path)
    assert run(project, "review", "import", str(path)) == 0
    assert {k: memory(project)[k].target for k in VI} == VI


def test_po_with_a_stale_source_or_unknown_language_is_refused_in_one_line_each(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / "vi.po"
    assert run(project, "review", "export", "--lang", "vi", "--format", "po", "-o", str(path)) == 0
    translate_po(path, VI, path)
    text = path.read_text(encoding="utf-8")
    before = (project / "memory" / "en-vi.xlf").read_bytes()
    for mutated, message in [
        ("\x00\x9c\ufffd" * 400 + "\n", "not a PO file"),
        ('msgid "open\nmsgstr ""\n', "not a PO file"),
        (text.replace("Language: vi", "Language: lo"), "Language 'lo' is not a configured language"),
        (
            text.replace('msgid "Counsellors answer calls in Vietnamese."', 'msgid "Counsellors answer."'),
            "export again",
        ),
    ]:
        path.write_text(mutated, encoding="utf-8")
        capsys.readouterr()
        assert run(project, "review", "import", str(path)) == 1
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
        assert len(err) < 400
    assert (project / "memory" / "en-vi.xlf").read_bytes() == before


# A correct translation the number check cannot see as one: "24 hours a day" said as "day and night".
DAY_AND_NIGHT = "tỉnh Gyeonggi mở đường dây nóng cho cư dân nước ngoài suốt ngày đêm"


def test_a_reviewer_accepts_a_flagged_unit_in_xliff_and_it_is_recorded(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / "vi.xlf"
    assert run(project, "review", "export", "--lang", "vi", "-o", str(path)) == 0
    store: Any = xliff.xlifffile.parsestring(path.read_bytes())
    for unit in store.units:
        key = unit.xmlelement.get("id")
        unit.target = DAY_AND_NIGHT if key == "helpline:title" else VI[key]
        unit.markapproved(True)
        unit.xmlelement.find(unit.namespaced("target")).set("state", "translated")
    path.write_bytes(bytes(store))
    capsys.readouterr()
    assert run(project, "review", "import", str(path)) == 1
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "helpline:title: number-mismatch: source has 24 (24 hours)" in line
    assert '<note from="reviewer">qa-accept: number-mismatch</note>' in line
    assert "review import --accept helpline:title" in line

    title = next(u for u in store.units if u.xmlelement.get("id") == "helpline:title")
    title.addnote("qa-accept: number-mismatch", origin="reviewer")
    path.write_bytes(bytes(store))
    assert run(project, "review", "import", str(path)) == 0
    assert "1 accepted despite QA" in capsys.readouterr().out
    entry = memory(project)["helpline:title"]
    assert entry.target == DAY_AND_NIGHT
    assert entry.accepted == ("number-mismatch: source has 24 (24 hours), target has no such value",)
    assert "qa-accepted: number-mismatch" in (project / "memory" / "en-vi.xlf").read_text(encoding="utf-8")


def test_accepting_one_check_does_not_accept_another(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / "vi.po"
    assert run(project, "review", "export", "--lang", "vi", "-o", str(path)) == 0
    translate_po(path, {**VI, "helpline:title": DAY_AND_NIGHT}, path)
    text = path.read_text(encoding="utf-8")
    marked = text.replace("#: helpline:title\n", "# qa-accept: time-mismatch\n#: helpline:title\n")
    path.write_text(marked, encoding="utf-8")
    capsys.readouterr()
    assert run(project, "review", "import", str(path)) == 1
    err = capsys.readouterr().err
    assert "number-mismatch" in err and "a `# qa-accept: number-mismatch` comment" in err
    # The flag accepts every check on the entry; --accept does the same from the command line.
    path.write_text(
        text.replace("#: helpline:title\n", "#, qa-accept\n#: helpline:title\n"), encoding="utf-8"
    )
    assert run(project, "review", "import", str(path)) == 0
    assert memory(project)["helpline:title"].accepted[0].startswith("number-mismatch")


def test_accept_on_the_command_line_and_review_diff_in_reading_order(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=project,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "base")
    path = project / "vi.po"
    assert run(project, "review", "export", "--lang", "vi", "-o", str(path)) == 0
    translate_po(path, {**VI, "helpline:title": DAY_AND_NIGHT}, path)
    capsys.readouterr()
    assert run(project, "review", "import", str(path), "--accept", "helpline:p9:s9") == 1
    assert "--accept helpline:p9:s9: no such segment" in capsys.readouterr().err
    assert run(project, "review", "import", str(path), "--accept", "helpline:title") == 0
    capsys.readouterr()
    assert run(project, "review", "diff", "--base", "HEAD", "--format", "markdown") == 0
    md = capsys.readouterr().out
    rows = [line for line in md.splitlines() if line.startswith("| helpline |")]
    assert [r.split(" | ")[1] for r in rows] == ["title", "p0:s0", "p0:s1"]
    assert "| release | segment | change | source | before | after | QA accepted |" in md
    assert "number-mismatch: source has 24 (24 hours)" in rows[0]
    assert run(project, "review", "diff", "--base", "HEAD") == 0
    text = capsys.readouterr().out.splitlines()
    assert text[0].startswith("en-vi helpline:title added") and "[qa-accepted: number-mismatch" in text[0]
