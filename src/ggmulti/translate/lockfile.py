"""``models.lock``: the package file and sha256 pinned per language pair, read and written here.

TOML at the project root, so every machine and every pull-request check translates with the same model.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelError
from ..readpolicy import loads_toml, read_text
from ..store import atomic_write
from .models import MAX_LOCK_BYTES, SHA256_HEX, InstalledModel


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
            and SHA256_HEX.fullmatch(row["sha256"])
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
