"""Installing and removing ``.argosmodel`` archives: every size capped from the headers and again while
unpacking (a zip bomb is refused naming its member), unpacked into a hidden folder inside the models
folder and swapped in, the folder removed on every exit path.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import stat
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelError
from .lockfile import LockEntry, check_lock, read_lock, write_lock
from .models import (
    INSTALL_RECORD,
    MAX_MEMBER_RATIO,
    MAX_MEMBERS,
    MAX_METADATA_BYTES,
    MAX_UNPACK_RATIO,
    MAX_UNPACKED_BYTES,
    RATIO_FREE_BYTES,
    RATIO_FREE_MEMBER,
    SHA256_HEX,
    InstalledModel,
    PackageMeta,
    installed_models,
    packages_dir,
    pair_name,
    parse_metadata_json,
    parse_pair,
    read_package,
    scan_packages,
    sha256_file,
)


@dataclass(frozen=True)
class _Member:
    info: zipfile.ZipInfo
    parts: tuple[str, ...]  # normalized: no empty or "." components, NFC


@dataclass(frozen=True)
class _ArchivePlan:
    """An archive that passed every check before extraction: what to unpack and the byte limit."""

    top: str
    meta: PackageMeta
    members: tuple[_Member, ...]
    max_bytes: int


def _unpack_limit(archive_bytes: int, max_unpacked_bytes: int) -> tuple[int, str]:
    """Bytes a package may unpack to: the absolute cap, or the ratio cap for a small archive."""
    by_ratio = max(RATIO_FREE_BYTES, MAX_UNPACK_RATIO * archive_bytes)
    if by_ratio < max_unpacked_bytes:
        return by_ratio, f" ({MAX_UNPACK_RATIO}x its {archive_bytes}-byte archive)"
    return max_unpacked_bytes, ""


def _member_parts(name: str, where: str) -> tuple[str, ...]:
    """A member name as path components; refuses anything that could escape or hide."""
    if (
        "\\" in name
        or name.startswith("/")
        or re.match(r"[A-Za-z]:", name)
        or any(unicodedata.category(c) == "Cc" for c in name)
    ):
        raise ModelError(f"{where}: unsafe member path {name!r}")
    parts = tuple(unicodedata.normalize("NFC", p) for p in name.split("/") if p not in ("", "."))
    if not parts or ".." in parts:
        raise ModelError(f"{where}: unsafe member path {name!r}")
    return parts


def _fold(parts: tuple[str, ...]) -> tuple[str, ...]:
    """Compare names as a case-insensitive file system would, so no two members land on one path."""
    return tuple(p.casefold() for p in parts)


def _plan_archive(
    archive: zipfile.ZipFile, where: str, archive_bytes: int, max_unpacked: int
) -> _ArchivePlan:
    """Check every header before anything is written: names, kinds, sizes, one top folder, metadata."""
    infos = archive.infolist()
    if not infos:
        raise ModelError(f"{where}: empty archive")
    if len(infos) > MAX_MEMBERS:
        raise ModelError(f"{where}: {len(infos)} members (limit {MAX_MEMBERS})")
    max_bytes, why = _unpack_limit(archive_bytes, max_unpacked)
    members: list[_Member] = []
    files: dict[tuple[str, ...], str] = {}
    dirs: dict[tuple[str, ...], str] = {}  # every folder a member needs, explicit or implied
    explicit_dirs: set[tuple[str, ...]] = set()
    total = 0
    for info in infos:
        name = info.filename
        parts = _member_parts(name, where)
        kind = stat.S_IFMT(info.external_attr >> 16) if info.create_system == 3 else 0  # 3: unix modes
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise ModelError(f"{where}: member {name!r} is a link or special file")
        if info.flag_bits & 0x1:
            raise ModelError(f"{where}: member {name!r} is encrypted")
        key = _fold(parts)
        if key in files or key in explicit_dirs:
            other = files.get(key, name)
            raise ModelError(f"{where}: duplicate member {name!r} (same path as {other!r})")
        for i in range(1, len(parts)):
            dirs.setdefault(key[:i], name)
        if info.is_dir():
            explicit_dirs.add(key)
            dirs.setdefault(key, name)
        else:
            if len(parts) == 1:
                raise ModelError(f"{where}: file {name!r} outside the package folder")
            files[key] = name
            size = info.file_size
            total += size
            if total > max_bytes:
                raise ModelError(
                    f"{where}: unpacks to more than {max_bytes} bytes{why}, past member {name!r}"
                )
            if size > RATIO_FREE_MEMBER and size > MAX_MEMBER_RATIO * max(info.compress_size, 1):
                raise ModelError(
                    f"{where}: member {name!r} expands {size // max(info.compress_size, 1)}:1 "
                    f"(limit {MAX_MEMBER_RATIO}:1)"
                )
        members.append(_Member(info, parts))
    clash = sorted(files.keys() & dirs.keys())
    if clash:
        raise ModelError(
            f"{where}: {files[clash[0]]!r} is a file, but {dirs[clash[0]]!r} needs it to be a folder"
        )
    tops = {m.parts[0] for m in members}
    if len(tops) != 1:
        raise ModelError(f"{where}: expected exactly one top folder, found {len(tops)}")
    top = tops.pop()
    if top.startswith("."):
        raise ModelError(f"{where}: top folder {top!r} is hidden")
    exact = {m.parts: m for m in members if not m.info.is_dir()}
    if (top, INSTALL_RECORD) in exact:
        raise ModelError(f"{where}: {top}/{INSTALL_RECORD} is a name ggmulti reserves")
    meta_member = exact.get((top, "metadata.json"))
    if meta_member is None:
        raise ModelError(f"{where}: no {top}/metadata.json")
    if meta_member.info.file_size > MAX_METADATA_BYTES:
        raise ModelError(f"{where}: {top}/metadata.json is larger than {MAX_METADATA_BYTES} bytes")
    try:
        with archive.open(meta_member.info) as f:
            raw = f.read(MAX_METADATA_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
        raise ModelError(f"{where}: corrupt archive ({exc})") from exc
    meta = parse_metadata_json(raw, f"{where}: {top}/metadata.json")
    for required in (("model", "model.bin"), ("sentencepiece.model",)):
        if (top, *required) not in exact:
            raise ModelError(
                f"{where}: no {top}/{'/'.join(required)} (only CTranslate2 + SentencePiece packages run here)"
            )
    return _ArchivePlan(top, meta, tuple(members), max_bytes)


def _extract(archive: zipfile.ZipFile, plan: _ArchivePlan, dest: Path, where: str) -> None:
    """Unpack with our own copy loop, counting bytes: a lying size header cannot write more."""
    written = 0
    for member in plan.members:
        target = dest.joinpath(*member.parts)
        if member.info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        member_bytes = 0
        with archive.open(member.info) as src, target.open("xb") as out:
            while chunk := src.read(1 << 20):
                member_bytes += len(chunk)
                written += len(chunk)
                if member_bytes > member.info.file_size or written > plan.max_bytes:
                    raise ModelError(
                        f"{where}: {member.info.filename} unpacks past its declared size or the limit"
                    )
                out.write(chunk)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGTERM/SIGINT for the few renames that swap packages, so no signal lands between them."""
    held = {signal.SIGTERM, signal.SIGINT}
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover (Windows)
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _swap_in(new: Path, target: Path, old: Sequence[Path], attic: Path) -> None:
    """Move ``old`` packages into ``attic`` and ``new`` to ``target``; on any failure put them back."""
    moved: list[tuple[Path, Path]] = []
    with _signals_deferred():
        try:
            for i, path in enumerate(old):
                parked = attic / f"old-{i}"
                os.replace(path, parked)  # same file system: atomic per folder
                moved.append((path, parked))
            os.replace(new, target)
        except BaseException:
            for path, parked in reversed(moved):
                with contextlib.suppress(OSError):
                    os.replace(parked, path)
            raise


@dataclass(frozen=True)
class InstallResult:
    model: InstalledModel
    replaced: tuple[str, ...]  # package folders removed because they served the same pairs
    unchanged: bool  # the same file was already installed


def _archive_size(file: Path) -> int:
    try:
        info = file.stat()
    except OSError as exc:
        raise ModelError(f"{file}: cannot read ({exc.strerror or exc})") from exc
    if not stat.S_ISREG(info.st_mode):
        raise ModelError(f"{file}: not a regular file")
    return info.st_size


def install(
    file: Path,
    sha256: str | None = None,
    *,
    root: Path | None = None,
    lock_path: Path | None = None,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    record_name: str | None = None,
    expect: tuple[str, str] | None = None,
) -> InstallResult:
    """Verify ``file`` (sha256, zip safety, metadata, lock), unpack it atomically, record it in the lock.

    ``expect`` (from, to) refuses a package that does not serve the pair that was asked for. Only
    packages serving no pair outside the new one's are replaced; any other folder in the way is a refusal.
    """
    root = root or packages_dir()
    where = file.name
    if sha256 is not None and not SHA256_HEX.fullmatch(sha256.lower()):
        raise ModelError(f"--sha256 {sha256!r} is not 64 hex digits")
    archive_bytes = _archive_size(file)
    try:
        actual = sha256_file(file)
    except OSError as exc:
        raise ModelError(f"{file}: cannot read ({exc.strerror or exc})") from exc
    if sha256 is not None and actual != sha256.lower():
        raise ModelError(f"{where}: sha256 is {actual}, expected {sha256.lower()}")
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ModelError(f"{where}: not a zip archive ({exc})") from exc
    with archive:
        plan = _plan_archive(archive, where, archive_bytes, max_unpacked_bytes)
        meta, top = plan.meta, plan.top
        if expect is not None and not meta.serves(*expect):
            raise ModelError(
                f"{where}: {top}/metadata.json serves {meta.from_code}->{'/'.join(meta.targets)}, "
                f"not the {expect[0]}->{expect[1]} that was asked for"
            )
        lock = read_lock(lock_path) if lock_path else {}
        check_lock(lock, meta.pairs, actual, where)
        existing = [m for m in installed_models(root) if set(m.pairs) & set(meta.pairs)]
        for m in existing:
            extra = sorted(set(m.pairs) - set(meta.pairs))
            if extra:
                raise ModelError(
                    f"{where}: installing it would remove {m.path.name}, which also serves "
                    f"{', '.join(extra)}; remove that package first (ggmulti models remove PAIR)"
                )
        target = root / top
        if os.path.lexists(target) and target not in {m.path for m in existing}:
            raise ModelError(
                f"{where}: {target} already exists and is not a {'/'.join(meta.pairs)} package; "
                "refusing to replace a different package"
            )
        if any(m.sha256 == actual and m.path.name == top for m in existing) and len(existing) == 1:
            result = InstallResult(read_package(target), (), True)
        else:
            result = _unpack_and_swap(archive, plan, root, existing, actual, record_name or file.name, where)
    if lock_path is not None:
        entries = dict(lock)
        for pair in meta.pairs:
            entries[pair] = LockEntry(record_name or file.name, meta.version, actual)
        if entries != lock:
            write_lock(lock_path, entries)
    return result


def _unpack_and_swap(
    archive: zipfile.ZipFile,
    plan: _ArchivePlan,
    root: Path,
    existing: Sequence[InstalledModel],
    sha: str,
    record_name: str,
    where: str,
) -> InstallResult:
    """Unpack into a fresh hidden folder inside ``root``, then rename: never a half package in place."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".install-", dir=root))
    except OSError as exc:
        raise ModelError(f"{root}: cannot create the models folder ({exc.strerror or exc})") from exc
    old = sorted(m.path for m in existing)
    try:
        try:
            (staging / "new").mkdir()
            _extract(archive, plan, staging / "new", where)
            unpacked = staging / "new" / plan.top
            record = {"sha256": sha, "file": record_name}
            (unpacked / INSTALL_RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
            read_package(unpacked)  # what we unpacked must read back
            _swap_in(unpacked, root / plan.top, old, staging)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise ModelError(f"{where}: corrupt archive ({exc})") from exc
        except OSError as exc:
            raise ModelError(f"{where}: cannot unpack into {root} ({exc.strerror or exc})") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return InstallResult(read_package(root / plan.top), tuple(p.name for p in old), False)


def _discard(path: Path, root: Path) -> None:
    """Take a package folder out of ``root`` in one rename, then delete it (a link is only unlinked)."""
    try:
        if path.is_symlink():
            path.unlink()
            return
        attic = Path(tempfile.mkdtemp(prefix=".remove-", dir=root))
        os.replace(path, attic / "old")
    except OSError as exc:
        raise ModelError(f"{path}: cannot remove ({exc.strerror or exc})") from exc
    shutil.rmtree(attic, ignore_errors=True)


def remove(pair: str, *, root: Path | None = None, lock_path: Path | None = None) -> list[str]:
    """Remove the package serving ``pair`` and its lock entries (all pairs of that package)."""
    root = root or packages_dir()
    from_code, to_code = parse_pair(pair)
    models, _problems = scan_packages(root)
    hits = [m for m in models if m.from_code == from_code and to_code in m.targets]
    lock = read_lock(lock_path) if lock_path else {}
    name = pair_name(from_code, to_code)
    if not hits and name not in lock:
        raise ModelError(f"no installed model and no lock entry for {name}")
    removed: list[str] = []
    pairs = {name}
    for m in hits:
        pairs.update(m.pairs)
        _discard(m.path, root)
        removed.append(m.path.name)
    if lock_path is not None and pairs & lock.keys():
        write_lock(lock_path, {p: e for p, e in lock.items() if p not in pairs})
    return removed
