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


@dataclass(frozen=True)
class InitResult:
    root: Path
    files: tuple[str, ...]


def init_project(
    folder: Path,
    languages: Sequence[str] = (),
    publisher: str = "Gyeonggi Province",
    site_title: str = "Gyeonggi Province press releases",
) -> InitResult:
    """Write a new project into ``folder``; refuses to overwrite anything that is there."""
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
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise OutputError(f"{folder}: exists and is not an empty folder; ggmulti init never overwrites")
    values = {
        "publisher": publisher,
        "site_title": site_title,
        "languages": ", ".join(f'"{code}"' for code in langs),
        "version": __version__,
    }
    source = files("ggmulti") / "scaffold"
    written = []
    for name, target, fill in _FILES:
        text = (source / name).read_text(encoding="utf-8")
        path = folder / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(**values) if fill else text, encoding="utf-8")
        written.append(target)
    return InitResult(folder, tuple(written))
