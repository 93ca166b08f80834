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
