"""Installed Argos-format translation packages: what they are (metadata) and where (discovery).

The lock file is lockfile.py, installing and removing archive.py, fetching from an index index.py
(over http.py).

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
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ModelError
from ..readpolicy import loads_json, read_bytes

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
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
ARCHIVE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}\.argosmodel")


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


def parse_metadata_json(raw: bytes, where: str) -> PackageMeta:
    return parse_metadata(loads_json(raw, where, ModelError), where)


def read_package(folder: Path) -> InstalledModel:
    """One unpacked package folder; raises ModelError naming what is wrong with it."""
    meta_path = folder / "metadata.json"
    raw = read_bytes(meta_path, limit=MAX_METADATA_BYTES, fail=ModelError, what="package metadata file")
    meta = parse_metadata_json(raw, str(meta_path))
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
        sha256=sha if sha is not None and SHA256_HEX.fullmatch(sha) else None,
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
