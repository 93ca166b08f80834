"""Installed Argos-format translation packages, found by reading their metadata (no argostranslate import)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class InstalledModel:
    from_code: str
    to_code: str
    path: Path
    version: str
    target_prefix: str | None  # multilingual models (M2M-100 style) name the target with a prefix token


def packages_dir() -> Path:
    """Where argostranslate keeps packages; ARGOS_PACKAGES_DIR wins, as in argostranslate itself."""
    env = os.environ.get("ARGOS_PACKAGES_DIR")
    if env:
        return Path(env)
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "argos-translate" / "packages"


def installed_models(root: Path | None = None) -> list[InstalledModel]:
    root = root or packages_dir()
    models: list[InstalledModel] = []
    if not root.is_dir():
        return models
    for meta_path in sorted(root.glob("*/metadata.json")):
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            models.append(InstalledModel(
                from_code=str(meta["from_code"]), to_code=str(meta["to_code"]), path=meta_path.parent,
                version=str(meta.get("package_version", "")), target_prefix=meta.get("target_prefix") or None,
            ))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a broken package folder is reported by `models list`, not here
    return models
