"""Hostile model archives and package indexes: exit 1 with one line naming the file or URL, no
traceback, bounded time (every CLI run is a subprocess with a timeout, so a hang fails instead of
hanging), no temporary file left behind, nothing written outside the models folder, and the models
already installed (a pinned zh->en package) byte-identical afterwards.

Every server is a thread on 127.0.0.1: no internet needed.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ggmulti
from ggmulti.cli import main
from ggmulti.cli_models import translate_text
from ggmulti.errors import EngineUnavailable, ModelError
from ggmulti.translate.archive import install
from ggmulti.translate.index import IndexEntry, fetch, parse_index
from ggmulti.translate.lockfile import read_lock
from ggmulti.translate.models import installed_models

Build = Callable[..., Path]
SRC = Path(ggmulti.__file__).resolve().parents[1]
CLI = "import sys; from ggmulti.cli import main; sys.exit(main())"
BOUND = 60  # seconds any one CLI run may take before the test fails

META = json.dumps({"from_code": "en", "to_code": "vi", "package_version": "1"})
GOOD = {"p/metadata.json": META, "p/model/model.bin": "x", "p/sentencepiece.model": "x"}


def snapshot(folder: Path) -> dict[str, str]:
    """Every file (hidden ones too) under ``folder`` with a hash of its bytes."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def make_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names, which some cases need
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in members.items():
                z.writestr(name, data)
    return path


@dataclass
class Home:
    """A project with a pinned zh->en package; every refusal must leave it exactly as it was."""

    tmp: Path
    models: Path
    lock: Path
    before: dict[str, str]

    def run(self, *args: str, timeout: float = BOUND) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", CLI, *self.argv(*args)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=self.env(),
            cwd=self.tmp / "work",
        )

    def argv(self, *args: str) -> list[str]:
        return ["models", "--models-dir", str(self.models), "--lock", str(self.lock), *args]

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env.update(PYTHONPATH=str(SRC), TMPDIR=str(self.tmp / "tmpdir"), HOME=str(self.tmp / "home"))
        for var in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
            env.pop(var, None)
        return env

    def state(self) -> dict[str, str]:
        return {**snapshot(self.models), "LOCK": hashlib.sha256(self.lock.read_bytes()).hexdigest()}

    def assert_untouched(self) -> None:
        assert self.state() == self.before  # no .fetch-/.install- leftovers, zh-en and lock unchanged
        for scratch in ("tmpdir", "work", "home"):  # $TMPDIR, the working folder, $HOME: nothing written
            assert list((self.tmp / scratch).iterdir()) == [], scratch


@pytest.fixture
def home(tmp_path: Path, build_argosmodel: Build) -> Home:
    models, lock = tmp_path / "models", tmp_path / "models.lock"
    install(build_argosmodel("zh", "en"), root=models, lock_path=lock)
    for scratch in ("tmpdir", "work", "home"):
        (tmp_path / scratch).mkdir()
    h = Home(tmp_path, models, lock, {})
    h.before = h.state()
    return h


def run_here(home: Home, capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    """In-process, for cases that cannot hang (a fetch gets a 20 s deadline all the same)."""
    if "fetch" in args:
        args = (*args, "--timeout", "5", "--deadline", "20")
    code = main(home.argv(*args))
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), code, captured.out, captured.err)


def assert_one_line(proc: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


# --- archives --------------------------------------------------------------------------------------


def _noise(n: int) -> bytes:
    return random.Random(n).randbytes(n)  # incompressible, deterministic


ARCHIVES: dict[str, tuple[dict[str, bytes | str], tuple[str, ...]]] = {
    # 2 MB that would expand to 62 MB: past 20x the archive size, long before the 8 GiB cap
    "ratio-bomb": (
        {**GOOD, "p/sentencepiece.model": _noise(2_000_000), "p/model/model.bin": b"\0" * 60_000_000},
        ("unpacks to more than", "20x its", "past member 'p/model/model.bin'"),
    ),
    "member-ratio": (
        {**GOOD, "p/model/model.bin": b"\0" * 5_000_000},
        ("'p/model/model.bin' expands", "limit 200:1"),
    ),
    "double-slash": ({**GOOD, "p//metadata.json": META}, ("duplicate member 'p//metadata.json'",)),
    "dot-segment": ({**GOOD, "p/./model/model.bin": "y"}, ("duplicate member 'p/./model/model.bin'",)),
    "case-twins": ({**GOOD, "p/Sentencepiece.model": "y"}, ("duplicate member",)),
    "unicode-twins": ({**GOOD, "p/caf\u00e9": "a", "p/cafe\u0301": "b"}, ("duplicate member",)),
    "file-and-folder": ({**GOOD, "p/x": "a", "p/x/y": "b"}, ("'p/x' is a file, but 'p/x/y' needs it",)),
    "dir-and-file": ({**GOOD, "p/x/": "", "p/x": "b"}, ("duplicate member 'p/x'",)),
    "control-char": ({**GOOD, "p/a\nb": "x"}, ("unsafe member path",)),
    "reserved-record": ({**GOOD, "p/.ggmulti-install.json": "{}"}, ("reserves",)),
    "dotdot": ({**GOOD, "p/../../evil": "x"}, ("unsafe member path",)),
    "deep-metadata": (
        {**GOOD, "p/metadata.json": "[" * 100_000 + "]" * 100_000},
        ("p/metadata.json", "nested"),
    ),
}


SLOW_ARCHIVES = {"ratio-bomb", "member-ratio"}  # run as a subprocess with a timeout: they must not hang


@pytest.mark.parametrize("case", sorted(ARCHIVES))
def test_hostile_archive_is_one_line(home: Home, case: str, capsys: pytest.CaptureFixture[str]) -> None:
    members, needles = ARCHIVES[case]
    pkg = make_zip(home.tmp / f"{case}.argosmodel", members)
    # in-process is enough for name checks (an uncaught exception fails the test just the same)
    proc = (
        home.run("install", str(pkg))
        if case in SLOW_ARCHIVES
        else run_here(home, capsys, "install", str(pkg))
    )
    assert_one_line(proc, f"{case}.argosmodel: ", *needles)
    home.assert_untouched()


def test_incompressible_package_over_the_ratio_floor_installs(tmp_path: Path) -> None:
    """The cap follows the archive size: 20 MB of weights that do not compress are a normal package."""
    plain = make_zip(tmp_path / "plain.argosmodel", {**GOOD, "p/model/model.bin": _noise(20_000_000)})
    assert install(plain, root=tmp_path / "models").model.pairs == ("en-vi",)


def test_lying_header_bomb_writes_no_more_than_declared(home: Home) -> None:
    pkg = make_zip(home.tmp / "liar.argosmodel", {**GOOD, "p/model/model.bin": b"\0" * 30_000_000})
    data, name = bytearray(pkg.read_bytes()), b"p/model/model.bin"
    local, central = data.find(name) - 30, data.rfind(name) - 46  # both headers claim 100 bytes
    assert data[local : local + 4] == b"PK\x03\x04" and data[central : central + 4] == b"PK\x01\x02"
    data[local + 22 : local + 26] = data[central + 24 : central + 28] = (100).to_bytes(4, "little")
    pkg.write_bytes(bytes(data))
    with zipfile.ZipFile(pkg) as z:
        assert z.getinfo("p/model/model.bin").file_size == 100
    assert_one_line(home.run("install", str(pkg)), "liar.argosmodel: ")
    home.assert_untouched()


def test_normalized_names_install_where_they_belong(tmp_path: Path) -> None:
    pkg = make_zip(tmp_path / "odd.argosmodel", {f"p/.//{k[2:]}": v for k, v in GOOD.items()})
    model = install(pkg, root=tmp_path / "models").model
    assert sorted(snapshot(model.path)) == [
        ".ggmulti-install.json",
        "metadata.json",
        "model/model.bin",
        "sentencepiece.model",
    ]


def test_folder_named_like_an_installed_package_is_refused(home: Home) -> None:
    taken = installed_models(home.models)[0].path.name  # the pinned zh->en package's folder
    pkg = make_zip(home.tmp / "squat.argosmodel", {f"{taken}/{k[2:]}": v for k, v in GOOD.items()})
    assert_one_line(
        home.run("install", str(pkg)),
        "squat.argosmodel: ",
        f"{home.models / taken} already exists and is not a en-vi package",
    )
    home.assert_untouched()


def test_install_never_drops_a_pair_of_another_package(tmp_path: Path, build_argosmodel: Build) -> None:
    root = tmp_path / "models"
    install(build_argosmodel("en", "vi", target_prefixes={"vi": "__vi__", "lo": "__lo__"}), root=root)
    before = snapshot(root)
    with pytest.raises(ModelError, match=r"would remove translate-en_vi-1_0, which also serves en-lo"):
        install(build_argosmodel("en", "vi", seed=3, version="2.0"), root=root)
    assert snapshot(root) == before


def test_same_pair_upgrade_into_the_same_folder(tmp_path: Path, build_argosmodel: Build) -> None:
    root = tmp_path / "models"
    first, second = build_argosmodel("en", "vi", seed=1), build_argosmodel("en", "vi", seed=2)
    install(first, root=root)
    result = install(second, root=root)
    assert result.replaced == ("translate-en_vi-1_0",) and not result.unchanged
    assert [m.sha256 for m in installed_models(root)] == [hashlib.sha256(second.read_bytes()).hexdigest()]
    assert sorted(p.name for p in root.iterdir()) == ["translate-en_vi-1_0"]


def test_a_fifo_is_not_waited_on(home: Home) -> None:
    fifo = home.tmp / "pipe.argosmodel"
    os.mkfifo(fifo)
    assert_one_line(home.run("install", str(fifo), timeout=30), f"{fifo}: not a regular file")
    home.assert_untouched()


def test_a_fifo_lock_file_is_not_waited_on(home: Home) -> None:
    fifo = home.tmp / "fifo.lock"
    os.mkfifo(fifo)
    proc = home.run("--lock", str(fifo), "list", timeout=30)
    assert_one_line(proc, str(fifo), "named pipe")


_PART = st.sampled_from(["p", "x", "X", "model", "model.bin", ".", "", "..", "é", "e\u0301"])


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(names=st.lists(st.lists(_PART, min_size=1, max_size=4).map("/".join).filter(bool), max_size=5))
def test_any_member_names_install_or_refuse_cleanly(
    tmp_path_factory: pytest.TempPathFactory, names: list[str]
) -> None:
    tmp = tmp_path_factory.mktemp("names")
    members: dict[str, bytes | str] = {**GOOD}
    for name in names:
        members.setdefault(name, "z")
    pkg = make_zip(tmp / "h.argosmodel", members)
    root = tmp / "models"
    try:
        model = install(pkg, root=root).model
    except ModelError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("h.argosmodel: ")
        assert snapshot(root) == {}
        return
    # installed: every file member landed on its normalized path inside the one package folder
    files = snapshot(model.path)
    for name in members:
        parts = [unicodedata.normalize("NFC", p) for p in name.split("/") if p not in ("", ".")]
        if not name.endswith("/") and parts[0] == "p":
            assert "/".join(parts[1:]) in files
    assert sorted(p.name for p in root.iterdir()) == ["p"]


# --- a hostile index on 127.0.0.1 ------------------------------------------------------------------

Route = Callable[[http.server.BaseHTTPRequestHandler], None]


class Hostile:
    """An HTTP server whose answers are plain functions, some of which never end."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        self.stop = threading.Event()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                route = server.routes.get(self.path)
                try:
                    if route is None:
                        self.send_error(404)
                    else:
                        route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    # answers
    def body(self, data: bytes) -> Route:
        def answer(h: http.server.BaseHTTPRequestHandler) -> None:
            h.send_response(200)
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)

        return answer

    def index(self, entries: object) -> str:
        self.routes["/index.json"] = self.body(json.dumps(entries).encode())
        return self.url + "index.json"

    def stream(self, chunk: bytes, every: float, length: int | None = None) -> Route:
        """``chunk`` every ``every`` seconds until the client goes or the server closes."""

        def answer(h: http.server.BaseHTTPRequestHandler) -> None:
            h.send_response(200)
            if length is not None:
                h.send_header("Content-Length", str(length))
            h.end_headers()
            while not self.stop.is_set():
                h.wfile.write(chunk)
                h.wfile.flush()
                self.stop.wait(every)

        return answer

    def drip_headers(self, every: float) -> Route:
        def answer(h: http.server.BaseHTTPRequestHandler) -> None:
            h.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
            while not self.stop.is_set():
                h.wfile.write(b"a")
                h.wfile.flush()
                self.stop.wait(every)

        return answer

    def redirect(self, location: str) -> Route:
        def answer(h: http.server.BaseHTTPRequestHandler) -> None:
            h.send_response(302)
            h.send_header("Location", location)
            h.send_header("Content-Length", "0")
            h.end_headers()

        return answer


@pytest.fixture
def hostile() -> Iterator[Hostile]:
    server = Hostile()
    try:
        yield server
    finally:
        server.close()


def entry(link: str, to_code: str = "vi", **extra: object) -> dict[str, object]:
    return {"from_code": "en", "to_code": to_code, "package_version": "1.0", "links": [link], **extra}


def test_metadata_must_serve_the_pair_asked_for(
    home: Home, hostile: Hostile, build_argosmodel: Build
) -> None:
    lao = build_argosmodel("en", "lo")
    hostile.routes["/vi.argosmodel"] = hostile.body(lao.read_bytes())  # the index says vi, it is lo
    url = hostile.index([entry("vi.argosmodel")])
    assert_one_line(
        home.run("fetch", "vi", "--index", url),
        "vi.argosmodel: ",
        "metadata.json serves en->lo, not the en->vi that was asked for",
    )
    home.assert_untouched()


INDEXES: dict[str, tuple[object, str]] = {
    "file-link": (
        [entry("file:///etc/passwd")],
        "entry 0 (en-vi): link 'file:///etc/passwd' is not an http(s) URL",
    ),
    "ftp-link": ([entry("ftp://127.0.0.1/x.argosmodel")], "is not an http(s) URL"),
    "links-as-objects": (
        [{**entry("x"), "links": [{"url": "x"}]}],
        "'links' must be a non-empty list of URL",
    ),
    "links-a-string": ([{**entry("x"), "links": "x.argosmodel"}], "'links' must be a non-empty list of URL"),
    "not-a-list": ({"packages": []}, "package index is not a JSON list"),
    "entry-not-object": (["x"], "entry 0 is not a JSON object"),
    "bad-code": ([{**entry("x"), "to_code": "../x"}], "entry 0: no valid 'to_code'"),
    "bad-sha": ([entry("x", sha256="abc")], "'sha256' is not 64 hex digits"),
    "bad-size": ([entry("x", size="big")], "'size' is not a positive number of bytes"),
    "bad-version": ([entry("x", package_version=[1])], "'package_version' is not a string"),
}


@pytest.mark.parametrize("case", sorted(INDEXES))
def test_hostile_index_is_one_line(
    home: Home, hostile: Hostile, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    entries, needle = INDEXES[case]
    url = hostile.index(entries)
    assert_one_line(run_here(home, capsys, "fetch", "vi", "--index", url), f"{url}: ", needle)
    home.assert_untouched()


@pytest.mark.parametrize(
    ("index", "needle"),
    [
        ("file:///etc/passwd", "--index 'file:///etc/passwd' is not an http(s) URL"),
        ("/etc/passwd", "--index '/etc/passwd' is not an http(s) URL"),
    ],
)
def test_index_url_must_be_http(
    home: Home, index: str, needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert_one_line(run_here(home, capsys, "fetch", "vi", "--index", index), needle)
    home.assert_untouched()


def test_a_language_is_not_a_path(home: Home, hostile: Hostile, capsys: pytest.CaptureFixture[str]) -> None:
    url = hostile.index([])
    proc = run_here(home, capsys, "fetch", "../../x", "--index", url)
    assert_one_line(proc, "language '../../x' is not a language code")
    home.assert_untouched()


def test_drip_fed_body_hits_the_deadline(home: Home, hostile: Hostile) -> None:
    hostile.routes["/vi.argosmodel"] = hostile.stream(b"x", 0.3, length=1000)  # each read is "on time"
    url = hostile.index([entry("vi.argosmodel")])
    started = time.monotonic()
    line = assert_one_line(
        home.run("fetch", "vi", "--index", url, "--timeout", "2", "--deadline", "3", timeout=40),
        f"{hostile.url}vi.argosmodel: not finished within 3 s (read timeout 2 s)",
    )
    assert "Traceback" not in line and time.monotonic() - started < 40
    home.assert_untouched()


def test_one_byte_every_two_seconds_ends_within_the_deadline(home: Home, hostile: Hostile) -> None:
    """The issue's dripping server: each byte comes well within the read timeout."""
    hostile.routes["/vi.argosmodel"] = hostile.stream(b"x", 2.0)
    url = hostile.index([entry("vi.argosmodel")])
    started = time.monotonic()
    assert_one_line(
        home.run("fetch", "vi", "--index", url, "--timeout", "5", "--deadline", "8", timeout=40),
        f"{hostile.url}vi.argosmodel: not finished within 8 s",
    )
    assert time.monotonic() - started < 8 + 10  # the deadline, plus starting Python
    home.assert_untouched()


def test_a_transfer_slower_than_the_minimum_rate_is_stopped(hostile: Hostile, tmp_path: Path) -> None:
    """With the default hour-long deadline a drip is still stopped: by the rate over a window."""
    from ggmulti.translate.http import Limits, http_get

    hostile.routes["/slow"] = hostile.stream(b"x" * 100, 0.2)  # 500 bytes/s: below 1024
    got = bytearray()
    started = time.monotonic()
    with pytest.raises(ModelError, match=r"/slow: fewer than 1024 bytes/s for 2 s; stopped"):
        http_get(hostile.url + "slow", got.extend, Limits(10**9, timeout=5, rate_window=2.0))
    assert time.monotonic() - started < 10
    assert 0 < len(got) < 2000


def test_a_full_disk_is_reported_as_no_space_left(hostile: Hostile) -> None:
    """/dev/full answers every write with ENOSPC, as a full file system does."""
    from ggmulti.translate.http import Limits, file_sink, http_get

    hostile.routes["/endless"] = hostile.stream(b"\0" * 65536, 0.0)
    full = Path("/dev/full")
    with full.open("wb", buffering=0) as out, pytest.raises(ModelError) as err:
        http_get(hostile.url + "endless", file_sink(out, full), Limits(10**9, timeout=5, deadline=30))
    assert str(err.value) == "/dev/full: no space left on the device (download stopped and removed)"


def test_a_content_length_that_is_not_a_number_is_refused(home: Home, hostile: Hostile) -> None:
    def answer(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "12abc")
        h.end_headers()
        h.wfile.write(b"PK\x03\x04" + b"x" * 8)

    hostile.routes["/vi.argosmodel"] = answer
    url = hostile.index([entry("vi.argosmodel")])
    assert_one_line(home.run("fetch", "vi", "--index", url), "invalid Content-Length '12abc'")
    home.assert_untouched()


def test_drip_fed_headers_hit_the_deadline(home: Home, hostile: Hostile) -> None:
    hostile.routes["/index.json"] = hostile.drip_headers(0.3)
    assert_one_line(
        home.run(
            "fetch",
            "vi",
            "--index",
            hostile.url + "index.json",
            "--timeout",
            "2",
            "--deadline",
            "3",
            timeout=40,
        ),
        f"{hostile.url}index.json: not finished within 3 s",
    )
    home.assert_untouched()


def test_endless_download_stops_at_the_declared_size(home: Home, hostile: Hostile) -> None:
    hostile.routes["/vi.argosmodel"] = hostile.stream(b"\0" * 65536, 0.0)
    url = hostile.index([entry("vi.argosmodel", size=200_000)])
    assert_one_line(
        home.run("fetch", "vi", "--index", url),
        f"{hostile.url}vi.argosmodel: larger than the 200000 bytes the index declares",
    )
    home.assert_untouched()


def test_content_length_over_the_declared_size_is_refused_unread(home: Home, hostile: Hostile) -> None:
    hostile.routes["/vi.argosmodel"] = hostile.stream(b"\0", 0.5, length=10**12)
    url = hostile.index([entry("vi.argosmodel", size=1000)])
    assert_one_line(home.run("fetch", "vi", "--index", url), "(Content-Length 1000000000000)")
    home.assert_untouched()


def test_short_download_against_the_declared_size(
    home: Home, hostile: Hostile, build_argosmodel: Build
) -> None:
    vi = build_argosmodel("en", "vi").read_bytes()
    hostile.routes["/vi.argosmodel"] = hostile.body(vi)
    url = hostile.index([entry("vi.argosmodel", size=len(vi) + 1)])
    assert_one_line(
        home.run("fetch", "vi", "--index", url), f"{len(vi)} bytes, the index declares {len(vi) + 1}"
    )
    home.assert_untouched()


@pytest.mark.parametrize("target", ["ftp://127.0.0.1/x.argosmodel", "file:///etc/passwd"])
def test_redirect_off_http_is_refused(home: Home, hostile: Hostile, target: str) -> None:
    hostile.routes["/vi.argosmodel"] = hostile.redirect(target)
    url = hostile.index([entry("vi.argosmodel")])
    assert_one_line(
        home.run("fetch", "vi", "--index", url),
        f"{hostile.url}vi.argosmodel: redirect to {target!r} is not an http(s) URL",
    )
    home.assert_untouched()


def test_undeclared_size_has_an_absolute_cap(tmp_path: Path, hostile: Hostile) -> None:
    hostile.routes["/vi.argosmodel"] = hostile.stream(b"\0" * 65536, 0.0)
    url = hostile.index([entry("vi.argosmodel")])
    root = tmp_path / "models"
    with pytest.raises(ModelError, match=r"larger than the 300000 bytes allowed without a declared size"):
        fetch(["vi"], url, root=root, max_download_bytes=300_000)
    assert list(root.iterdir()) == []


def test_declared_size_over_the_free_space_is_refused_before_downloading(
    tmp_path: Path, hostile: Hostile, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = hostile.index([entry("vi.argosmodel", size=10**9)])
    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda p: real(p)._replace(free=10**9))
    root = tmp_path / "models"
    with pytest.raises(ModelError, match=r"needs about 2000000000 bytes, 1000000000 are free"):
        fetch(["vi"], url, root=root)
    assert list(root.iterdir()) == [] and "/vi.argosmodel" not in hostile.requests


def test_fetch_still_installs_from_a_good_index(
    home: Home, hostile: Hostile, build_argosmodel: Build
) -> None:
    vi = build_argosmodel("en", "vi")
    hostile.routes["/p/translate-en_vi.argosmodel"] = hostile.body(vi.read_bytes())
    hostile.routes["/moved/translate-en_vi.argosmodel"] = hostile.redirect("/p/translate-en_vi.argosmodel")
    url = hostile.index(
        [
            entry(
                "moved/translate-en_vi.argosmodel",  # a relative link, then an http redirect: both fine
                size=vi.stat().st_size,
                sha256=hashlib.sha256(vi.read_bytes()).hexdigest().upper(),
            )
        ]
    )
    proc = home.run("fetch", "vi", "--index", url)
    assert proc.returncode == 0, proc.stderr
    assert sorted(read_lock(home.lock)) == ["en-vi", "zh-en"]
    assert sorted(p.name for p in home.models.iterdir()) == ["translate-en_vi-1_0", "translate-zh_en-1_0"]
    assert list((home.tmp / "tmpdir").iterdir()) == []
    assert hostile.requests == [
        "/index.json",
        "/moved/translate-en_vi.argosmodel",
        "/p/translate-en_vi.argosmodel",
    ]


@pytest.mark.parametrize(("sig", "name"), [(signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "Ctrl-C")])
def test_signal_mid_download_removes_the_partial_file(
    home: Home, hostile: Hostile, sig: signal.Signals, name: str
) -> None:
    hostile.routes["/vi.argosmodel"] = hostile.stream(b"\0" * 65536, 0.05)  # endless, steady
    url = hostile.index([entry("vi.argosmodel")])
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, *home.argv("fetch", "vi", "--index", url)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=home.env(),
        cwd=home.tmp / "work",
    )
    try:
        partial: list[Path] = []
        for _ in range(300):  # up to 30 s for the download to start writing
            partial = [p for p in home.models.glob(".fetch-*/*") if p.stat().st_size > 100_000]
            if partial or proc.poll() is not None:
                break
            time.sleep(0.1)
        assert partial, "the download never started"
        proc.send_signal(sig)
        _out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 1 and "Traceback" not in err, err
    assert err.splitlines() == [
        f"error: {url}: stopped by {name}; temporary files removed, no package left half-installed"
    ]
    home.assert_untouched()


# --- library edges ---------------------------------------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.sampled_from(["en", "vi", "x", "file:///x", "http://h/x"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["from_code", "to_code", "links", "sha256", "size", "type", "package_version"]),
            inner,
            max_size=6,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(data=st.lists(_JSON, max_size=4) | _JSON)
def test_any_index_json_is_typed_or_refused(data: object) -> None:
    url = "http://127.0.0.1:9/index.json"
    try:
        entries = parse_index(data, url)
    except ModelError as exc:
        assert str(exc).startswith(f"{url}: ") or "is not an http(s) URL" in str(exc)
        assert "\n" not in str(exc)
        return
    for e in entries:
        assert isinstance(e, IndexEntry) and e.links
        assert all(link.startswith(("http://", "https://")) for link in e.links)


class _ShortTranslator:
    engine = "fake"

    def translate(self, texts: object) -> list[str]:
        return []


def test_engine_miscount_is_a_ggmulti_error() -> None:
    with pytest.raises(EngineUnavailable, match="fake returned 0 translations for 2 sentences"):
        translate_text("One sentence. Another one.", _ShortTranslator(), "en", "vi")  # type: ignore[arg-type]


def test_translate_of_a_latin1_file_is_one_line(home: Home) -> None:
    text = home.tmp / "latin1.txt"
    text.write_bytes("Caf\u00e9 ouvert.".encode("latin-1"))
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            CLI,
            "translate",
            "--from",
            "en",
            "--to",
            "vi",
            "--no-cache",
            "--no-glossary",
            "--models-dir",
            str(home.models),
            str(text),
        ],
        capture_output=True,
        text=True,
        timeout=BOUND,
        env=home.env(),
        cwd=home.tmp / "work",
    )
    assert_one_line(proc, f"{text}: not UTF-8 text (byte 0xe9 cannot be decoded)")
    home.assert_untouched()
