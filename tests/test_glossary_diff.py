"""`glossary diff --base REV`: what a glossary change does, per language, before and after."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from translate.storage import xliff

from ggmulti.cli import main

ROOT = Path(__file__).resolve().parents[1]

GLOSSARY = """kind: places
entries:
  - id: gyeonggi-province
    forms: {en: Gyeonggi Province, vi: tỉnh Gyeonggi}
  - id: ansan-city
    forms: {en: Ansan City, vi: thành phố Ansan}
"""
RELEASE = (
    "---\nid: centre\ntitle: A new centre\ndate: 2025-10-01\nlang: en\n---\n\n"
    "Gyeonggi Province opened a centre in Ansan City. It is open every day.\n"
)
OTHER = "---\nid: other\ntitle: Classes\ndate: 2025-10-02\nlang: en\n---\n\nFree classes start next month.\n"
VI = {
    "centre:title": "Một trung tâm mới",
    "centre:p0:s0": "tỉnh Gyeonggi đã mở một trung tâm tại thành phố Ansan.",
    "centre:p0:s1": "Trung tâm mở cửa hằng ngày.",
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture()
def repo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    (tmp_path / "glossary").mkdir()
    (tmp_path / "glossary" / "places.yaml").write_text(GLOSSARY, encoding="utf-8")
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "centre.md").write_text(RELEASE, encoding="utf-8")
    (tmp_path / "releases" / "other.md").write_text(OTHER, encoding="utf-8")
    (tmp_path / "ggmulti.toml").write_text(
        '[build]\nlanguages = ["en", "vi", "lo"]\n[paths]\n'
        '[translation]\nmodels_dir = "models"\ncache = "cache.sqlite"\n',
        encoding="utf-8",
    )
    config = ["--config", str(tmp_path / "ggmulti.toml")]
    xlf = tmp_path / "vi.xlf"
    assert (
        main([*config, "review", "export", "--lang", "vi", str(tmp_path / "releases"), "-o", str(xlf)]) == 0
    )
    store = xliff.xlifffile.parsestring(xlf.read_bytes())
    for unit in store.units:
        if unit.xmlelement.get("id") in VI:
            unit.target = VI[unit.xmlelement.get("id")]
            unit.xmlelement.find(unit.namespaced("target")).set("state", "final")
    xlf.write_bytes(bytes(store))
    assert main([*config, "review", "import", str(xlf), str(tmp_path / "releases")]) == 0
    git(tmp_path, "init", "-q", "-b", "main")
    git(
        tmp_path,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.org",
        "add",
        "glossary",
        "releases",
        "memory",
    )
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "base")
    capsys.readouterr()
    return tmp_path


def diff(repo: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    args = [
        "--config",
        str(repo / "ggmulti.toml"),
        "glossary",
        "diff",
        "--base",
        "HEAD",
        "--source",
        str(repo / "releases"),
        *extra,
    ]
    assert main(args) == 0
    return capsys.readouterr().out


def test_changed_translation_shows_affected_segments_before_and_after(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo / "glossary" / "places.yaml"
    path.write_text(GLOSSARY.replace("vi: tỉnh Gyeonggi", "vi: tỉnh Kyonggi"), encoding="utf-8")
    md = diff(repo, capsys, "--format", "markdown")
    assert "| `gyeonggi-province` (places.yaml) | changed | forms.vi | tỉnh Gyeonggi | tỉnh Kyonggi |" in md
    assert "1 of 2 releases contain a changed term" in md
    assert (
        "#### `centre`" in md
        and "`other`" not in md.split("### Affected releases")[1].split("Releases containing")[0]
    )
    row = next(line for line in md.splitlines() if line.startswith("| p0:s0 | vi |"))
    # The approved sentence takes the new form, capitalised at the sentence start like the old one.
    assert "Tỉnh Gyeonggi đã mở" in row and "Tỉnh Kyonggi đã mở" in row and "re-review" in row
    assert "**lo**: no translation model for en->lo and no approved translations" in md
    text = diff(repo, capsys)
    assert "changed: gyeonggi-province" in text and "forms.vi: 'tỉnh Gyeonggi' -> 'tỉnh Kyonggi'" in text


def test_note_only_change_affects_no_segment(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = repo / "glossary" / "places.yaml"
    path.write_text(GLOSSARY.replace("forms: {en: Ansan City", "note: A city.\n    forms: {en: Ansan City"))
    md = diff(repo, capsys, "--format", "markdown")
    assert "| `ansan-city` (places.yaml) | changed | note |  — | A city. |".replace("  ", " ") in md
    assert "0 of 2 releases contain a changed term" in md and "### Affected releases" not in md


def test_unchanged_glossary_and_bad_revision(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "No glossary entries changed." in diff(repo, capsys, "--format", "markdown")
    args = ["--config", str(repo / "ggmulti.toml"), "glossary", "diff", "--base", "no-such-rev"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "no-such-rev" in err and "Traceback" not in err


def test_added_person_shows_every_output_per_release_and_only_written_fields(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A vi form changed, a Korean original added and a person added: the whole effect, release by release."""
    (repo / "releases" / "visit.md").write_text(
        "---\nid: visit\ntitle: Kim Mi-young visits Gyeonggi Province\ndate: 2025-10-03\nlang: en\n---\n\n"
        "Kim Mi-young met residents in Ansan City.\n",
        encoding="utf-8",
    )
    places = GLOSSARY.replace("vi: tỉnh Gyeonggi}", "vi: tỉnh Kyonggi, ko: 경기도}")
    (repo / "glossary" / "places.yaml").write_text(places, encoding="utf-8")
    (repo / "glossary" / "people.yaml").write_text(
        "kind: people\nentries:\n  - id: kim-mi-young\n    forms: {en: Kim Mi-young, ko: 김미영}\n",
        encoding="utf-8",
    )
    md = diff(repo, capsys, "--format", "markdown")
    entry_rows = [line for line in md.splitlines() if line.startswith("| `kim-mi-young`")]
    assert [r.split(" | ")[2] for r in entry_rows] == ["forms.en", "forms.ko"]  # no "dnt | — | no"
    assert "2 of 3 releases contain a changed term" in md
    centre = md.split("#### `centre`")[1].split("#### ")[0]
    visit = md.split("#### `visit`: Kim Mi-young visits Gyeonggi Province")[1]
    # The English page gains a names-table row; the vi page's sentence and its names table change.
    assert "| names table | en | — | Gyeonggi Province (경기도) | row added (gyeonggi-province) |" in centre
    assert "| names table | vi | — | tỉnh Kyonggi (경기도) | row added (gyeonggi-province) |" in centre
    assert "| p0:s0 | vi | Tỉnh Gyeonggi đã mở" in centre
    # Nothing to compare: named per release, only where true (vi has changes in centre).
    assert "Nothing to compare in `centre`:\n\n- **lo**: no translation model for en->lo" in centre
    assert "**vi**" not in centre
    assert "| names table | en | — | Kim Mi-young (김미영) | row added (kim-mi-young) |" in visit
    assert "| title |" not in visit  # the English title is the same text; only its names table changes
    assert (
        "- **vi**: no approved translations of this release and no en->vi model" in visit
        and "- **lo**:" in visit
    )
    text = diff(repo, capsys)
    assert "visit names table [en]: added kim-mi-young: '' -> 'Kim Mi-young (김미영)'" in text
    assert "visit [vi]: nothing to compare (no approved translations of this release" in text
