"""A project configuration the build tests share: HTML only, no models, the shipped memory."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def memory_only_config(languages: list[str], glossary: Path | str) -> str:
    """ggmulti.toml text: editions come from approved translations only; caches inside the project."""
    return f"""[build]
languages = {json.dumps(languages)}
formats = ["html"]
[paths]
glossary = "{glossary}"
memory = "{ROOT / "memory"}"
[translation]
models_dir = "no-models"
cache = "cache/translations.sqlite"
"""
