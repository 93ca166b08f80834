"""What this machine can do per configured language: translate, speak, typeset. Reports, never guesses."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .config import Config, LanguageConfig
from .errors import GgmultiError
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


def espeak_voices() -> dict[str, str] | None:
    """espeak-ng voice ids and language codes -> voice name; None when espeak-ng is missing."""
    out = _run(["espeak-ng", "--voices"])
    if out is None:
        return None
    voices: dict[str, str] = {}
    for line in out.splitlines()[1:]:
        cols = line.split()
        if len(cols) >= 5:
            voices[cols[1]] = cols[3]
            voices[cols[4]] = cols[3]
    return voices


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


def _voice(lang: LanguageConfig, voices: dict[str, str] | None) -> Capability:
    if not lang.voice:
        return Capability(False, "no espeak-ng voice exists for this language: no audio")
    if voices is None:
        return Capability(False, "espeak-ng is not installed")
    if lang.voice not in voices:
        return Capability(False, f"voice '{lang.voice}' is not installed in espeak-ng")
    return Capability(True, f"espeak-ng {lang.voice} ({voices[lang.voice]}), rate {lang.rate}")


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
    voices = espeak_voices()
    root = models_root or config.models_dir or packages_dir()
    return [
        LanguageStatus(
            code,
            cfg.name,
            _translation(cfg, source_lang, config.memory_dir, root, config.translation.pivot),
            _voice(cfg, voices),
            _font(cfg),
        )
        for code, cfg in config.languages.items()
    ]
