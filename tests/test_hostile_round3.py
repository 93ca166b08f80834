"""Issue 28's configuration classes against the command line: one line naming the file and the
problem, exit 1, no traceback, a bound on time, and nobody's file renamed, overwritten or read
forever (a FIFO, /dev/zero); caches and the memory folder never inside the output folder."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ggmulti.cli import main
from ggmulti.verify import verify

SRC = Path(__file__).resolve().parents[1] / "src"
TIMEOUT = 60  # seconds: the bound for every one of these inputs
_MAIN = "import sys; from ggmulti.cli import main; sys.exit(main(sys.argv[1:]))"
CONFIG = """[publisher]
url = "http://localhost:8000/"
[build]
languages = ["en"]
formats = ["html"]
[translation]
cache = "{cache}"
{extra}"""
SOURCE = "---\nid: one\ntitle: One\nlang: en\ndate: 2025-11-12\n---\n\nThe province opened a new center.\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for folder in ("glossary", "models", "sources", "xdg"):
        (root / folder).mkdir(parents=True)
    (root / "sources" / "one.md").write_text(SOURCE, encoding="utf-8")
    configure(root)
    return root


def configure(root: Path, cache: str = "cache/translations.sqlite", extra: str = "") -> Path:
    path = root / "ggmulti.toml"
    path.write_text(CONFIG.format(cache=cache, extra=extra), encoding="utf-8")
    return path


def ggmulti(root: Path, *argv: str, config: Path | None = None) -> tuple[int, str]:
    """The CLI in a fresh process, so a hang fails within TIMEOUT and stderr is what a user sees."""
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "GGMULTI_MODELS_DIR": str(root / "models"),
        "ARGOS_PACKAGES_DIR": str(root / "models"),
        "XDG_CACHE_HOME": str(root / "xdg"),
    }
    proc = subprocess.run(
        [sys.executable, "-c", _MAIN, "--config", str(config or root / "ggmulti.toml"), *argv],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        cwd=root,
        env=env,
    )
    return proc.returncode, proc.stderr


def one_error_line(code: int, err: str, *names: str) -> str:
    assert code == 1, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    for name in names:
        assert name in lines[0], lines[0]
    return lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- configured paths take over nothing


def test_a_cache_naming_a_text_file_is_refused_and_the_file_is_unchanged(project: Path) -> None:
    victim = project / "victim.txt"
    victim.write_text("my notes\n", encoding="utf-8")
    configure(project, cache=str(victim))
    code, err = ggmulti(project, "publish", "sources", "--out", "out")
    one_error_line(code, err, str(victim), "not a ggmulti cache", "will not rename or overwrite")
    assert victim.read_text(encoding="utf-8") == "my notes\n"
    assert sorted(p.name for p in project.iterdir()) == [
        "ggmulti.toml",
        "glossary",
        "models",
        "sources",
        "victim.txt",
        "xdg",
    ]


def test_a_cache_naming_another_sites_manifest_leaves_that_site_verifying(project: Path) -> None:
    other = project / "other-site"
    assert (
        main(
            [
                "--config",
                str(project / "ggmulti.toml"),
                "publish",
                str(project / "sources"),
                "--out",
                str(other),
                "-q",
            ]
        )
        == 0
    )
    manifest = other / "manifest.json"
    before = digest(manifest)
    configure(project, cache=str(manifest))
    code, err = ggmulti(project, "publish", "sources", "--out", "out")
    one_error_line(code, err, str(manifest), "not a ggmulti cache")
    assert digest(manifest) == before
    assert not list(other.glob("manifest.json.corrupt*"))
    result = verify(other)
    assert result.checked > 0 and result.problems == [] and result.unlisted == []


def test_a_cache_naming_another_programs_database_is_refused(project: Path) -> None:
    db_path = project / "notes.sqlite"
    with sqlite3.connect(db_path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.execute("INSERT INTO notes VALUES ('keep me')")
    db.close()
    before = digest(db_path)
    configure(project, cache=str(db_path))
    code, err = ggmulti(project, "publish", "sources", "--out", "out")
    one_error_line(code, err, str(db_path), "tables notes")
    assert digest(db_path) == before
    assert not (project / "out").exists()


@pytest.mark.parametrize(
    ("where", "key"),
    [("cache", "[translation] cache"), ("memory", "[paths] memory")],
)
def test_a_cache_or_memory_inside_the_output_folder_is_refused(project: Path, where: str, key: str) -> None:
    if where == "cache":
        configure(project, cache="out/cache/translations.sqlite")
    else:
        configure(project, extra='[paths]\nmemory = "out/memory"\n')
    code, err = ggmulti(project, "publish", "sources", "--out", "out")
    one_error_line(code, err, key, "inside the output folder")
    assert not (project / "out").exists()


# ---------------------------------------------------------------- one reading policy, one line each


def test_config_dev_zero_is_one_line(project: Path) -> None:
    code, err = ggmulti(project, "publish", "sources", "--out", "out", config=Path("/dev/zero"))
    one_error_line(code, err, "/dev/zero", "character device")


def test_config_fifo_is_one_line_without_waiting(project: Path) -> None:
    fifo = project / "ggmulti-fifo.toml"
    os.mkfifo(fifo)
    code, err = ggmulti(project, "publish", "sources", "--out", "out", config=fifo)
    one_error_line(code, err, str(fifo), "named pipe")


def test_toml_nested_50000_deep_is_one_line(project: Path) -> None:
    deep = project / "deep.toml"
    deep.write_text("a = " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    code, err = ggmulti(project, "publish", "sources", "--out", "out", config=deep)
    one_error_line(code, err, str(deep), "nested too deeply")


def test_a_huge_config_is_one_line(project: Path) -> None:
    huge = project / "huge.toml"
    huge.write_text("# " + "x" * (2 * 1024 * 1024) + "\n", encoding="utf-8")
    code, err = ggmulti(project, "publish", "sources", "--out", "out", config=huge)
    one_error_line(code, err, str(huge), "limit")


def test_a_native_name_with_a_control_character_is_one_line(project: Path) -> None:
    configure(project, extra='[languages.en]\nnative_name = "Eng\\u0007lish"\n')
    code, err = ggmulti(project, "publish", "sources", "--out", "out")
    one_error_line(code, err, "languages.en.native_name", "U+0007")
    assert not (project / "out").exists()


@pytest.mark.parametrize(
    "url", ['http://example.org/a"b', "http://example.org/it's", "http://example.org/<x>"]
)
def test_a_publisher_url_with_a_quote_is_one_line(project: Path, url: str) -> None:
    escaped = url.replace('"', '\\"')
    (project / "ggmulti.toml").write_text(
        CONFIG.format(cache="cache/t.sqlite", extra="").replace("http://localhost:8000/", escaped),
        encoding="utf-8",
    )
    code, err = ggmulti(project, "publish", "sources", "--out", "out")
    one_error_line(code, err, "publisher.url", "not an http(s) URL")


def test_out_with_a_300_byte_folder_name_is_one_line(project: Path) -> None:
    code, err = ggmulti(project, "publish", "sources", "--out", "o" * 300)
    one_error_line(code, err, "300 bytes", "255-byte limit")
    assert sorted(p.name for p in project.iterdir()) == [
        "ggmulti.toml",
        "glossary",
        "models",
        "sources",
        "xdg",
    ]
