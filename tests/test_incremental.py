"""The build as a whole: incremental (content-addressed), crash-safe, and honest about what it did."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ggmulti.cli import main

ROOT = Path(__file__).resolve().parents[1]

GLOSSARY = """kind: places
entries:
  - id: gyeonggi-province
    forms: {en: Gyeonggi Province, zh: 京畿道}
"""
ANSAN = "  - id: ansan-city\n    forms: {en: Ansan City, zh: 安山市}\n"
# Two short Chinese notices written for this test: one names the province, the other does not.
RELEASES = {
    "a.md": "---\nid: a\ntitle: 京畿道支持外国居民\ndate: 2025-11-20\nlang: zh\n---\n\n"
    "京畿道将扩大对外国居民的支持。今年的保育费每月增加五万韩元。\n",
    "b.md": "---\nid: b\ntitle: 清洁活动\ndate: 2025-11-21\nlang: zh\n---\n\n"
    "居民们在安山市参加了清洁活动。活动在上午十点开始。\n",
}


@pytest.fixture()
def project(tmp_path: Path, zh_en_models_dir: Path) -> Path:
    (tmp_path / "glossary").mkdir()
    (tmp_path / "glossary" / "places.yaml").write_text(GLOSSARY, encoding="utf-8")
    (tmp_path / "releases").mkdir()
    for name, text in RELEASES.items():
        (tmp_path / "releases" / name).write_text(text, encoding="utf-8")
    (tmp_path / "ggmulti.toml").write_text(
        f"""[build]
languages = ["zh", "en"]
formats = ["html", "pdf"]
[paths]
[translation]
models_dir = "{zh_en_models_dir}"
cache = "cache.sqlite"
""",
        encoding="utf-8",
    )
    return tmp_path


def build(project: Path) -> dict[str, Any]:
    args = [
        "--config",
        str(project / "ggmulti.toml"),
        "publish",
        str(project / "releases"),
        "--out",
        str(project / "out"),
        "-q",
    ]
    assert main(args) == 0
    report: dict[str, Any] = json.loads((project / "out" / "report.json").read_text())
    return report


def built(report: dict[str, Any]) -> dict[str, list[str]]:
    return {f"{e['release']}/{e['lang']}": e["built"] for e in report["editions"] if e["built"]}


def mtimes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def test_no_op_rebuild_does_no_work(project: Path) -> None:
    first = build(project)
    assert set(built(first)) == {"a/zh", "a/en", "b/zh", "b/en"}
    assert first["translation"]["engine_segments"] == 6  # 2 titles + 4 sentences, into English
    before = mtimes(project / "out")
    again = build(project)
    assert built(again) == {} and again["translation"]["engine_segments"] == 0
    after = mtimes(project / "out")
    assert {k for k in before if before[k] != after.get(k)} == {"report.json"}


def test_changing_an_approved_form_rebuilds_only_its_editions_without_the_engine(project: Path) -> None:
    build(project)
    page_b = (project / "out" / "en" / "b.html").read_bytes()
    path = project / "glossary" / "places.yaml"
    path.write_text(GLOSSARY.replace("en: Gyeonggi Province", "en: Gyeonggi-do Province"), encoding="utf-8")
    report = build(project)
    assert built(report) == {"a/en": ["segments changed", "glossary terms changed: gyeonggi-province"]}
    assert report["translation"]["engine_segments"] == 0  # protected text is the same: all from cache
    page_a = (project / "out" / "en" / "a.html").read_text()
    article = page_a[page_a.index("<article") : page_a.index("</article>")]
    assert article.count("Gyeonggi-do Province") >= 2 and "Gyeonggi Province" not in article
    assert (project / "out" / "en" / "b.html").read_bytes() == page_b


def test_a_new_term_retranslates_only_the_segments_that_contain_it(project: Path) -> None:
    build(project)
    (project / "glossary" / "places.yaml").write_text(GLOSSARY + ANSAN, encoding="utf-8")
    report = build(project)
    assert report["translation"]["engine_segments"] == 1  # the one sentence naming 安山市
    # The English edition gets the approved name; the Chinese one now lists it among its names.
    assert built(report) == {
        "b/en": ["segments changed", "glossary terms changed: ansan-city"],
        "b/zh": ["glossary terms changed: ansan-city"],
    }
    assert "Ansan City" in (project / "out" / "en" / "b.html").read_text()


def test_deleted_or_altered_file_is_rebuilt(project: Path) -> None:
    build(project)
    (project / "out" / "en" / "a.pdf").unlink()
    report = build(project)
    assert built(report) == {"a/en": ["files missing or altered since the last build"]}
    assert main(["verify", str(project / "out")]) == 0


def test_killed_build_then_rerun_equals_an_uninterrupted_build(tmp_path: Path) -> None:
    """Kill the demo build while it writes, run it again, and compare with a build never interrupted."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [
        sys.executable,
        "-m",
        "ggmulti.cli",
        "--config",
        str(ROOT / "ggmulti.toml"),
        "publish",
        str(ROOT / "examples" / "releases"),
        "-q",
        "--out",
    ]
    clean = tmp_path / "clean"
    subprocess.run([*cmd, str(clean)], check=True, env=env, capture_output=True, timeout=600)

    killed = tmp_path / "killed"
    proc = subprocess.Popen(
        [*cmd, str(killed)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list(killed.rglob("*.pdf"))) < 6:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert not (killed / "manifest.json").exists(), "the build finished before it could be killed"
    written = list(killed.rglob("*.pdf"))
    assert written

    subprocess.run([*cmd, str(killed)], check=True, env=env, capture_output=True, timeout=600)
    assert (killed / "manifest.json").read_bytes() == (clean / "manifest.json").read_bytes()
    assert not list(killed.rglob(".*.tmp"))
    assert main(["verify", str(killed)]) == 0
