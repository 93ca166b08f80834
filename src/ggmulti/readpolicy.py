"""One reading policy for every file ggmulti opens: sources, config, lock files, memories, manifests.

- Only regular files are read. The kind is looked at before the open, and the open is non-blocking
  and checked again, so a FIFO cannot hang a command and ``/dev/zero`` cannot fill memory.
- At most ``limit`` bytes are read, whatever the file claims its size is.
- Structured text is nested at most ``MAX_DEPTH`` levels (JSON is measured before it is parsed;
  TOML's parser is pure Python and its recursion is caught), so nesting costs no traceback.
- Every failure is one line naming the file, raised as the caller's error class.
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

MAX_DEPTH = 100  # no file ggmulti reads nests deeper; a JSON or TOML file that does is refused
MAX_CONFIG_BYTES = 1024 * 1024
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)

Fail = Callable[[str], Exception]


def shown(path: Path | str) -> str:
    """A path as text that is safe to print: undecodable bytes in file names become escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def not_regular(mode: int) -> str | None:
    """What a file of this mode is, when it is not a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def _open_regular(path: Path, flags: int) -> int:
    """A descriptor of the regular file ``path``; OSError for anything else (ENOTSUP carries its kind)."""
    kind = not_regular(os.stat(path).st_mode)  # before open: opening a FIFO for reading blocks
    if kind is not None:
        raise _NotRegular(kind)
    fd = os.open(path, flags | os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    kind = not_regular(os.fstat(fd).st_mode)
    if kind is not None:  # swapped since the stat
        os.close(fd)
        raise _NotRegular(kind)
    return fd


class _NotRegular(OSError):
    def __init__(self, kind: str) -> None:
        super().__init__(f"is {kind}, not a regular file")
        self.kind = kind


def read_head(path: Path, size: int) -> bytes:
    """The first ``size`` bytes of a regular file; OSError (FileNotFoundError, IsADirectoryError, ...)."""
    try:
        fd = _open_regular(path, 0)
    except _NotRegular as exc:
        if exc.kind == "a folder":
            raise IsADirectoryError(str(path)) from None
        raise
    with os.fdopen(fd, "rb") as handle:
        return handle.read(size)


def read_bytes(
    path: Path,
    *,
    limit: int,
    fail: Fail,
    what: str = "file",
    name: Path | None = None,
    nofollow: bool = False,
) -> bytes:
    """The bytes of the regular file ``path`` (at most ``limit``), or ``fail(one line naming it)``."""
    where = shown(name or path)
    try:
        info = os.stat(path)
        if info.st_size > limit:
            raise fail(f"{where}: {info.st_size:,} bytes is over the {limit:,}-byte limit for a {what}")
        fd = _open_regular(path, os.O_NOFOLLOW if nofollow else 0)
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(limit + 1)
    except _NotRegular as exc:
        if exc.kind == "a folder":
            raise fail(f"{where}: is a folder") from None
        raise fail(f"{where}: {exc}; a {what} must be a regular file") from None
    except FileNotFoundError:
        raise fail(f"{where}: no such file or folder") from None
    except OSError as exc:
        raise fail(f"{where}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise fail(f"{where}: over the {limit:,}-byte limit for a {what} (it grew while read)")
    return data


def read_text(path: Path, *, limit: int, fail: Fail, what: str = "file") -> str:
    """``read_bytes`` decoded as UTF-8."""
    data = read_bytes(path, limit=limit, fail=fail, what=what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise fail(f"{shown(path)}: not UTF-8 text") from None


def loads_json(data: str | bytes, where: str, fail: Fail, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parsed JSON, or ``fail`` naming ``where``: invalid, or nested deeper than ``max_depth``.

    The C decoder raises RecursionError (not a crash) when nesting passes the interpreter's limit.
    """
    try:
        value = json.loads(data.decode("utf-8") if isinstance(data, bytes) else data)
    except RecursionError:
        raise fail(f"{where}: JSON nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise fail(f"{where}: not valid JSON ({exc})") from None
    if _depth(value, max_depth) > max_depth:
        raise fail(f"{where}: JSON nested deeper than {max_depth} levels")
    return value


def _depth(value: Any, stop: int) -> int:
    """Nesting of parsed JSON (lists and objects), looked at no deeper than ``stop`` + 1 levels."""
    level = 0
    current = [value]
    while current and level <= stop:
        nested = [
            v
            for c in current
            if isinstance(c, list | dict)
            for v in (c.values() if isinstance(c, dict) else c)
        ]
        if not any(isinstance(c, list | dict) for c in current):
            break
        level += 1
        current = nested
    return level


def loads_toml(text: str, where: str, fail: Fail) -> dict[str, object]:
    """Parsed TOML, or ``fail`` naming ``where``; nesting past Python's recursion limit is refused."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fail(f"{where}: invalid TOML: {exc}") from None
    except RecursionError:
        raise fail(f"{where}: invalid TOML: nested too deeply") from None


NAME_MAX = 255  # bytes in one file or folder name (Linux file systems)
PATH_MAX = 4095  # bytes in a whole path


def path_length_problem(path: Path) -> str | None:
    """Why ``path`` cannot exist on this system (a name or the whole path too long); None when it can."""
    for part in path.parts:
        size = len(os.fsencode(part))
        if size > NAME_MAX:
            return (
                f"the name {shown(part)[:40]}... is {size} bytes, over the {NAME_MAX}-byte limit for a name"
            )
    size = len(os.fsencode(os.path.abspath(path)))
    if size > PATH_MAX:
        return f"the path is {size} bytes, over the {PATH_MAX}-byte limit"
    return None
