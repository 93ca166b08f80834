"""Workers are tied to their build: a build killed at any moment (SIGKILL, SIGTERM, Ctrl-C) leaves no
process behind and no lock held, and the next publish completes the folder and verifies clean."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
TIMEOUT = 300  # seconds for a whole publish of the project below (PDF and audio on 2 shared cores)
GONE_WITHIN = 5.0  # seconds after the build's death by which no worker may remain
RELEASES = 6  # enough editions for the PDF stage to use its worker pool (4 or more)
BUSY = 2.0  # seconds the workers run before the build is killed
PARAGRAPHS = 60  # long enough that a PDF worker is still busy when the build is killed

BODY = (
    "Gyeonggi Province opened a new support center for foreign residents in Suwon on Monday. "
    "The center offers free interpretation, legal advice and Korean language classes every weekday."
)
CONFIG = """[publisher]
url = "http://localhost:8000/"
[build]
languages = ["en"]
formats = ["html", "pdf", "audio"]
workers = 2
[translation]
cache = "cache/translations.sqlite"
"""
_MAIN = "import sys; from ggmulti.cli import main; sys.exit(main(sys.argv[1:]))"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for folder in ("glossary", "models", "releases", "xdg"):
        (root / folder).mkdir(parents=True)
    (root / "ggmulti.toml").write_text(CONFIG, encoding="utf-8")
    for n in range(RELEASES):
        text = (
            f"---\nid: r{n}\ntitle: Release {n}\nlang: en\ndate: 2025-11-1{n}\n---\n\n"
            + f"{BODY}\n\n" * PARAGRAPHS
        )
        (root / "releases" / f"r{n}.md").write_text(text, encoding="utf-8")
    return root


def _env(root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, (str(SRC), os.environ.get("PYTHONPATH")))),
        "GGMULTI_MODELS_DIR": str(root / "models"),
        "ARGOS_PACKAGES_DIR": str(root / "models"),
        "XDG_CACHE_HOME": str(root / "xdg"),
    }


def _argv(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-c", _MAIN, "--config", str(root / "ggmulti.toml"), *args]


def session_members(sid: int) -> set[int]:
    """Every live (not zombie) process of session ``sid``: the build and whatever it started."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z" and int(fields[3]) == sid:  # state, ppid, pgrp, session
            found.add(int(entry.name))
    return found


def _start(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        _argv(root, "publish", "releases", "--out", "out", "-q"),
        cwd=root,
        env=_env(root),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own session: every worker it starts is found by session id
    )


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def is_pdf_worker(pid: int) -> bool:
    """A PDF pool worker: a child that is neither a speech worker nor multiprocessing's resource tracker."""
    line = _cmdline(pid)
    return bool(line) and "ggmulti.speech.espeak" not in line and "resource_tracker" not in line


def is_speech_worker(pid: int) -> bool:
    return "ggmulti.speech.espeak" in _cmdline(pid)


def _wait_for_workers(build: subprocess.Popen[bytes], kind: Callable[[int], bool]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while sum(1 for pid in session_members(build.pid) - {build.pid} if kind(pid)) < 2:
        assert build.poll() is None, "the build ended before it started its workers"
        assert time.monotonic() < deadline, "no workers started"
        time.sleep(0.05)


def _assert_session_empties(sid: int) -> float:
    start = time.monotonic()
    while session_members(sid):
        if time.monotonic() - start > GONE_WITHIN:
            left = session_members(sid)
            for pid in left:  # clean up before failing, so no orphan outlives the test
                os.kill(pid, signal.SIGKILL)
            pytest.fail(f"{len(left)} process(es) of the build still running {GONE_WITHIN} s after it died")
        time.sleep(0.05)
    return time.monotonic() - start


def _finish_and_verify(root: Path) -> None:
    done = subprocess.run(
        _argv(root, "publish", "releases", "--out", "out", "-q"),
        cwd=root,
        env=_env(root),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    assert "another ggmulti build" not in done.stderr
    check = subprocess.run(
        _argv(root, "verify", "out"),
        cwd=root,
        env=_env(root),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert len(list((root / "out" / "en").glob("r*.pdf"))) == RELEASES
    assert len(list((root / "out" / "en").glob("r*.mp3"))) == RELEASES


@pytest.mark.parametrize(
    ("sig", "stage"),
    [
        (signal.SIGKILL, is_pdf_worker),
        (signal.SIGTERM, is_pdf_worker),
        (signal.SIGINT, is_pdf_worker),
        (signal.SIGKILL, is_speech_worker),
        (signal.SIGINT, is_speech_worker),
    ],
    ids=["kill-pdf", "term-pdf", "ctrl-c-pdf", "kill-speech", "ctrl-c-speech"],
)
def test_a_killed_build_leaves_no_worker_and_the_next_run_completes(
    project: Path, sig: signal.Signals, stage: Callable[[int], bool]
) -> None:
    build = _start(project)
    try:
        _wait_for_workers(build, stage)  # two workers of that stage at work
        time.sleep(BUSY)  # killed in the middle of their work, not between two jobs
        if sig == signal.SIGINT:
            os.killpg(build.pid, sig)  # Ctrl-C in a terminal reaches the whole process group
        else:
            build.send_signal(sig)
        build.wait(timeout=GONE_WITHIN)
        _assert_session_empties(build.pid)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
    _finish_and_verify(project)


def test_a_worker_whose_parent_already_died_exits_at_once() -> None:
    """The race the parent-death signal leaves open: the build dies before the worker arms it."""
    code = subprocess.run(
        [sys.executable, "-c", "from ggmulti.lifetime import tie_to_parent; tie_to_parent(1)"],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        timeout=60,
        check=False,
    ).returncode
    assert code == 1


GRANDCHILD = """
import os, sys, time
from ggmulti import lifetime
lifetime._set_parent_death_signal = lambda: False  # the fallback alone: as where prctl is missing
lifetime.tie_to_parent(os.getppid())
print(os.getpid(), flush=True)
time.sleep(60)
"""
CHILD = """
import subprocess, sys
worker = subprocess.Popen([sys.executable, "-c", sys.argv[1]], stdout=subprocess.PIPE, text=True)
print(worker.stdout.readline().strip(), flush=True)
"""


def test_without_the_parent_death_signal_the_watch_ends_the_worker() -> None:
    child = subprocess.run(
        [sys.executable, "-c", CHILD, GRANDCHILD],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    worker = int(child.stdout.strip())
    start = time.monotonic()
    while Path(f"/proc/{worker}").exists() and "Z" not in _state(worker):
        if time.monotonic() - start > GONE_WITHIN:
            os.kill(worker, signal.SIGKILL)
            pytest.fail("the worker outlived its parent")
        time.sleep(0.05)


def _state(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "Z"
    return stat[stat.rindex(")") + 2]
