"""What the build tests share: a memory-only project configuration, the day's new release, a demo site copy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

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


WINTER_ID = "winter-heating-support-2025"
WINTER_RELEASE = f"""---
id: {WINTER_ID}
title: Gyeonggi Province Expands Winter Heating Support
date: 2025-12-03
lang: en
---
Gyeonggi Province will help 52,000 low-income households pay for heating this winter.

Each household can receive up to KRW 200,000 between December and February.
"""


def demo_site_copy(demo_output: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built demo site, published on with no translation model (whatever this machine has)."""
    monkeypatch.setenv("GGMULTI_MODELS_DIR", str(tmp_path / "no-models"))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "no-models"))
    out = tmp_path / "site"
    shutil.copytree(demo_output, out)
    return out
