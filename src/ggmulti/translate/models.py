"""Installed Argos-format translation packages: discovery, install, removal, fetch, and the lock file.

An ``.argosmodel`` is a zip with one top folder (metadata.json, model/ for CTranslate2,
sentencepiece.model). We read and write packages ourselves instead of importing argostranslate:
its import creates folders under $HOME and its index functions reach the network.

``models.lock`` (TOML, at the project root) pins the package file and its sha256 per language pair,
so every machine and every pull-request check translates with the same model.

Archives and indexes come from outside, so every size is capped twice (from the headers before any
work, and by counting bytes while working), every wait has a read timeout and a total deadline, and
nothing is unpacked or downloaded except into a fresh hidden folder inside the models folder that is
removed on every exit path.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import stat
import tempfile
import threading
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO

from ..errors import EngineUnavailable, GgmultiError, ModelError
from ..readpolicy import loads_json, loads_toml, read_bytes, read_text
from ..store import atomic_write
from .limits import NETWORK_DEADLINE, NETWORK_TIMEOUT, PUBLIC_INDEX_URL

INSTALL_RECORD = ".ggmulti-install.json"  # written into each package folder we unpack: sha256 + file name

# Zip-bomb and sanity limits for one package (production models are 100 MB - 3 GB unpacked; their
# weights barely compress, so a package never unpacks to many times its archive).
MAX_UNPACKED_BYTES = 8 * 1024**3  # absolute cap, whatever the archive size
MAX_UNPACK_RATIO = 20  # unpacked total <= this x the archive file size ...
RATIO_FREE_BYTES = 16 * 1024**2  # ... once past this much (tiny test packages compress well)
MAX_MEMBER_RATIO = 200  # one member: uncompressed <= this x compressed, once past RATIO_FREE_MEMBER
RATIO_FREE_MEMBER = 1024**2
MAX_MEMBERS = 10_000
MAX_METADATA_BYTES = 1024**2
MAX_LOCK_BYTES = 1024**2
MAX_DOWNLOAD_BYTES = 4 * 1024**3  # when the index declares no size
MAX_INDEX_BYTES = 32 * 1024**2

_LANG_CODE = re.compile(r"[A-Za-z]{2,3}(?:_[A-Za-z0-9]{1,8})*")  # "-" separates the pair
_SHA256 = re.compile(r"[0-9a-f]{64}")
_ARCHIVE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}\.argosmodel")


@dataclass(frozen=True)
class PackageMeta:
    """What a package (its metadata.json) or an index entry says it translates."""

    from_code: str
    to_code: str
    version: str = ""
    target_prefix: str | None = None  # multilingual models (M2M-100 style) name the target with a token
    # ggmulti extension for one package serving several targets: metadata "target_prefixes" {code: token}
    target_prefixes: Mapping[str, str] = field(default_factory=dict)

    @property
    def targets(self) -> tuple[str, ...]:
        """Every target language this package serves."""
        return (self.to_code, *sorted(c for c in self.target_prefixes if c != self.to_code))

    @property
    def pairs(self) -> tuple[str, ...]:
        return tuple(pair_name(self.from_code, t) for t in self.targets)

    def serves(self, from_code: str, to_code: str) -> bool:
        return self.from_code == from_code and to_code in self.targets


@dataclass(frozen=True)
class InstalledModel:
    from_code: str
    to_code: str
    path: Path
    version: str
    target_prefix: str | None  # multilingual models (M2M-100 style) name the target with a prefix token
    sha256: str | None = None  # of the .argosmodel file, recorded when ggmulti installed it
    file: str | None = None  # the .argosmodel file name it was installed from
    # ggmulti extension for one package serving several targets: metadata "target_prefixes" {code: token}
    target_prefixes: Mapping[str, str] = field(default_factory=dict)

    @property
    def targets(self) -> tuple[str, ...]:
        """Every target language this package serves."""
        return (self.to_code, *sorted(c for c in self.target_prefixes if c != self.to_code))

    @property
    def pairs(self) -> tuple[str, ...]:
        return tuple(pair_name(self.from_code, t) for t in self.targets)

    def prefix_for(self, to_code: str) -> str | None:
        """The target prefix token to force for ``to_code`` (None for a plain bilingual model)."""
        if to_code in self.target_prefixes:
            return self.target_prefixes[to_code]
        if to_code == self.to_code:
            return self.target_prefix
        raise ModelError(
            f"{self.path.name}: serves {self.from_code}->{'/'.join(self.targets)}, not {to_code}"
        )


def pair_name(from_code: str, to_code: str) -> str:
    return f"{from_code}-{to_code}"


def parse_pair(text: str) -> tuple[str, str]:
    """'zh-en' or 'zh->en' -> ('zh', 'en')."""
    parts = text.strip().split("->" if "->" in text else "-")
    if len(parts) != 2 or not all(_LANG_CODE.fullmatch(p) for p in parts):
        raise ModelError(f"'{text}' is not a language pair such as zh-en")
    return parts[0], parts[1]


def check_lang_code(code: str, what: str) -> str:
    """A language code that is safe to put into a file name."""
    if not _LANG_CODE.fullmatch(code):
        raise ModelError(f"{what} {code!r} is not a language code such as vi or zh")
    return code


def packages_dir() -> Path:
    """Model folder: $GGMULTI_MODELS_DIR, else $ARGOS_PACKAGES_DIR, else ~/.local/share/ggmulti/models."""
    for var in ("GGMULTI_MODELS_DIR", "ARGOS_PACKAGES_DIR"):
        env = os.environ.get(var)
        if env:
            return Path(env).expanduser()
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "ggmulti" / "models"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def parse_metadata(meta: object, where: str) -> PackageMeta:
    """Package metadata (metadata.json or an index entry), typed once at the JSON edge."""
    if not isinstance(meta, dict):
        raise ModelError(f"{where}: not a JSON object")
    codes = []
    for key in ("from_code", "to_code"):
        value = meta.get(key)
        if not isinstance(value, str) or not _LANG_CODE.fullmatch(value):
            raise ModelError(f"{where}: no valid '{key}'")
        codes.append(value)
    version = meta.get("package_version", "")
    if isinstance(version, bool) or not isinstance(version, str | int | float):
        raise ModelError(f"{where}: 'package_version' is not a string")
    prefix = meta.get("target_prefix")
    if prefix is not None and not isinstance(prefix, str):
        raise ModelError(f"{where}: 'target_prefix' is not a string")
    prefixes = meta.get("target_prefixes", {})
    if not isinstance(prefixes, dict) or not all(
        isinstance(k, str) and _LANG_CODE.fullmatch(k) and isinstance(v, str) and v
        for k, v in prefixes.items()
    ):
        raise ModelError(f"{where}: 'target_prefixes' must map language codes to tokens")
    return PackageMeta(codes[0], codes[1], str(version), prefix or None, dict(prefixes))


def _parse_metadata_json(raw: bytes, where: str) -> PackageMeta:
    return parse_metadata(loads_json(raw, where, ModelError), where)


def read_package(folder: Path) -> InstalledModel:
    """One unpacked package folder; raises ModelError naming what is wrong with it."""
    meta_path = folder / "metadata.json"
    raw = read_bytes(meta_path, limit=MAX_METADATA_BYTES, fail=ModelError, what="package metadata file")
    meta = _parse_metadata_json(raw, str(meta_path))
    sha: str | None = None
    file: str | None = None
    with contextlib.suppress(ModelError):  # a missing or unreadable record only means unknown origin
        where = folder / INSTALL_RECORD
        record = loads_json(
            read_bytes(where, limit=MAX_METADATA_BYTES, fail=ModelError), str(where), ModelError
        )
        if isinstance(record, dict):
            sha = record.get("sha256") if isinstance(record.get("sha256"), str) else None
            file = record.get("file") if isinstance(record.get("file"), str) else None
    return InstalledModel(
        from_code=meta.from_code,
        to_code=meta.to_code,
        path=folder,
        version=meta.version,
        target_prefix=meta.target_prefix,
        sha256=sha if sha is not None and _SHA256.fullmatch(sha) else None,
        file=file,
        target_prefixes=dict(meta.target_prefixes),
    )


def scan_packages(root: Path | None = None) -> tuple[list[InstalledModel], list[str]]:
    """Every package under ``root`` plus one problem line per broken package folder."""
    root = root or packages_dir()
    models: list[InstalledModel] = []
    problems: list[str] = []
    try:
        if not root.is_dir():
            return models, problems
        folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError as exc:
        raise ModelError(f"{root}: cannot read the models folder ({exc.strerror or exc})") from exc
    for folder in folders:
        try:
            models.append(read_package(folder))
        except ModelError as exc:
            problems.append(str(exc))
    return models, problems


def installed_models(root: Path | None = None) -> list[InstalledModel]:
    return scan_packages(root)[0]


def find_model(from_code: str, to_code: str, root: Path | None = None) -> InstalledModel | None:
    """The installed package serving from_code->to_code directly, if any."""
    for model in installed_models(root):
        if model.from_code == from_code and to_code in model.targets:
            return model
    return None


# --- lock file --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LockEntry:
    file: str
    package_version: str
    sha256: str


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def read_lock(path: Path) -> dict[str, LockEntry]:
    """Pair name -> pinned package; an absent lock pins nothing."""
    if not os.path.lexists(path):
        return {}
    text = read_text(path, limit=MAX_LOCK_BYTES, fail=ModelError, what="lock file")
    data = loads_toml(text, str(path), ModelError)
    entries: dict[str, LockEntry] = {}
    models = data.get("models", {})
    if not isinstance(models, dict):
        raise ModelError(f"{path}: [models] must be a table")
    for pair, row in models.items():
        if not (
            isinstance(row, dict)
            and all(isinstance(row.get(k), str) for k in ("file", "sha256"))
            and _SHA256.fullmatch(row["sha256"])
        ):
            raise ModelError(f'{path}: models."{pair}" needs file and a 64-digit lowercase sha256')
        entries[pair] = LockEntry(row["file"], str(row.get("package_version", "")), row["sha256"])
    return entries


def write_lock(path: Path, entries: Mapping[str, LockEntry]) -> None:
    """Sorted, one table per pair: readable in a diff; written atomically."""
    lines = [
        "# models.lock: the translation model per language pair. Written by `ggmulti models install/fetch`;",
        "# every machine and every pull-request check translates with exactly these files.",
    ]
    for pair in sorted(entries):
        e = entries[pair]
        lines += [
            "",
            f"[models.{_toml_str(pair)}]",
            f"file = {_toml_str(e.file)}",
            f"package_version = {_toml_str(e.package_version)}",
            f"sha256 = {_toml_str(e.sha256)}",
        ]
    try:
        atomic_write(path, ("\n".join(lines) + "\n").encode("utf-8"))
    except OSError as exc:
        raise ModelError(f"{path}: cannot write the lock file ({exc.strerror or exc})") from exc


def check_lock(lock: Mapping[str, LockEntry], pairs: Iterable[str], sha: str, where: str) -> None:
    for pair in pairs:
        pinned = lock.get(pair)
        if pinned is not None and pinned.sha256 != sha:
            raise ModelError(
                f"{where}: sha256 {sha[:12]}… does not match models.lock for {pair} "
                f"({pinned.file}, {pinned.sha256[:12]}…); remove the pair first to change models"
            )


# --- install / remove -------------------------------------------------------------------------------


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
                raise ModelError(f"{where}: unpacks to more than {max_bytes} bytes{why}")
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
    meta = _parse_metadata_json(raw, f"{where}: {top}/metadata.json")
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
    if sha256 is not None and not _SHA256.fullmatch(sha256.lower()):
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


# --- fetch from an Argos-format index ---------------------------------------------------------------


@dataclass(frozen=True)
class IndexEntry:
    """One translate package of an index, typed once when the index is read."""

    meta: PackageMeta
    links: tuple[str, ...]  # absolute http(s) URLs, resolved against the index URL
    sha256: str | None = None  # lowercase, when the index gives one
    size: int | None = None  # bytes of the .argosmodel, when the index gives it (ggmulti extension)


def check_http_url(url: str, what: str) -> str:
    """Only http(s) with a host: an index must not make us read local files (file://) or speak FTP."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ModelError(f"{what} {url!r} is not an http(s) URL")
    return url


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
        if sha is not None and not (isinstance(sha, str) and _SHA256.fullmatch(sha.lower())):
            raise ModelError(f"{where}: 'sha256' is not 64 hex digits")
        size = item.get("size")
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size <= 0):
            raise ModelError(f"{where}: 'size' is not a positive number of bytes")
        entries.append(IndexEntry(meta, resolved, sha.lower() if sha else None, size))
    return tuple(entries)


class _Watchdog:
    """Shuts the request's sockets down when the total deadline passes.

    A read timeout alone lets a server that drips one byte per interval hold us forever (headers
    included), so every socket the request opens is tracked and cut when the time is up.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
        if self.expired.is_set():
            self._expire()

    def _expire(self) -> None:
        self.expired.set()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the raw socket, also under TLS

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


class _WatchedHTTPConnection(http.client.HTTPConnection):
    watchdog: _Watchdog | None = None

    def connect(self) -> None:
        super().connect()
        if self.watchdog is not None:
            self.watchdog.track(self.sock)


class _WatchedHTTPSConnection(http.client.HTTPSConnection, _WatchedHTTPConnection):
    """HTTPSConnection.connect calls the watched connect first, so the raw socket is tracked before TLS."""


def _watched_connection(cls: type[http.client.HTTPConnection], watchdog: _Watchdog) -> Any:
    """A connection factory for urllib's do_open whose sockets the watchdog can cut at the deadline."""

    def connect(host: str, /, **kwargs: Any) -> http.client.HTTPConnection:
        conn = cls(host, **kwargs)
        conn.watchdog = watchdog  # type: ignore[attr-defined]
        return conn

    return connect


class _WatchedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, watchdog: _Watchdog) -> None:
        super().__init__()
        self._connect = _watched_connection(_WatchedHTTPConnection, watchdog)

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connect, req)


class _WatchedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, watchdog: _Watchdog) -> None:
        super().__init__()
        self._connect = _watched_connection(_WatchedHTTPSConnection, watchdog)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connect, req)


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def http_error_302(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
    ) -> IO[bytes] | None:
        """Name a redirect off http(s) before urllib turns it into a bare 'HTTP 302'."""
        location = headers.get("location") or headers.get("uri")
        if location:
            check_http_url(urllib.parse.urljoin(req.full_url, location), f"{req.full_url}: redirect to")
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        check_http_url(newurl, f"{req.full_url}: redirect to")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(watchdog: _Watchdog) -> urllib.request.OpenerDirector:
    """http(s) only (no file:, ftp: or data: handlers), every socket watched."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        _WatchedHTTPHandler(watchdog),
        _WatchedHTTPSHandler(watchdog),
        urllib.request.HTTPDefaultErrorHandler(),
        _HttpOnlyRedirects(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _network_error(url: str, exc: BaseException) -> EngineUnavailable:
    reason = getattr(exc, "reason", None) or exc
    if isinstance(exc, urllib.error.HTTPError):
        reason = f"HTTP {exc.code}"
    elif isinstance(reason, OSError) and reason.strerror:
        reason = reason.strerror
    elif isinstance(reason, BaseException):
        reason = f"{type(reason).__name__}: {reason}" if str(reason) else type(reason).__name__
    return EngineUnavailable(
        f"cannot reach {url}: {reason} (offline? install a carried .argosmodel with "
        "`ggmulti models install`, or point --index at an intranet mirror)"
    )


@dataclass(frozen=True)
class Limits:
    """How long and how much one request may take."""

    max_bytes: int
    timeout: float = NETWORK_TIMEOUT  # one read
    deadline: float = NETWORK_DEADLINE  # the whole request, headers included
    declared_by: str = ""  # who set max_bytes, for the message ("the index declares")


def http_get(url: str, sink: Callable[[bytes], object], limits: Limits) -> int:
    """Stream ``url`` into ``sink`` within ``limits``; the number of bytes received."""
    check_http_url(url, "package index or link")
    too_big = f"{url}: larger than the {limits.max_bytes} bytes {limits.declared_by or 'allowed'}"
    late = f"{url}: not finished within {limits.deadline:g} s (read timeout {limits.timeout:g} s)"
    request = urllib.request.Request(url, headers={"User-Agent": "ggmulti"})
    received = 0
    with _Watchdog(limits.deadline) as watchdog:
        try:
            with _opener(watchdog).open(request, timeout=limits.timeout) as response:
                length = response.headers.get("Content-Length", "")
                if length.strip().isdigit() and int(length) > limits.max_bytes:
                    raise ModelError(f"{too_big} (Content-Length {int(length)})")
                while chunk := response.read1(1 << 16):  # read1: one socket read, so the checks run often
                    received += len(chunk)
                    if received > limits.max_bytes:
                        raise ModelError(too_big)
                    sink(chunk)
                    if watchdog.expired.is_set():
                        raise ModelError(late)
        except GgmultiError:
            raise
        except (http.client.HTTPException, urllib.error.URLError, OSError, ValueError) as exc:
            if watchdog.expired.is_set():
                raise ModelError(late) from exc
            raise _network_error(url, exc) from exc
        if watchdog.expired.is_set():  # a socket cut by the watchdog reads as a clean end
            raise ModelError(late)
    return received


def _file_sink(out: BinaryIO, path: Path) -> Callable[[bytes], object]:
    def write(chunk: bytes) -> None:
        try:
            out.write(chunk)
        except OSError as exc:
            raise ModelError(f"{path}: cannot write ({exc.strerror or exc})") from exc

    return write


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
    return name if _ARCHIVE_NAME.fullmatch(name) else f"translate-{from_code}_{lang}.argosmodel"


def _download(entry: IndexEntry, dest: Path, limits: Limits) -> str:
    """Stream the first link that answers into ``dest``; return its URL."""
    last: EngineUnavailable | None = None
    for url in entry.links:
        try:
            with dest.open("wb") as out:
                http_get(url, _file_sink(out, dest), limits)
            return url
        except EngineUnavailable as exc:
            last = exc
        except OSError as exc:
            raise ModelError(f"{dest}: cannot write ({exc.strerror or exc})") from exc
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


def iter_lock_status(
    models: Sequence[InstalledModel], lock: Mapping[str, LockEntry]
) -> Iterator[tuple[str, InstalledModel | None, str]]:
    """(pair, installed model or None, status) for every installed or locked pair."""
    by_pair = {p: m for m in models for p in m.pairs}
    for pair in sorted(by_pair.keys() | lock.keys()):
        model, pinned = by_pair.get(pair), lock.get(pair)
        if model is None:
            status = "locked, not installed"
        elif pinned is None:
            status = "installed, not in models.lock"
        elif model.sha256 is None:
            status = "installed outside ggmulti (sha256 unknown)"
        elif model.sha256 != pinned.sha256:
            status = "MISMATCH with models.lock"
        else:
            status = "ok"
        yield pair, model, status
