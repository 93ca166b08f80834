"""What this machine can do per configured language: translate, speak, typeset. Reports, never guesses."""

from __future__ import annotations

import ctypes.util
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import Config, LanguageConfig
from .errors import EngineUnavailable, GgmultiError
from .speech.espeak import EspeakEngine
from .speech.voice import unusable_reason
from .translate.memory import TranslationMemory, memory_path
from .translate.models import find_model, packages_dir

# fontconfig language tags where they differ from the project's codes
_FC_LANG = {"zh": "zh-cn", "mn": "mn-mn"}


@dataclass(frozen=True)
class Capability:
    """An optional capability declares itself: available or not, and why (pelican's enabled/disabled_message)."""

    available: bool
    detail: str
    kind: str = ""  # translation: source | model | memory | none; others: what provides it
    fix: str = ""  # the command (or step) that provides it when it is missing or partial


@dataclass(frozen=True)
class LanguageStatus:
    code: str
    name: str
    translation: Capability
    voice: Capability
    font: Capability
    interface: Capability  # the pages' own strings (menus, notices) in the language

    @property
    def publishable(self) -> bool:
        """A new release can be published in this language (a memory alone covers only what it has)."""
        return self.translation.kind in ("source", "model") and self.font.available


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
    lang: LanguageConfig,
    source: str,
    memory_dir: Path,
    models_root: Path,
    pivot: str,
    corpus: Sequence[str],
) -> Capability:
    """What translates ``source`` into the language: a model, a memory alone (which covers only what it
    holds: every new release is skipped), or nothing."""
    if lang.code == source:
        return Capability(True, "source language", kind="source")
    direct = find_model(source, lang.code, models_root)
    legs = (find_model(source, pivot, models_root), find_model(pivot, lang.code, models_root))
    memory_file = memory_path(memory_dir, source, lang.code)
    parts = []
    if direct is not None:
        parts.append(f"model {source}->{lang.code} {direct.path.name} version {direct.version}")
    elif legs[0] is not None and legs[1] is not None:
        parts.append(
            f"models {source}->{pivot} {legs[0].path.name} version {legs[0].version} + "
            f"{pivot}->{lang.code} {legs[1].path.name} version {legs[1].version}"
        )
    fetch = f"ggmulti models fetch {lang.code} --from {source} (or ggmulti models install FILE.argosmodel)"
    if memory_file.exists():
        try:
            memory = TranslationMemory.load(memory_file, source, lang.code)
        except GgmultiError as exc:
            return Capability(False, f"translation memory unreadable: {exc}", kind="none", fix=fetch)
        covered = sum(memory.get(text) is not None for text in corpus)
        parts.append(
            f"translation memory {memory_file.name}: {len(memory)} approved sentences, covering "
            f"{covered} of the {len(corpus)} segments of the configured sources"
        )
        if direct is None and None in legs:
            return Capability(
                True,
                f"memory only: {parts[-1]}; a release it does not cover is not published",
                kind="memory",
                fix=fetch + f"; or have translators approve it: ggmulti review export --lang {lang.code}",
            )
    if parts:
        return Capability(True, " + ".join(parts), kind="model")
    return Capability(
        False,
        f"no {source}->{lang.code} model in {models_root} and no translation memory",
        kind="none",
        fix=fetch,
    )


def _interface(lang: LanguageConfig, strings: Mapping[str, object]) -> Capability:
    if lang.code in strings:
        return Capability(True, "interface strings in ui.yaml", kind="strings")
    return Capability(
        False,
        'no interface strings: pages show menus and notices in English (marked lang="en")',
        kind="english",
        fix=f"add a '{lang.code}:' block with every key of 'en' to ui.yaml in the theme folder ([paths] templates)",
    )


def _voice(lang: LanguageConfig, engine: EspeakEngine) -> Capability:
    """Asks the engine the build speaks with (espeak-ng 1.52 in a worker), not the espeak-ng on PATH."""
    try:
        problem = engine.problem(lang.code, lang.voice, lang.name)
        if problem is None and lang.voice:
            found = engine.resolve(lang.voice)
            assert found is not None
            return Capability(
                True,
                f"espeak-ng {engine.version} {found.id} ({found.name}), rate {lang.rate}",
                kind="espeak-ng",
            )
    except EngineUnavailable as exc:
        problem = str(exc)
    fix = (
        "no espeak-ng voice exists for this language: nothing to install (pages say why there is no audio)"
        if not lang.voice or unusable_reason(lang.voice)
        else f"apt-get install espeak-ng (or fix [languages.{lang.code}] voice in ggmulti.toml)"
    )
    return Capability(False, f"{problem}: no audio", kind="none", fix=fix)


def _font(lang: LanguageConfig) -> Capability:
    fc_lang = _FC_LANG.get(lang.code, lang.code)
    out = _run(["fc-list", f":family={lang.font}:lang={fc_lang}", "family"])
    package = "fonts-noto-cjk" if "CJK" in lang.font else "fonts-noto-core"
    if out is None:
        return Capability(
            False, "fontconfig (fc-list) is not installed", kind="none", fix="apt-get install fontconfig"
        )
    if not out.strip():
        return Capability(
            False,
            f"font '{lang.font}' covering '{fc_lang}' is not installed",
            kind="none",
            fix=f"apt-get install {package}",
        )
    return Capability(True, lang.font, kind="fontconfig")


@dataclass(frozen=True)
class SystemPart:
    """A library or program of the machine's that ggmulti does not install itself (its wheels do the rest)."""

    name: str
    needed_for: str
    capability: Capability


# (name, what needs it, shared libraries or programs that must all be found, Debian packages that provide them)
_SYSTEM_PARTS = (
    ("Pango", "PDF editions and bundles (WeasyPrint)", ("lib:pango-1.0", "lib:pangoft2-1.0"),
     "libpango-1.0-0 libpangoft2-1.0-0"),
    ("HarfBuzz subset", "font subsetting in PDFs (without it about 40x slower)", ("lib:harfbuzz-subset",),
     "libharfbuzz-subset0"),
    ("fontconfig", "finding the fonts of every script", ("bin:fc-list", "lib:fontconfig"), "fontconfig"),
    ("FriBidi", "shaped Lao, Khmer, Burmese and Devanagari on podcast covers", ("lib:fribidi",), "libfribidi0"),
)  # fmt: skip


def _found(requirement: str) -> bool:
    kind, _, name = requirement.partition(":")
    return (shutil.which(name) if kind == "bin" else ctypes.util.find_library(name)) is not None


def system_parts() -> list[SystemPart]:
    """What the machine must provide at run time; fonts per language are in each language's status."""
    parts = []
    for name, needed_for, requirements, packages in _SYSTEM_PARTS:
        missing = [r.partition(":")[2] for r in requirements if not _found(r)]
        capability = (
            Capability(True, "found", kind="system")
            if not missing
            else Capability(
                False,
                f"{', '.join(missing)} not found",
                kind="none",
                fix=f"apt-get install {packages} (or your system's equivalent)",
            )
        )
        parts.append(SystemPart(name, needed_for, capability))
    return parts


def diagnose(
    config: Config, source_lang: str = "en", models_root: Path | None = None
) -> list[LanguageStatus]:
    root = models_root or config.models_dir or packages_dir()
    corpus = _corpus_segments(config, source_lang)
    strings = _interface_strings(config)
    with EspeakEngine() as engine:
        return [
            LanguageStatus(
                code,
                cfg.name,
                _translation(cfg, source_lang, config.memory_dir, root, config.translation.pivot, corpus),
                _voice(cfg, engine),
                _font(cfg),
                _interface(cfg, strings),
            )
            for code, cfg in config.languages.items()
        ]


def _corpus_segments(config: Config, source_lang: str) -> list[str]:
    """Every distinct segment text of the configured sources in ``source_lang`` (what a memory can cover)."""
    from .ingest import ingest
    from .segment import segment_release, title_segment

    sources = [p for p in config.corpus if p.exists()]
    texts: dict[str, None] = {}
    for release in ingest(sources) if sources else []:
        if release.source_lang == source_lang:
            texts[title_segment(release).text] = None
            texts.update((s.text, None) for para in segment_release(release) for s in para)
    return list(texts)


def _interface_strings(config: Config) -> Mapping[str, object]:
    from .render.html import load_ui_strings

    return load_ui_strings(config.templates_dir, config.theme_dir)
