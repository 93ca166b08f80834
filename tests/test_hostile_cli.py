"""Issue 17's classes rerun against the command line: one line naming the file and the problem, exit
1, no traceback, a bound on time, nothing written outside --out / memory/ / the cache, and earlier
output byte-identical. Also the output-folder lock (one writer) and the translation cache's repairs."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from lxml import etree

from ggmulti.cli import main
from ggmulti.store import LOCK_NAME, OutputStore
from ggmulti.translate import cache as cache_module
from ggmulti.translate.cache import CachedTranslator, CacheScope, TranslationCache
from ggmulti.verify import verify

SRC = Path(__file__).resolve().parents[1] / "src"
TIMEOUT = 120  # seconds; a hang is a failure, not a slow pass

BODY = (
    "Gyeonggi Province opened a new support center for foreign residents in Suwon on Monday. "
    "The center offers free interpretation, legal advice and Korean language classes every weekday."
)

CONFIG = """[publisher]
url = "http://localhost:8000/"
[build]
languages = ["en", "vi"]
formats = [{formats}]
[translation]
cache = "cache/translations.sqlite"
"""


def md(rid: str, title: str = "A title", body: str = BODY, extra: str = "") -> str:
    return f"---\nid: {rid}\ntitle: {title}\nlang: en\ndate: 2025-11-12\n{extra}---\n\n{body}\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with two sources folders, an empty glossary and no translation models."""
    root = tmp_path / "project"
    for folder in ("glossary", "models", "a", "b", "xdg"):
        (root / folder).mkdir(parents=True)
    (root / "ggmulti.toml").write_text(CONFIG.format(formats='"html"'), encoding="utf-8")
    (root / "a" / "one.md").write_text(md("one", "One"), encoding="utf-8")
    (root / "b" / "two.md").write_text(md("two", "Two"), encoding="utf-8")
    for name in ("GGMULTI_MODELS_DIR", "ARGOS_PACKAGES_DIR"):
        monkeypatch.setenv(name, str(root / "models"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "xdg"))
    monkeypatch.chdir(root)
    return root


def ggmulti(project: Path, *argv: str, timeout: float = TIMEOUT) -> tuple[int, str, str]:
    """The CLI in a fresh process (so a hang is bounded and stderr is what a user sees)."""
    proc = subprocess.run(
        [sys.executable, "-c", _MAIN, "--config", str(project / "ggmulti.toml"), *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=project,
        env=_env(),
    )
    return proc.returncode, proc.stdout, proc.stderr


_MAIN = "import sys; from ggmulti.cli import main; sys.exit(main(sys.argv[1:]))"


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, (str(SRC), os.environ.get("PYTHONPATH")))),
    }


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with a hash of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def one_error_line(code: int, err: str, *names: str) -> str:
    assert code == 1, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: "), lines[0]
    for name in names:
        assert name in lines[0], lines[0]
    return lines[0]


def manifest_ids(out: Path) -> set[str]:
    return {r["id"] for r in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["releases"]}


def publish(project: Path, out: Path, *sources: str) -> None:
    """A build that must succeed, in this process (the cases' set-up; the cases run in their own)."""
    assert (
        main(["--config", str(project / "ggmulti.toml"), "publish", *sources, "--out", str(out), "-q"]) == 0
    )


# ---------------------------------------------------------------- one writer per output folder


def test_two_concurrent_publishes_never_lose_a_release(project: Path) -> None:
    out = project / "out"
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _MAIN,
                "--config",
                "ggmulti.toml",
                "publish",
                src,
                "--out",
                str(out),
                "-q",
            ],
            cwd=project,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for src in ("a", "b")
    ]
    results = [(run.wait(timeout=TIMEOUT), run.communicate()[1]) for run in runs]
    refused = [src for src, (code, _err) in zip("ab", results, strict=True) if code != 0]
    for code, err in results:
        if code != 0:  # the loser of the race says so in one line, and wrote nothing
            one_error_line(code, err, str(out), "another ggmulti build is writing here (pid ")
    assert len(refused) < 2
    for src in refused:  # run again afterwards, as the message says
        publish(project, out, src)
    assert manifest_ids(out) == {"one", "two"}
    code, _stdout, err = ggmulti(project, "verify", str(out))
    assert code == 0, err


@pytest.mark.parametrize("command", ["publish", "withdraw", "merge"])
def test_a_second_writer_refuses_at_once_and_changes_nothing(project: Path, command: str) -> None:
    out = project / "out"
    publish(project, out, "a")
    shard = project / "shard"
    publish(project, shard, "b")
    before = snapshot(out)
    argv = {
        "publish": ["publish", "b", "--out", str(out), "-q"],
        "withdraw": ["withdraw", "one", "--reason", "recalled", "--out", str(out), "-q"],
        "merge": ["merge", str(shard), "--out", str(out)],
    }[command]
    with OutputStore(out).lock():  # this test process is the build writing there
        code, _stdout, err = ggmulti(project, *argv)
        assert (out / LOCK_NAME).read_text(encoding="utf-8").startswith(f"pid {os.getpid()} since ")
    line = one_error_line(
        code, err, str(out), f"another ggmulti build is writing here (pid {os.getpid()} since"
    )
    assert line.endswith("run again when it has finished")
    assert snapshot(out) == before
    code, _stdout, err = ggmulti(project, *argv)  # the lock went with its holder
    assert code == 0, err


def test_a_killed_build_leaves_no_lock_behind(project: Path) -> None:
    out = project / "out"
    publish(project, out, "a")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from ggmulti.store import OutputStore\n"
            "with OutputStore(Path(sys.argv[1])).lock():\n    print('locked', flush=True); time.sleep(600)",
            str(out),
        ],
        env=_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        code, _stdout, err = ggmulti(project, "publish", "b", "--out", str(out), "-q")
        one_error_line(code, err, f"(pid {holder.pid} since")
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=TIMEOUT)
        assert holder.stdout is not None
        holder.stdout.close()
    assert (out / LOCK_NAME).exists()  # the file stays; the kernel dropped the lock with the process
    publish(project, out, "b")
    assert manifest_ids(out) == {"one", "two"}
    assert not (out / LOCK_NAME).exists()  # a build that ends removes it


def test_a_finished_build_leaves_only_what_it_published(project: Path) -> None:
    out = project / "out"
    publish(project, out, "a")
    assert not (out / LOCK_NAME).exists()
    result = verify(out)
    assert (result.problems, result.unlisted) == ([], [])


def test_a_symlink_planted_as_the_lock_file_is_refused(project: Path, tmp_path: Path) -> None:
    out = project / "out"
    publish(project, out, "a")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    (out / LOCK_NAME).symlink_to(victim)
    code, _stdout, err = ggmulti(project, "publish", "b", "--out", str(out), "-q")
    one_error_line(code, err, LOCK_NAME, "cannot open the build lock")
    assert victim.read_text(encoding="utf-8") == "keep"


# ---------------------------------------------------------------- a full or read-only output folder


@pytest.mark.parametrize(
    ("patched", "error"),
    [
        ("replace", OSError(errno.ENOSPC, "No space left on device")),
        ("mkstemp", OSError(errno.EROFS, "Read-only file system")),
    ],
)
def test_a_full_or_read_only_output_folder_is_one_line_and_keeps_the_old_output(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    patched: str,
    error: OSError,
) -> None:
    out = project / "out"
    publish(project, out, "a")
    (project / "a" / "one.md").write_text(md("one", "One, corrected"), encoding="utf-8")
    before = snapshot(out)

    def fail(*_args: object, **_kwargs: object) -> None:
        raise error

    # Root ignores file modes, so a read-only or full disk is simulated where the store meets the OS.
    monkeypatch.setattr(os if patched == "replace" else tempfile, patched, fail)
    code = main(["publish", "a", "--out", str(out), "-q"])
    monkeypatch.undo()
    err = capsys.readouterr().err
    line = one_error_line(code, err, str(out), f"cannot write: {error.strerror}")
    assert line.split(": cannot write")[0].endswith((".html", ".json", ".xml", ".txt", ".css", ".js"))
    assert snapshot(out) == before
    assert not list(out.rglob(".*.tmp"))
    with OutputStore(out).lock():  # the failed build let go of the folder
        pass


# ---------------------------------------------------------------- hostile sources through publish


def test_an_impossible_date_is_one_line(project: Path) -> None:
    source = project / "a" / "feb30.md"
    source.write_text(f"---\ndate: 2025-02-30\n---\n\n{BODY}\n", encoding="utf-8")
    code, _stdout, err = ggmulti(project, "publish", str(source), "--out", "out")
    one_error_line(code, err, "feb30.md", "impossible date")
    assert not (project / "out").exists()


def test_atom_nested_1000_deep_is_one_line(project: Path) -> None:
    source = project / "a" / "deep.atom"
    source.write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><entry>'
        '<title>Deep</title><id>deep</id><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        + "<div>" * 1000
        + BODY
        + "</div>" * 1000
        + "</div></content></entry></feed>\n",
        encoding="utf-8",
    )
    code, _stdout, err = ggmulti(project, "publish", str(source), "--out", "out")
    one_error_line(code, err, "deep.atom", "nested deeper than")
    assert not (project / "out").exists()


def test_a_noncharacter_in_text_reaches_neither_xliff_nor_feeds(project: Path) -> None:
    """U+FFFF is not allowed in XML: the XLIFF and the podcast feed must stay well-formed."""
    source = project / "a" / "one.md"
    source.write_text(md("one", body=BODY.replace("center", "center\uffff")), encoding="utf-8")
    code, xliff, err = ggmulti(project, "review", "export", "--lang", "vi", "a")
    assert code == 0, err
    assert "\uffff" not in xliff
    etree.fromstring(xliff.encode("utf-8"))
    (project / "ggmulti.toml").write_text(CONFIG.format(formats='"html", "audio"'), encoding="utf-8")
    publish(project, project / "out", "a")  # feeds come with audio; no PDFs here
    feed = (project / "out" / "en" / "feed.xml").read_bytes()
    assert "\uffff".encode() not in feed
    etree.fromstring(feed)


def test_out_inside_a_source_folder_is_not_read_back(project: Path) -> None:
    out = project / "a" / "site"
    publish(project, out, "a")
    first = snapshot(out)
    code, stdout, err = ggmulti(project, "publish", "a", "--out", str(out))
    assert code == 0, err
    assert "0 edition(s) built" in stdout
    assert manifest_ids(out) == {"one"}
    assert {k: v for k, v in snapshot(out).items() if k != "report.json"} == {
        k: v for k, v in first.items() if k != "report.json"
    }


# ---------------------------------------------------------------- a manifest of the wrong shape


WRONG_MANIFESTS = {
    "releases-number": {"schema_version": 2, "releases": 5},
    "editions-string": None,  # a real manifest with one field's type changed (made in the test)
    "not-an-object": [1, 2, 3],
}


@pytest.mark.parametrize("case", list(WRONG_MANIFESTS))
@pytest.mark.parametrize("command", ["publish", "verify", "merge"])
def test_a_manifest_with_wrong_types_is_one_line_and_kept(project: Path, case: str, command: str) -> None:
    out = project / "out"
    publish(project, out, "a")
    manifest = out / "manifest.json"
    data = WRONG_MANIFESTS[case]
    if data is None:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        data["releases"][0]["editions"] = "en"
    manifest.write_text(json.dumps(data), encoding="utf-8")
    shard = project / "shard"
    publish(project, shard, "b")
    before, shard_before = snapshot(out), snapshot(shard)
    argv = {
        "publish": ["publish", "b", "--out", str(out), "-q"],
        "verify": ["verify", str(out)],
        "merge": ["merge", str(shard), "--out", str(out)],
    }[command]
    code, _stdout, err = ggmulti(project, *argv)
    one_error_line(code, err, str(manifest))
    assert snapshot(out) == before
    assert snapshot(shard) == shard_before


# ---------------------------------------------------------------- configuration


@pytest.mark.parametrize(
    ("toml", "key", "words"),
    [
        ('[publisher]\nurl = "javascript:alert(1)"\n', "publisher.url", "is not an http(s) URL"),
        ('[publisher]\nurl = "file:///etc/passwd"\n', "publisher.url", "is not an http(s) URL"),
        ('[publisher]\nurl = "https://"\n', "publisher.url", "is not an http(s) URL"),
        ('[publisher]\nurl = "https://gg.go.kr/\\n<x>"\n', "publisher.url", "is not an http(s) URL"),
        ("[build]\nlanguages = []\n", "build.languages", "needs at least one language"),
        ('[build]\nlanguages = ["en", "../x"]\n', "build.languages.1", "is not a language code"),
        ('[build]\nlanguages = ["en", "-rf"]\n', "build.languages.1", "is not a language code"),
        ('[languages."a/b"]\nname = "x"\n', "languages.a/b", "is not a language code"),
        ('[translation]\npivot = "../en"\n', "translation.pivot", "is not a language code"),
        ('[glossary]\noriginal = "k o"\n', "glossary.original", "is not a language code"),
        ('[build]\nformats = ["gif"]\n', "build.formats", "unknown format(s) gif"),
    ],
)
def test_bad_config_values_are_one_line_naming_the_key(
    project: Path, capsys: pytest.CaptureFixture[str], toml: str, key: str, words: str
) -> None:
    config = project / "ggmulti.toml"
    config.write_text(toml, encoding="utf-8")
    code = main(["--config", str(config), "publish", "a", "--out", "out"])
    line = one_error_line(code, capsys.readouterr().err, str(config), f"{key}: ", words)
    assert "Value error" not in line
    assert not (project / "out").exists()


def test_an_http_url_and_dashed_codes_are_accepted(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = project / "ggmulti.toml"
    config.write_text(
        '[publisher]\nurl = "https://www.gg.go.kr/press/"\n[build]\nlanguages = ["en", "zh-Hant"]\n'
        '[languages.zh-Hant]\nname = "Chinese (Traditional)"\nnative_name = "繁體中文"\nbcp47 = "zh-Hant"\n'
        'script = "Hant"\nfont = "Noto Sans CJK TC"\n',
        encoding="utf-8",
    )
    assert main(["--config", str(config), "check", "a"]) == 0, capsys.readouterr().err


# ---------------------------------------------------------------- the translation cache


def cache_file(project: Path) -> Path:
    return project / "cache" / "translations.sqlite"


def warning_lines(err: str) -> list[str]:
    assert "Traceback" not in err
    return [line for line in err.splitlines() if line.startswith("warning: ")]


@pytest.mark.parametrize(
    "damage",
    ["garbage", "truncated", "foreign-table"],
)
def test_a_corrupt_cache_is_set_aside_and_rebuilt(project: Path, damage: str) -> None:
    path = cache_file(project)
    path.parent.mkdir()
    if damage == "garbage":
        path.write_bytes(b"SQLite format 3\x00" + b"not a database\n" * 100)  # a cache, damaged
    elif damage == "truncated":
        with TranslationCache(path) as cache:
            cache.put(CacheScope("en", "vi", "a" * 64, "fake"), {f"s{i}": [f"t{i}"] for i in range(2000)}, 1)
        path.write_bytes(path.read_bytes()[:50])  # the header cut short
    else:
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE translations (a, b)")
    damaged = path.read_bytes()
    code, _stdout, err = ggmulti(project, "publish", "a", "--out", "out", "-q")
    assert code == 0, err
    lines = warning_lines(err)
    assert len(lines) == 1, err
    assert str(path) in lines[0] and "set aside as translations.sqlite.corrupt-1" in lines[0]
    assert (path.parent / "translations.sqlite.corrupt-1").read_bytes() == damaged
    with sqlite3.connect(path) as db:  # a fresh, working cache in its place
        assert db.execute("SELECT COUNT(*) FROM translations").fetchone() == (0,)
    path.write_bytes(b"SQLite format 3\x00broken again")
    code, _stdout, err = ggmulti(project, "publish", "a", "--out", "out", "-q")
    assert code == 0, err
    assert "set aside as translations.sqlite.corrupt-2" in warning_lines(err)[0]


@pytest.mark.parametrize("obstacle", ["parent-is-a-file", "cache-is-a-folder"])
def test_an_unusable_cache_location_means_no_cache_and_one_warning(project: Path, obstacle: str) -> None:
    path = cache_file(project)
    if obstacle == "parent-is-a-file":
        path.parent.write_text("in the way", encoding="utf-8")
    else:
        path.mkdir(parents=True)
    code, _stdout, err = ggmulti(project, "publish", "a", "--out", "out", "-q")
    assert code == 0, err
    lines = warning_lines(err)
    assert len(lines) == 1, err
    assert str(path) in lines[0] and "translating without it" in lines[0]
    if obstacle == "parent-is-a-file":
        assert path.parent.read_text(encoding="utf-8") == "in the way"
    else:
        assert path.is_dir() and not any(path.iterdir())


class Upper:
    engine = "fake"
    model_sha256 = "b" * 64

    def __init__(self) -> None:
        self.calls = 0

    def translate(self, texts: list[str]) -> list[str]:
        self.calls += 1
        return [t.upper() for t in texts]

    def hypotheses(self, texts: list[str], n: int) -> list[list[str]]:
        return [[t.upper()] * n for t in texts]


def test_a_read_only_cache_file_still_translates_with_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "c.sqlite"
    with TranslationCache(path) as cache:
        CachedTranslator(Upper(), cache, "en", "vi").translate(["kept"])
    before = path.read_bytes()
    # As root no file mode stops a write, so the file is opened the way SQLite opens an unwritable one.
    monkeypatch.setattr(cache_module, "_connect", lambda p: sqlite3.connect(f"file:{p}?mode=ro", uri=True))
    engine = Upper()
    with caplog.at_level("WARNING", logger="ggmulti.cache"), TranslationCache(path) as cache:
        wrapped = CachedTranslator(engine, cache, "en", "vi")
        assert wrapped.translate(["new", "new"]) == ["NEW", "NEW"]
        assert wrapped.translate(["new"]) == ["NEW"]  # the build still reuses its own results
    assert engine.calls == 1
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "translating without it" in warnings[0] and str(path) in warnings[0]
    assert "readonly" in warnings[0]
    assert path.read_bytes() == before


def test_a_cache_found_damaged_during_a_build_is_set_aside_and_rebuilt(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "c.sqlite"
    scope = CacheScope("en", "vi", "b" * 64, "fake")
    with TranslationCache(path) as cache:
        cache.put(scope, {f"s{i}": [f"t{i}"] for i in range(2000)}, 1)
    path.write_bytes(path.read_bytes()[:5000])  # pages lost: seen only when the table is read
    with caplog.at_level("WARNING", logger="ggmulti.cache"), TranslationCache(path) as cache:
        assert cache.get(scope, ["s1", "s1999"], 1) == {}  # a miss, not an exception
        cache.put(scope, {"s1": ["T1"]}, 1)
        assert cache.get(scope, ["s1"], 1) == {"s1": ["T1"]}
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
        f"warning: {path}: translation cache unusable"
    ]
    assert (tmp_path / "c.sqlite.corrupt-1").stat().st_size == 5000
    with TranslationCache(path) as cache:  # the rebuilt file is the cache from now on
        assert cache.get(scope, ["s1"], 1) == {"s1": ["T1"]}


def test_a_table_taken_away_during_a_build_means_no_cache_from_there(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "c.sqlite"
    scope = CacheScope("en", "vi", "b" * 64, "fake")
    with caplog.at_level("WARNING", logger="ggmulti.cache"), TranslationCache(path) as cache:
        cache.put(scope, {"a": ["A"]}, 1)
        with sqlite3.connect(path) as other:  # another program rewrites the file under the build
            other.execute("DROP TABLE translations")
        other.close()
        assert cache.get(scope, ["a"], 1) == {}
        cache.put(scope, {"b": ["B"]}, 1)
        assert cache.get(scope, ["b"], 1) == {"b": ["B"]}
        assert not cache.persistent
    assert len(caplog.records) == 1 and "translating without it" in caplog.records[0].getMessage()


# ---------------------------------------------------------------- review export and translate


def test_review_export_creates_missing_folders_but_not_through_a_file(project: Path) -> None:
    target = project / "missing" / "deeper" / "vi.xlf"
    code, _stdout, err = ggmulti(project, "review", "export", "--lang", "vi", "a", "-o", str(target))
    assert code == 0, err
    etree.parse(str(target))
    (project / "plain").write_text("a file, not a folder", encoding="utf-8")
    blocked = project / "plain" / "vi.xlf"
    code, _stdout, err = ggmulti(project, "review", "export", "--lang", "vi", "a", "-o", str(blocked))
    one_error_line(code, err, str(blocked), "cannot write")
    assert (project / "plain").read_text(encoding="utf-8") == "a file, not a folder"


def test_translate_of_a_latin_1_file_is_one_line(project: Path) -> None:
    source = project / "latin1.txt"
    source.write_bytes("Caf\xe9 au lait.\n".encode("latin-1"))
    code, stdout, err = ggmulti(project, "translate", "--from", "en", "--to", "vi", str(source))
    one_error_line(code, err, "latin1.txt", "not UTF-8")
    assert stdout == ""
