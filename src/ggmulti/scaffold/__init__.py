"""`ggmulti init DIR`: a working site project (config, glossary, memory, sources, PR workflow, README)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from .. import __version__
from ..errors import ConfigError, OutputError
from ..languages import BUILTIN

# What a new project publishes in unless --lang says otherwise: the province's community languages.
DEFAULT_INIT_LANGUAGES = (
    "vi",
    "zh",
    "lo",
    "hi",
    "th",
    "km",
    "mn",
    "ru",
    "uz",
    "ne",
    "tl",
    "id",
    "my",
    "ja",
    "en",
)

# (file in the package, path in the project, filled in with str.format)
_FILES = (
    ("ggmulti.toml.tmpl", "ggmulti.toml", True),
    ("README.md.tmpl", "README.md", True),
    ("gitignore.tmpl", ".gitignore", False),
    ("glossary/README.md", "glossary/README.md", False),
    ("glossary/places.yaml", "glossary/places.yaml", False),
    ("memory/README.md", "memory/README.md", False),
    ("sources/welcome.md", "sources/welcome.md", False),
    ("workflows/review.yml", ".github/workflows/review.yml", True),
)


# Files a freshly cloned repository often already has: the user's own is kept (README) or extended (the
# ignore list gains the lines it lacks), never replaced.
_KEPT = frozenset({"README.md"})
_EXTENDED = frozenset({".gitignore"})


@dataclass(frozen=True)
class InitResult:
    root: Path
    files: tuple[str, ...]  # written
    kept: tuple[str, ...] = ()  # already there and left as they were
    extended: tuple[str, ...] = ()  # already there; lines appended


def init_project(
    folder: Path,
    languages: Sequence[str] = (),
    publisher: str = "Gyeonggi Province",
    site_title: str = "Gyeonggi Province press releases",
) -> InitResult:
    """Write a new project into ``folder``; refuses, naming them, any file it would overwrite.

    A folder that already holds other things (``.git``, a README, a licence) is how a team starts a
    repository, so only a clash with a file of the project is refused.
    """
    langs = list(dict.fromkeys(languages or DEFAULT_INIT_LANGUAGES))
    unknown = [code for code in langs if code not in BUILTIN]
    if unknown:
        raise ConfigError(
            [
                f"--lang {code}: no built-in language (add it to ggmulti.toml [languages.{code}] after init)"
                for code in unknown
            ]
        )
    if "en" not in langs:
        langs.append("en")  # the releases' own language is published too
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: exists and is not a folder; ggmulti init never overwrites")
    clashes = [
        target
        for _name, target, _fill in _FILES
        if (target not in _KEPT | _EXTENDED and (folder / target).exists()) or _blocked(folder, target)
    ]
    if clashes:
        raise OutputError(
            f"{folder}: would overwrite {', '.join(clashes)}; ggmulti init never overwrites "
            "(move them away or init another folder)"
        )
    values = {
        "publisher": publisher,
        "site_title": site_title,
        "languages": ", ".join(f'"{code}"' for code in langs),
        "version": __version__,
    }
    source = files("ggmulti") / "scaffold"
    written: list[str] = []
    kept: list[str] = []
    extended: list[str] = []
    for name, target, fill in _FILES:
        text = (source / name).read_text(encoding="utf-8")
        text = text.format(**values) if fill else text
        path = folder / target
        if path.is_file() and target in _KEPT:
            kept.append(target)
            continue
        if path.is_file() and target in _EXTENDED:
            if _extend_lines(path, text):
                extended.append(target)
            else:
                kept.append(target)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as out:  # never replaces a file that appeared meanwhile
            out.write(text)
        written.append(target)
    return InitResult(folder, tuple(written), tuple(kept), tuple(extended))


def _blocked(folder: Path, target: str) -> bool:
    """A kept or extended name that is not a regular file (a folder called README.md) cannot be kept."""
    path = folder / target
    return target in _KEPT | _EXTENDED and path.exists() and not path.is_file()


def _extend_lines(path: Path, text: str) -> bool:
    """Append the lines of ``text`` that ``path`` lacks; True when anything was added."""
    have = path.read_text(encoding="utf-8")
    present = {line.strip() for line in have.splitlines()}
    missing = [line for line in text.splitlines() if line.strip() and line.strip() not in present]
    if not missing:
        return False
    joiner = "" if not have or have.endswith("\n") else "\n"
    with path.open("a", encoding="utf-8") as out:
        out.write(joiner + "# ggmulti\n" + "\n".join(missing) + "\n")
    return True
