"""Configured paths never take over files that are not ggmulti's.

A cache may be set aside and rebuilt when it is damaged, but only when it is one: a path in
ggmulti.toml that names someone's text file, another site's ``manifest.json`` or another program's
database is refused, and the file is neither renamed nor written. Caches and the memory folder stay
out of the output folder, which holds only what the manifest lists.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from .errors import ConfigError, OutputError
from .readpolicy import path_length_problem, read_head, shown

SQLITE_HEADER = b"SQLite format 3\x00"
# Every table a ggmulti cache has had (translation cache and work cache); anything else is a stranger's.
CACHE_TABLES = frozenset({"translations", "scores", "work", "blobs", "files"})


def foreign_reason(path: Path) -> str | None:
    """Why ``path`` must not be used as a ggmulti cache; None when it is absent, empty or ggmulti's.

    A file with the SQLite header that cannot be read is taken for a damaged cache of ours (the
    caller sets it aside); a readable database with tables of its own is someone else's.
    """
    try:
        head = read_head(path, len(SQLITE_HEADER))
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
        return None  # nothing to take over: the caches report an unusable place and build without one
    except OSError as exc:
        if "not a regular file" in str(exc):
            return f"{exc} and not a ggmulti cache"
        return None
    if not head:
        return None
    if head != SQLITE_HEADER:
        return "exists and is not a ggmulti cache (not an SQLite database)"
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"  # a look that writes nothing beside it
        with sqlite3.connect(uri, uri=True) as db:
            tables = {
                str(row[0]) for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
        db.close()
    except sqlite3.Error:
        return None
    strangers = sorted(tables - CACHE_TABLES)
    if strangers:
        return f"is an SQLite database that is not a ggmulti cache (tables {', '.join(strangers[:5])})"
    return None


def refuse_foreign_cache(path: Path, key: str = "[translation] cache") -> None:
    """ConfigError (one line) when ``path`` is a file ggmulti does not own."""
    reason = foreign_reason(path)
    if reason is not None:
        raise ConfigError([f"{key}: {path} {reason}; ggmulti will not rename or overwrite it"])


def check_output_folder(out: Path, places: Iterable[tuple[str, Path | None]]) -> None:
    """OutputError when ``out`` cannot exist; ConfigError when a cache or the memory folder lies in it.

    Looked at before a build makes anything (its caches included).
    """
    problem = path_length_problem(out)
    if problem is not None:
        raise OutputError(f"{shown(out)[:80]}...: cannot be an output folder: {problem}")
    root = out.resolve()
    problems = []
    for key, place in places:
        if place is None:
            continue
        where = place.resolve()
        if where == root or where.is_relative_to(root):
            problems.append(
                f"{key}: {place} lies inside the output folder {out}, which holds only published files; "
                "move it out"
            )
    if problems:
        raise ConfigError(problems)
