"""Review import runs the QA checks and validates every language code before it becomes a path (issues 16, 17).

On a copy of the project's own configuration, glossary, memory and sample releases.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from translate.storage import xliff

from ggmulti.cli import main

ROOT = Path(__file__).resolve().parents[1]
CHILDCARE = "examples/releases/08-foreign-children-childcare-support.md"
UNIT = "foreign-children-childcare-support-increase-2025:p0:s1"  # "... from KRW 100,000 to KRW 150,000 ..."


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("glossary", "memory"):
        shutil.copytree(ROOT / name, tmp_path / name)
    (tmp_path / "examples" / "releases").mkdir(parents=True)
    shutil.copy(ROOT / CHILDCARE, tmp_path / CHILDCARE)
    shutil.copy(ROOT / "ggmulti.toml", tmp_path / "ggmulti.toml")
    models = tmp_path / "no-models"
    models.mkdir()
    monkeypatch.setenv("GGMULTI_MODELS_DIR", str(models))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(models))
    return tmp_path


def run(project: Path, *args: str) -> int:
    return main(["--config", str(project / "ggmulti.toml"), *args])


def exported(project: Path) -> Path:
    out = project / "review-vi.xlf"
    assert run(project, "review", "export", "--lang", "vi", "-o", str(out)) == 0
    return out


def set_target(path: Path, uid: str, text: str) -> None:
    store: Any = xliff.xlifffile.parsestring(path.read_bytes())
    unit = next(u for u in store.units if u.xmlelement.get("id") == uid)
    unit.target = text
    unit.xmlelement.find(unit.namespaced("target")).set("state", "translated")
    path.write_bytes(bytes(store))


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_changed_amount_is_refused_naming_both_values_and_memory_is_untouched(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = exported(project)
    before = tree(project / "memory")
    set_target(path, UNIT, "Mức hỗ trợ sẽ tăng từ 100.000 won lên 15.000 won cho mỗi trẻ mỗi tháng.")
    capsys.readouterr()
    assert run(project, "review", "import", str(path)) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    line = next(line for line in err.splitlines() if UNIT in line)
    assert "number-mismatch" in line and "150000 (KRW 150,000)" in line and "15000 (15.000 won)" in line
    assert tree(project / "memory") == before


def test_reworded_correct_translation_of_the_same_unit_is_accepted(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = exported(project)
    reworded = "Mỗi tháng, mỗi trẻ sẽ được hỗ trợ 150.000 won thay vì 100.000 won như trước đây."
    set_target(path, UNIT, reworded)
    assert run(project, "review", "import", str(path)) == 0
    assert reworded in (project / "memory" / "en-vi.xlf").read_text(encoding="utf-8")


def test_glossary_names_holding_digits_are_not_numbers(project: Path) -> None:
    """ "Fourth Industrial Revolution Center" is "... ຄັ້ງທີ 4" in Lao: a name, not a count to compare."""
    from ggmulti.glossary.load import load_glossary
    from ggmulti.glossary.pin import Pinner
    from ggmulti.translate.qa import QaChecker, term_spans

    glossary = load_glossary(project / "glossary")
    without_spans = 0
    for lang in ("vi", "lo", "hi", "zh"):
        pinner, checker = Pinner(glossary, "en", lang), QaChecker("en", lang)
        for term in glossary.terms:
            en, form = term.target_form("en", "en"), term.target_form("en", lang)
            if not en or not form or not any(c.isdigit() for c in en + form):
                continue
            source, target = f"The {en} opens today.", f"{form} ✓"
            assert pinner.hits(source), (term.id, lang)
            spans = term_spans(pinner, source, target)
            numbers = [f for f in checker.check(source, target, *spans) if f.check == "number-mismatch"]
            assert not numbers, (term.id, lang, numbers)
            without_spans += any(f.check == "number-mismatch" for f in checker.check(source, target))
    assert without_spans  # the spans are what keeps these names out of the comparison


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda s: s.replace('source-language="en"', 'source-language="../../x"'),
            "source-language '../../x' is not a configured language",
        ),
        (lambda s: s.replace('source-language="en"', 'source-language=""'), "has no source-language"),
        (
            lambda s: s.replace('source-language="en"', 'source-language="xx"'),
            "source-language 'xx' is not a configured language",
        ),
        (
            lambda s: s.replace('target-language="vi"', 'target-language="vi/../../x"'),
            "target-language 'vi/../../x' is not a configured language",
        ),
        (
            lambda s: s.replace('source-language="en"', 'source-language="vi"'),
            "source-language and target-language are both 'vi'",
        ),
        (
            lambda s: s.replace(
                "</xliff>",
                '<file original="x" source-language="en" target-language="th" datatype="plaintext"><body/></file></xliff>',
            ),
            "<file> 2 (x) is en->th, an earlier <file> is en->vi",
        ),
    ],
)
def test_bad_languages_are_one_line_and_write_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], mutate: Any, message: str
) -> None:
    path = exported(project)
    set_target(path, UNIT, "Mỗi tháng, mỗi trẻ sẽ được hỗ trợ 150.000 won thay vì 100.000 won như trước đây.")
    path.write_text(mutate(path.read_text(encoding="utf-8")), encoding="utf-8")
    before = tree(project.parent)
    capsys.readouterr()
    assert run(project, "review", "import", str(path)) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err and str(path) in err, err
    assert tree(project.parent) == before
