"""Installed Argos-format translation packages: discovery, install, removal, fetch, and the lock file.

An ``.argosmodel`` is a zip with one top folder (metadata.json, model/ for CTranslate2,
sentencepiece.model). We read and write packages ourselves instead of importing argostranslate:
its import creates folders under $HOME and its index functions reach the network.

``models.lock`` (TOML, at the project root) pins the package file and its sha256 per language pair,
so every machine and every pull-request check translates with the same model.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import tomllib
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import EngineUnavailable, GgmultiError
from ..store import atomic_write

PUBLIC_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
LOCK_NAME = "models.lock"
INSTALL_RECORD = ".ggmulti-install.json"  # written into each package folder we unpack: sha256 + file name

# Zip-bomb and sanity limits for one package (production models are 100 MB - 3 GB unpacked).
MAX_UNPACKED_BYTES = 8 * 1024**3
MAX_MEMBERS = 10_000
MAX_DOWNLOAD_BYTES = 8 * 1024**3
MAX_INDEX_BYTES = 32 * 1024**2
NETWORK_TIMEOUT = 30.0

_LANG_CODE = re.compile(r"[A-Za-z]{2,3}(?:_[A-Za-z0-9]{1,8})*")  # "-" separates the pair
_SHA256 = re.compile(r"[0-9a-f]{64}")


class ModelError(GgmultiError):
    """A translation package, the lock file or a package index is unusable (one line per problem)."""


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


def _parse_metadata(meta: Any, where: str) -> dict[str, Any]:
    if not isinstance(meta, dict):
        raise ModelError(f"{where}: metadata.json is not a JSON object")
    for key in ("from_code", "to_code"):
        value = meta.get(key)
        if not isinstance(value, str) or not _LANG_CODE.fullmatch(value):
            raise ModelError(f"{where}: metadata.json has no valid '{key}'")
    prefix = meta.get("target_prefix")
    if prefix is not None and not isinstance(prefix, str):
        raise ModelError(f"{where}: metadata.json 'target_prefix' is not a string")
    prefixes = meta.get("target_prefixes", {})
    if not isinstance(prefixes, dict) or not all(
        isinstance(k, str) and _LANG_CODE.fullmatch(k) and isinstance(v, str) and v
        for k, v in prefixes.items()
    ):
        raise ModelError(f"{where}: metadata.json 'target_prefixes' must map language codes to tokens")
    return meta


def read_package(folder: Path) -> InstalledModel:
    """One unpacked package folder; raises ModelError naming what is wrong with it."""
    meta_path = folder / "metadata.json"
    try:
        meta = _parse_metadata(json.loads(meta_path.read_text(encoding="utf-8")), str(meta_path))
    except OSError as exc:
        raise ModelError(f"{meta_path}: cannot read ({exc.strerror or exc})") from exc
    except ValueError as exc:
        raise ModelError(f"{meta_path}: not valid JSON ({exc})") from exc
    record: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        loaded = json.loads((folder / INSTALL_RECORD).read_text(encoding="utf-8"))
        record = loaded if isinstance(loaded, dict) else {}
    sha = record.get("sha256")
    return InstalledModel(
        from_code=meta["from_code"],
        to_code=meta["to_code"],
        path=folder,
        version=str(meta.get("package_version", "")),
        target_prefix=meta.get("target_prefix") or None,
        sha256=sha if isinstance(sha, str) and _SHA256.fullmatch(sha) else None,
        file=record.get("file") if isinstance(record.get("file"), str) else None,
        target_prefixes=dict(meta.get("target_prefixes", {})),
    )


def scan_packages(root: Path | None = None) -> tuple[list[InstalledModel], list[str]]:
    """Every package under ``root`` plus one problem line per broken package folder."""
    root = root or packages_dir()
    models: list[InstalledModel] = []
    problems: list[str] = []
    if not root.is_dir():
        return models, problems
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
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
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path}: unreadable lock file ({exc})") from exc
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
    atomic_write(path, ("\n".join(lines) + "\n").encode("utf-8"))


def check_lock(lock: Mapping[str, LockEntry], pairs: Iterable[str], sha: str, where: str) -> None:
    for pair in pairs:
        pinned = lock.get(pair)
        if pinned is not None and pinned.sha256 != sha:
            raise ModelError(
                f"{where}: sha256 {sha[:12]}… does not match models.lock for {pair} "
                f"({pinned.file}, {pinned.sha256[:12]}…); remove the pair first to change models"
            )


# --- install / remove -------------------------------------------------------------------------------


def _validated_members(archive: zipfile.ZipFile, where: str, max_bytes: int) -> tuple[str, dict[str, Any]]:
    """The single top folder name and parsed metadata; refuses anything that could escape or explode."""
    infos = archive.infolist()
    if not infos:
        raise ModelError(f"{where}: empty archive")
    if len(infos) > MAX_MEMBERS:
        raise ModelError(f"{where}: {len(infos)} members (limit {MAX_MEMBERS})")
    tops: set[str] = set()
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if "\\" in name or "\x00" in name or name.startswith("/") or re.match(r"[A-Za-z]:", name):
            raise ModelError(f"{where}: unsafe member path {name!r}")
        parts = PurePosixPath(name).parts
        if not parts or any(p in ("..", ".") for p in parts):
            raise ModelError(f"{where}: unsafe member path {name!r}")
        kind = stat.S_IFMT(info.external_attr >> 16) if info.create_system == 3 else 0  # 3: unix modes
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise ModelError(f"{where}: member {name!r} is a link or special file")
        if info.flag_bits & 0x1:
            raise ModelError(f"{where}: member {name!r} is encrypted")
        key = name.rstrip("/")
        if key in seen:
            raise ModelError(f"{where}: duplicate member {name!r}")
        seen.add(key)
        tops.add(parts[0])
        if len(parts) == 1 and not info.is_dir():
            raise ModelError(f"{where}: file {name!r} outside the package folder")
        total += info.file_size
        if total > max_bytes:
            raise ModelError(f"{where}: unpacks to more than {max_bytes} bytes")
    if len(tops) != 1:
        raise ModelError(f"{where}: expected exactly one top folder, found {len(tops)}")
    top = tops.pop()
    if top.startswith("."):
        raise ModelError(f"{where}: top folder {top!r} is hidden")
    try:
        raw = archive.read(f"{top}/metadata.json")
    except KeyError as exc:
        raise ModelError(f"{where}: no {top}/metadata.json") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise ModelError(f"{where}: corrupt archive ({exc})") from exc
    try:
        meta = _parse_metadata(json.loads(raw.decode("utf-8")), f"{where}: {top}/metadata.json")
    except (UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"{where}: {top}/metadata.json is not valid JSON") from exc
    for required in ("model/model.bin", "sentencepiece.model"):
        if f"{top}/{required}" not in seen:
            raise ModelError(
                f"{where}: no {top}/{required} (only CTranslate2 + SentencePiece packages run here)"
            )
    return top, meta


def _extract(archive: zipfile.ZipFile, dest: Path, max_bytes: int, where: str) -> None:
    """Extract with our own copy loop so a lying size header cannot write more than allowed."""
    written = 0
    for info in archive.infolist():
        target = dest.joinpath(*PurePosixPath(info.filename).parts)
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        member_bytes = 0
        with archive.open(info) as src, target.open("xb") as out:
            while chunk := src.read(1 << 20):
                member_bytes += len(chunk)
                written += len(chunk)
                if member_bytes > info.file_size or written > max_bytes:
                    raise ModelError(f"{where}: {info.filename} unpacks past its declared size or the limit")
                out.write(chunk)


@dataclass(frozen=True)
class InstallResult:
    model: InstalledModel
    replaced: tuple[str, ...]  # package folders removed because they served the same pairs
    unchanged: bool  # the same file was already installed


def install(
    file: Path,
    sha256: str | None = None,
    *,
    root: Path | None = None,
    lock_path: Path | None = None,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
    record_name: str | None = None,
) -> InstallResult:
    """Verify ``file`` (sha256, zip safety, metadata, lock), unpack it atomically, record it in the lock."""
    root = root or packages_dir()
    where = file.name
    if sha256 is not None and not _SHA256.fullmatch(sha256.lower()):
        raise ModelError(f"--sha256 {sha256!r} is not 64 hex digits")
    try:
        actual = sha256_file(file)
    except OSError as exc:
        raise ModelError(f"{file}: cannot read ({exc.strerror or exc})") from exc
    if sha256 is not None and actual != sha256.lower():
        raise ModelError(f"{where}: sha256 is {actual}, expected {sha256.lower()}")
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelError(f"{where}: not a zip archive ({exc})") from exc
    with archive:
        top, meta = _validated_members(archive, where, max_unpacked_bytes)
        probe = InstalledModel(
            meta["from_code"],
            meta["to_code"],
            Path(top),
            str(meta.get("package_version", "")),
            meta.get("target_prefix") or None,
            target_prefixes=dict(meta.get("target_prefixes", {})),
        )
        lock = read_lock(lock_path) if lock_path else {}
        check_lock(lock, probe.pairs, actual, where)
        existing = [m for m in installed_models(root) if set(m.pairs) & set(probe.pairs)]
        if any(m.sha256 == actual and m.path.name == top for m in existing) and len(existing) == 1:
            result = InstallResult(read_package(root / top), (), True)
        else:
            root.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".install-", dir=root))
            try:
                try:
                    _extract(archive, staging, max_unpacked_bytes, where)
                except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                    raise ModelError(f"{where}: corrupt archive ({exc})") from exc
                record = {"sha256": actual, "file": record_name or file.name}
                (staging / top / INSTALL_RECORD).write_text(
                    json.dumps(record, indent=2) + "\n", encoding="utf-8"
                )
                read_package(staging / top)  # what we unpacked must read back
                old_paths = {m.path for m in existing} | ({root / top} if (root / top).exists() else set())
                for old in sorted(old_paths):
                    os.replace(old, staging / f"old-{old.name}")  # same filesystem: atomic per folder
                os.replace(staging / top, root / top)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            replaced = tuple(sorted(p.name for p in old_paths))
            result = InstallResult(read_package(root / top), replaced, False)
    if lock_path is not None:
        entries = dict(lock)
        for pair in probe.pairs:
            entries[pair] = LockEntry(record_name or file.name, probe.version, actual)
        if entries != lock:
            write_lock(lock_path, entries)
    return result


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
        shutil.rmtree(m.path)
        removed.append(m.path.name)
    if lock_path is not None and pairs & lock.keys():
        write_lock(lock_path, {p: e for p, e in lock.items() if p not in pairs})
    return removed


# --- fetch from an Argos-format index ---------------------------------------------------------------


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", version))


def _open_url(url: str, timeout: float) -> Any:
    request = urllib.request.Request(url, headers={"User-Agent": "ggmulti"})
    return urllib.request.urlopen(request, timeout=timeout)


def _network_error(url: str, exc: BaseException) -> EngineUnavailable:
    reason = getattr(exc, "reason", None) or exc
    if isinstance(exc, urllib.error.HTTPError):
        reason = f"HTTP {exc.code}"
    elif isinstance(reason, OSError) and reason.strerror:
        reason = reason.strerror
    return EngineUnavailable(
        f"cannot reach {url}: {reason} (offline? install a carried .argosmodel with "
        "`ggmulti models install`, or point --index at an intranet mirror)"
    )


def load_index(url: str, timeout: float = NETWORK_TIMEOUT) -> list[dict[str, Any]]:
    """An Argos-format package index: a JSON list of package metadata with download links."""
    try:
        with _open_url(url, timeout) as response:
            raw = response.read(MAX_INDEX_BYTES + 1)
    except (TimeoutError, urllib.error.URLError, OSError, ValueError) as exc:
        raise _network_error(url, exc) from exc
    if len(raw) > MAX_INDEX_BYTES:
        raise ModelError(f"{url}: package index larger than {MAX_INDEX_BYTES} bytes")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"{url}: package index is not valid JSON") from exc
    if not isinstance(data, list):
        raise ModelError(f"{url}: package index is not a JSON list")
    return [entry for entry in data if isinstance(entry, dict)]


def _serves(entry: Mapping[str, Any], from_code: str, to_code: str) -> bool:
    if entry.get("type", "translate") != "translate" or entry.get("from_code") != from_code:
        return False
    prefixes = entry.get("target_prefixes")
    return entry.get("to_code") == to_code or (isinstance(prefixes, dict) and to_code in prefixes)


def _download(links: Sequence[str], base: str, dest: Path, timeout: float) -> str:
    """Stream the first link that works into ``dest``; return its URL."""
    last: EngineUnavailable | None = None
    for link in links:
        url = urllib.parse.urljoin(base, link)
        try:
            with _open_url(url, timeout) as response, dest.open("wb") as out:
                size = 0
                while chunk := response.read(1 << 20):
                    size += len(chunk)
                    if size > MAX_DOWNLOAD_BYTES:
                        raise ModelError(f"{url}: larger than {MAX_DOWNLOAD_BYTES} bytes")
                    out.write(chunk)
            return url
        except (TimeoutError, urllib.error.URLError, OSError, ValueError) as exc:
            last = _network_error(url, exc)
    raise last or ModelError("package index entry has no download links")


def fetch(
    langs: Sequence[str],
    index_url: str = PUBLIC_INDEX_URL,
    *,
    from_code: str = "en",
    root: Path | None = None,
    lock_path: Path | None = None,
    timeout: float = NETWORK_TIMEOUT,
) -> list[InstallResult]:
    """Download and install from_code->LANG packages from an index, verifying index and lock sha256."""
    root = root or packages_dir()
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
    index = load_index(index_url, timeout)
    results: list[InstallResult] = []
    problems: list[str] = []
    for lang, pair in todo:
        candidates = [e for e in index if _serves(e, from_code, lang) and e.get("links")]
        pinned = lock.get(pair)
        if pinned is not None and pinned.package_version:
            candidates = [
                e for e in candidates if str(e.get("package_version", "")) == pinned.package_version
            ]
        if not candidates:
            pin = f" version {pinned.package_version} pinned in models.lock" if pinned else ""
            problems.append(f"{index_url}: no {pair} package{pin}")
            continue
        entry = max(candidates, key=lambda e: _version_key(str(e.get("package_version", ""))))
        expected = entry.get("sha256")
        if expected is not None and not (isinstance(expected, str) and _SHA256.fullmatch(expected.lower())):
            problems.append(f"{index_url}: {pair} entry has a malformed sha256")
            continue
        links = [str(x) for x in entry["links"]] if isinstance(entry["links"], list) else []
        with tempfile.TemporaryDirectory(prefix="ggmulti-fetch-") as tmp:
            name = PurePosixPath(urllib.parse.urlparse(links[0]).path).name if links else ""
            name = name if name.endswith(".argosmodel") else f"translate-{from_code}_{lang}.argosmodel"
            dest = Path(tmp) / name
            try:
                _download(links, index_url, dest, timeout)
                got = sha256_file(dest)
                if expected is not None and got != expected.lower():
                    raise ModelError(
                        f"{name}: downloaded sha256 {got} does not match the index ({expected.lower()})"
                    )
                if pinned is not None and got != pinned.sha256:
                    raise ModelError(
                        f"{name}: downloaded sha256 {got} does not match models.lock for {pair} "
                        f"({pinned.sha256})"
                    )
                results.append(install(dest, got, root=root, lock_path=lock_path, record_name=name))
                lock = read_lock(lock_path) if lock_path else {}
            except GgmultiError as exc:
                problems.append(str(exc))
    if problems:
        raise ModelError("\n".join(problems))
    return results


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
