"""Packages from an Argos-format index: the index read, the newest matching package downloaded (through
http.py) into a hidden folder inside the models folder, verified against the index and models.lock,
then installed; the folder is removed on every exit path.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import EngineUnavailable, GgmultiError, ModelError
from .archive import InstallResult, install
from .http import Limits, check_http_url, file_sink, http_get, write_error
from .limits import NETWORK_DEADLINE, NETWORK_TIMEOUT, PUBLIC_INDEX_URL
from .lockfile import LockEntry, read_lock, write_lock
from .models import (
    ARCHIVE_NAME,
    MAX_DOWNLOAD_BYTES,
    MAX_INDEX_BYTES,
    SHA256_HEX,
    PackageMeta,
    check_lang_code,
    find_model,
    packages_dir,
    pair_name,
    parse_metadata,
    sha256_file,
)


@dataclass(frozen=True)
class IndexEntry:
    """One translate package of an index, typed once when the index is read."""

    meta: PackageMeta
    links: tuple[str, ...]  # absolute http(s) URLs, resolved against the index URL
    sha256: str | None = None  # lowercase, when the index gives one
    size: int | None = None  # bytes of the .argosmodel, when the index gives it (ggmulti extension)


def parse_index(data: object, url: str) -> tuple[IndexEntry, ...]:
    """An Argos-format index (a JSON list of package metadata with links); non-translate entries skipped."""
    if not isinstance(data, list):
        raise ModelError(f"{url}: package index is not a JSON list")
    entries: list[IndexEntry] = []
    for i, item in enumerate(data):
        where = f"{url}: entry {i}"
        if not isinstance(item, dict):
            raise ModelError(f"{where} is not a JSON object")
        kind = item.get("type", "translate")
        if not isinstance(kind, str):
            raise ModelError(f"{where}: 'type' is not a string")
        if kind != "translate":
            continue
        meta = parse_metadata(item, where)
        where = f"{where} ({meta.from_code}-{meta.to_code})"
        links = item.get("links")
        if not isinstance(links, list) or not links or not all(isinstance(x, str) for x in links):
            raise ModelError(f"{where}: 'links' must be a non-empty list of URL strings")
        try:
            resolved = tuple(urllib.parse.urljoin(url, link) for link in links)
        except ValueError as exc:
            raise ModelError(f"{where}: unusable link ({exc})") from exc
        for link, absolute in zip(links, resolved, strict=True):
            check_http_url(absolute, f"{where}: link" + (f" {link!r} ->" if link != absolute else ""))
        sha = item.get("sha256")
        if sha is not None and not (isinstance(sha, str) and SHA256_HEX.fullmatch(sha.lower())):
            raise ModelError(f"{where}: 'sha256' is not 64 hex digits")
        size = item.get("size")
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size <= 0):
            raise ModelError(f"{where}: 'size' is not a positive number of bytes")
        entries.append(IndexEntry(meta, resolved, sha.lower() if sha else None, size))
    return tuple(entries)


def load_index(
    url: str, timeout: float = NETWORK_TIMEOUT, deadline: float = NETWORK_DEADLINE
) -> tuple[IndexEntry, ...]:
    """An Argos-format package index, size-capped, within the read timeout and the deadline."""
    check_http_url(url, "--index")
    buffer = bytearray()
    http_get(url, buffer.extend, Limits(MAX_INDEX_BYTES, timeout, deadline, "a package index may be"))
    try:
        data = json.loads(buffer.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ModelError(f"{url}: package index is not valid JSON") from exc
    return parse_index(data, url)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(x[:18]) for x in re.findall(r"\d+", version))


def _archive_file_name(entry: IndexEntry, from_code: str, lang: str) -> str:
    name = PurePosixPath(urllib.parse.urlsplit(entry.links[0]).path).name
    return name if ARCHIVE_NAME.fullmatch(name) else f"translate-{from_code}_{lang}.argosmodel"


def _download(entry: IndexEntry, dest: Path, limits: Limits) -> str:
    """Stream the first link that answers into ``dest``; return its URL."""
    last: EngineUnavailable | None = None
    for url in entry.links:
        try:
            with dest.open("wb", buffering=0) as out:  # unbuffered: a full disk is seen at the write
                http_get(url, file_sink(out, dest), limits)
                os.fsync(out.fileno())
            return url
        except EngineUnavailable as exc:
            last = exc
        except OSError as exc:
            raise write_error(dest, exc) from exc
    assert last is not None  # parse_index refuses entries without links
    raise last


def fetch(
    langs: Sequence[str],
    index_url: str = PUBLIC_INDEX_URL,
    *,
    from_code: str = "en",
    root: Path | None = None,
    lock_path: Path | None = None,
    timeout: float = NETWORK_TIMEOUT,
    deadline: float = NETWORK_DEADLINE,
    max_download_bytes: int = MAX_DOWNLOAD_BYTES,
) -> list[InstallResult]:
    """Download and install from_code->LANG packages from an index, verifying index and lock sha256.

    Downloads go to a hidden folder inside the models folder (same file system as the install, never
    $TMPDIR), removed on every exit path; the caller turns SIGTERM into an exception so that holds.
    """
    root = root or packages_dir()
    check_lang_code(from_code, "--from")
    for lang in langs:
        check_lang_code(lang, "language")
    check_http_url(index_url, "--index")
    lock = read_lock(lock_path) if lock_path else {}
    wanted = [(lang, pair_name(from_code, lang)) for lang in langs]
    todo = []
    for lang, pair in wanted:
        installed = find_model(from_code, lang, root)
        pinned = lock.get(pair)
        if installed and installed.sha256 and (pinned is None or pinned.sha256 == installed.sha256):
            if pinned is None and lock_path is not None:  # record what is installed, as install would have
                lock[pair] = LockEntry(
                    installed.file or installed.path.name, installed.version, installed.sha256
                )
                write_lock(lock_path, lock)
            continue  # already here and consistent with the lock: no network needed
        todo.append((lang, pair))
    if not todo:
        return []
    index = load_index(index_url, timeout, deadline)
    results: list[InstallResult] = []
    problems: list[str] = []
    for lang, pair in todo:
        try:
            results.append(
                _fetch_one(
                    index,
                    index_url,
                    from_code,
                    lang,
                    lock.get(pair),
                    root,
                    lock_path,
                    timeout,
                    deadline,
                    max_download_bytes,
                )
            )
            lock = read_lock(lock_path) if lock_path else {}
        except GgmultiError as exc:
            problems.append(str(exc))
    if problems:
        raise ModelError("\n".join(problems))
    return results


def _fetch_one(
    index: Sequence[IndexEntry],
    index_url: str,
    from_code: str,
    lang: str,
    pinned: LockEntry | None,
    root: Path,
    lock_path: Path | None,
    timeout: float,
    deadline: float,
    max_download_bytes: int,
) -> InstallResult:
    pair = pair_name(from_code, lang)
    candidates = [e for e in index if e.meta.serves(from_code, lang)]
    if pinned is not None and pinned.package_version:
        candidates = [e for e in candidates if e.meta.version == pinned.package_version]
    if not candidates:
        pin = f" version {pinned.package_version} pinned in models.lock" if pinned else ""
        raise ModelError(f"{index_url}: no {pair} package{pin}")
    entry = max(candidates, key=lambda e: _version_key(e.meta.version))
    if entry.size is not None and entry.size > max_download_bytes:
        raise ModelError(
            f"{index_url}: the {pair} package declares {entry.size} bytes, over {max_download_bytes}"
        )
    limits = Limits(
        entry.size or max_download_bytes,
        timeout,
        deadline,
        "the index declares" if entry.size else "allowed without a declared size",
    )
    name = _archive_file_name(entry, from_code, lang)
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".fetch-", dir=root))
    except OSError as exc:
        raise ModelError(f"{root}: cannot create the models folder ({exc.strerror or exc})") from exc
    try:
        free = shutil.disk_usage(tmp).free
        if entry.size is not None and 2 * entry.size > free:  # the archive, then about as much unpacked
            raise ModelError(
                f"{root}: the {pair} package needs about {2 * entry.size} bytes, {free} are free"
            )
        dest = tmp / name
        url = _download(entry, dest, limits)
        if entry.size is not None and dest.stat().st_size != entry.size:
            raise ModelError(f"{url}: {dest.stat().st_size} bytes, the index declares {entry.size}")
        got = sha256_file(dest)
        if entry.sha256 is not None and got != entry.sha256:
            raise ModelError(f"{name}: downloaded sha256 {got} does not match the index ({entry.sha256})")
        if pinned is not None and got != pinned.sha256:
            raise ModelError(
                f"{name}: downloaded sha256 {got} does not match models.lock for {pair} ({pinned.sha256})"
            )
        return install(dest, got, root=root, lock_path=lock_path, record_name=name, expect=(from_code, lang))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
