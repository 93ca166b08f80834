"""Glossary loading and `glossary check`: every problem named with file:line, the sample glossary clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from ggmulti.cli import main
from ggmulti.config import load_config
from ggmulti.errors import GlossaryError
from ggmulti.glossary.load import check_directory, load_glossary

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = {code: cfg.script for code, cfg in load_config(ROOT / "ggmulti.toml").languages.items()}


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def errors(folder: Path) -> list[str]:
    _, problems = check_directory(folder, SCRIPTS)
    return [str(p) for p in problems if p.error]


def notes(folder: Path) -> list[str]:
    _, problems = check_directory(folder, SCRIPTS)
    return [str(p) for p in problems if not p.error]


def test_sample_glossary_passes_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(ROOT / "ggmulti.toml"), "glossary", "check"]) == 0
    assert " 0 error(s)" in capsys.readouterr().err
    glossary = load_glossary(ROOT / "glossary", SCRIPTS)
    ids = {t.id for t in glossary.terms}
    assert "gyeonggi-province" in ids
    # The sample corpus is seeded for vi, zh, lo and hi.
    province = glossary.by_id()["gyeonggi-province"]
    assert {"vi", "zh", "lo", "hi"} <= set(province.forms)


def test_schema_errors_name_file_and_line_all_at_once(tmp_path: Path) -> None:
    write(
        tmp_path,
        "places.yaml",
        """kind: places
entries:
  - id: ok-entry
    forms: {en: Fine}
  - id: Bad_Id
    forms: {en: Something}
  - id: no-forms
    colour: blue
""",
    )
    found = errors(tmp_path)
    text = "\n".join(found)
    assert any(":5:" in e and "Bad_Id" in e for e in found), text
    assert any(":7:" in e and "forms" in e for e in found), text
    assert any(":7:" in e and "colour" in e for e in found), text


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    write(tmp_path, "people.yaml", "kind: people\nentries:\n  - id: a\n    forms: {en: [unclosed\n")
    found = errors(tmp_path)
    assert len(found) == 1 and "people.yaml:" in found[0] and "invalid YAML" in found[0]


def test_python_tags_are_refused_not_constructed(tmp_path: Path) -> None:
    write(
        tmp_path,
        "x.yaml",
        "kind: places\nentries:\n  - id: a\n    forms: {en: !!python/object/apply:os.system [echo pwned]}\n",
    )
    found = errors(tmp_path)
    assert found and "unsupported YAML tag" in found[0] and "x.yaml:4" in found[0]


def test_duplicate_keys_and_ids(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "kind: places\nentries:\n  - id: same\n    forms: {en: One}\n")
    write(tmp_path, "b.yaml", "kind: people\nentries:\n  - id: same\n    forms: {en: Two}\n")
    assert any("duplicate id 'same'" in e and "b.yaml:3" in e and "a.yaml:3" in e for e in errors(tmp_path))
    write(tmp_path, "c.yaml", "kind: places\nentries:\n  - id: c\n    forms: {en: A}\n    forms: {en: B}\n")
    assert any("c.yaml:5" in e and "duplicate key 'forms'" in e for e in errors(tmp_path))


def test_same_source_form_with_two_translations_is_an_error(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        """kind: programs
entries:
  - id: first
    forms: {en: Care Call, vi: Cuộc gọi chăm sóc}
  - id: second
    forms: {en: care  call, vi: Gọi điện chăm sóc}
""",
    )
    found = errors(tmp_path)
    assert any("'first'" in e and "'second'" in e and "vi" in e for e in found), found


def test_overlaps_are_reported_and_longest_wins(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        """kind: organizations
entries:
  - id: province
    forms: {en: Gyeonggi Province}
  - id: centre
    forms: {en: Gyeonggi Province Centre for the Fourth Industrial Revolution}
""",
    )
    assert errors(tmp_path) == []
    assert any("overlap" in n and "province" in n and "centre" in n for n in notes(tmp_path))


def test_wrong_script_forms(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        """kind: programs
entries:
  - id: latin-in-lao
    forms: {en: Care Call, lo: Care Call}
  - id: brand-kept
    forms: {en: K-Beauty Expo, lo: ງານວາງສະແດງ K-Beauty, hi: K-Beauty एक्सपो}
  - id: hindi-in-zh
    forms: {en: Something, zh: कुछ}
""",
    )
    found = errors(tmp_path)
    assert any("latin-in-lao" in e and "Laoo" in e for e in found), found
    assert any("hindi-in-zh" in e for e in found), found
    assert not any("brand-kept" in e for e in found), found


def test_padded_and_empty_forms(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        'kind: places\nentries:\n  - id: padded\n    forms: {en: " Suwon"}\n  - id: empty\n    forms: {en: ""}\n',
    )
    found = errors(tmp_path)
    assert any("padded" in e and "spaces" in e for e in found), found
    assert any(":6:" in e for e in found), found


def test_cli_exit_1_on_broken_glossary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "a.yaml", "kind: places\nentries:\n  - id: x\n")
    assert main(["--config", str(ROOT / "ggmulti.toml"), "glossary", "check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "a.yaml:3" in err and "Traceback" not in err


def test_load_glossary_raises_with_every_error(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "kind: places\nentries:\n  - id: A\n    forms: {en: x}\n  - id: b\n")
    with pytest.raises(GlossaryError) as info:
        load_glossary(tmp_path)
    assert str(info.value).count("a.yaml:") >= 2


@pytest.mark.parametrize(
    "text",
    [
        "kind: places\nentries: &a [*a]\n",
        "kind: places\na: &a [x, x]\nb: &b [*a, *a]\nentries: [*b, *b]\n",
        "kind: places\nentries:\n  - id: x\n    forms: &f {en: A}\n  - id: y\n    forms: *f\n",
    ],
)
def test_aliases_are_refused_not_expanded(tmp_path: Path, text: str) -> None:
    write(tmp_path, "a.yaml", text)
    found = errors(tmp_path)
    assert len(found) == 1 and "anchors and aliases are not allowed" in found[0], found


def test_check_lists_notes_only_when_verbose(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(
        tmp_path,
        "a.yaml",
        "kind: places\nentries:\n  - id: p\n    forms: {en: Gyeonggi Province}\n"
        "  - id: c\n    forms: {en: Gyeonggi Province Office}\n",
    )
    base = ["--config", str(ROOT / "ggmulti.toml"), "glossary", "check", str(tmp_path)]
    assert main(base) == 0
    quiet = capsys.readouterr()
    assert "overlap" not in quiet.out and "1 note(s)" in quiet.err and "--verbose" in quiet.err
    assert main([*base, "--verbose"]) == 0
    assert (
        "overlap (en): 'Gyeonggi Province' (p) is inside 'Gyeonggi Province Office' (c)"
        in capsys.readouterr().out
    )
