"""What this machine can do per configured language: translate, speak, typeset. Reports, never guesses."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .config import Config, LanguageConfig
from .errors import EngineUnavailable, GgmultiError
from .speech.espeak import EspeakEngine
from .translate.memory import TranslationMemory, memory_path
from .translate.models import find_model, packages_dir

# fontconfig language tags where they differ from the project's codes
_FC_LANG = {"zh": "zh-cn", "mn": "mn-mn"}


@dataclass(frozen=True)
class Capability:
    """An optional capability declares itself: available or not, and why (pelican's enabled/disabled_message)."""

    available: bool
    detail: str


@dataclass(frozen=True)
class LanguageStatus:
    code: str
    name: str
    translation: Capability
    voice: Capability
    font: Capability


def _run(cmd: list[str]) -> str | None:
    exe = shutil.which(cmd[0])
    if exe is None:
        return None
    try:
        done = subprocess.run([exe, *cmd[1:]], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _translation(
    lang: LanguageConfig, source: str, memory_dir: Path, models_root: Path, pivot: str
) -> Capability:
    if lang.code == source:
        return Capability(True, "source language")
    direct = find_model(source, lang.code, models_root)
    legs = (find_model(source, pivot, models_root), find_model(pivot, lang.code, models_root))
    memory = memory_path(memory_dir, source, lang.code)
    parts = []
    if direct is not None:
        parts.append(f"model {direct.path.name}")
    elif legs[0] is not None and legs[1] is not None:
        parts.append(f"models {legs[0].path.name} + {legs[1].path.name} (via {pivot})")
    if memory.exists():
        try:
            size = len(TranslationMemory.load(memory, source, lang.code))
        except GgmultiError as exc:
            return Capability(False, f"translation memory unreadable: {exc}")
        parts.append(f"translation memory {memory.name} ({size} approved sentences)")
    if parts:
        return Capability(True, " + ".join(parts))
    return Capability(False, f"no {source}->{lang.code} model in {models_root} and no translation memory")


def _voice(lang: LanguageConfig, engine: EspeakEngine) -> Capability:
    """Asks the engine the build speaks with (espeak-ng 1.52 in a worker), not the espeak-ng on PATH."""
    try:
        problem = engine.problem(lang.code, lang.voice, lang.name)
        if problem is None and lang.voice:
            found = engine.resolve(lang.voice)
            assert found is not None
            return Capability(True, f"espeak-ng {engine.version} {found.id} ({found.name}), rate {lang.rate}")
    except EngineUnavailable as exc:
        problem = str(exc)
    return Capability(False, f"{problem}: no audio")


def _font(lang: LanguageConfig) -> Capability:
    fc_lang = _FC_LANG.get(lang.code, lang.code)
    out = _run(["fc-list", f":family={lang.font}:lang={fc_lang}", "family"])
    if out is None:
        return Capability(False, "fontconfig (fc-list) is not installed")
    if not out.strip():
        return Capability(False, f"font '{lang.font}' covering '{fc_lang}' is not installed")
    return Capability(True, lang.font)


def diagnose(
    config: Config, source_lang: str = "en", models_root: Path | None = None
) -> list[LanguageStatus]:
    root = models_root or config.models_dir or packages_dir()
    with EspeakEngine() as engine:
        return [
            LanguageStatus(
                code,
                cfg.name,
                _translation(cfg, source_lang, config.memory_dir, root, config.translation.pivot),
                _voice(cfg, engine),
                _font(cfg),
            )
            for code, cfg in config.languages.items()
        ]
