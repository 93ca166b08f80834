"""Worker processes die with their build.

A build killed with SIGKILL runs no cleanup, so its workers must notice on their own: the kernel's
parent-death signal (Linux ``prctl(PR_SET_PDEATHSIG)``) kills them at once, and a thread that watches
the parent's pid is the fallback where prctl is unavailable or the parent died before it was set.
Workers are started with ``spawn`` or as ``python -m`` children, never ``fork``, so they hold no
descriptor of the build's (the output-folder lock, sockets of other workers): a forked child keeps
every descriptor open whatever its close-on-exec flag says.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import threading
import time

PARENT_ENV = "GGMULTI_BUILD_PID"  # how a ``python -m`` worker learns which process it belongs to
_PR_SET_PDEATHSIG = 1
WATCH_INTERVAL = 0.5  # seconds between two looks at the parent in the fallback watch


def _set_parent_death_signal() -> bool:
    """Ask the kernel for SIGKILL when the parent goes; False where that is not possible."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_INTERVAL)
    os._exit(1)


def tie_to_parent(parent: int, *, ignore_interrupt: bool = True) -> None:
    """Make this (worker) process end when ``parent`` does; call it first thing in the worker.

    Ctrl-C reaches every process of the terminal's group. A pool worker ignores it and leaves
    stopping to the build, which kills its pool at once; a speech worker (``ignore_interrupt=False``)
    stops with it, so the build's threads waiting on it are released at once.
    """
    if ignore_interrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _set_parent_death_signal()
    if os.getppid() != parent:  # the build died before the signal was armed
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="ggmulti-parent-watch", daemon=True).start()


def tie_from_environment() -> None:
    """``tie_to_parent`` for a ``python -m`` worker whose build named itself in ``PARENT_ENV``."""
    value = os.environ.get(PARENT_ENV, "")
    if value.isdigit():
        tie_to_parent(int(value), ignore_interrupt=False)


def worker_environment() -> dict[str, str]:
    """The environment for a ``python -m`` worker of this process (see ``tie_from_environment``)."""
    return {**os.environ, PARENT_ENV: str(os.getpid())}


def terminate(pool: object) -> None:
    """Kill a process pool's workers now (a build stopping on an error or Ctrl-C does not wait for them).

    ``ProcessPoolExecutor`` has no public way before Python 3.14; its ``_processes`` map is read with
    care so that a changed private layout means only that the pool's own shutdown waits for them.
    """
    found = getattr(pool, "_processes", None)
    if not isinstance(found, dict):
        return
    for process in list(found.values()):
        with contextlib.suppress(OSError, AttributeError, ValueError):
            process.kill()
