"""ggmulti.toml: one schema, every problem collected and reported at once (like mkdocs' config)."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError
from .languages import BUILTIN, Traits
from .readpolicy import MAX_CONFIG_BYTES, loads_toml, read_text

CONFIG_NAME = "ggmulti.toml"

DEFAULT_LANGUAGES = ("vi", "zh", "lo", "hi", "th", "km", "mn", "ru", "uz", "ne", "tl", "id", "my", "ja", "en")


# A language code becomes part of file and folder names (vi/index.html, memory/en-vi.xlf): letters,
# digits and inner hyphens only, so no code can name a path outside its folder or look like an option.
_CODE = re.compile(r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")
_CODE_MAX = 35  # the longest BCP 47 tags in use are far shorter


def _language_code(value: str) -> str:
    if len(value) > _CODE_MAX or not _CODE.match(value):
        raise ValueError(
            f"{value[:40]!r} is not a language code (letters, digits and hyphens, "
            f"at most {_CODE_MAX} characters, e.g. 'vi' or 'zh-Hant')"
        )
    return value


def _web_url(value: str | None) -> str | None:
    """Links built from it reach feeds and pages: only an absolute http(s) address may."""
    if value is None:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F or c in _URL_FORBIDDEN for c in value)
    ):
        raise ValueError(f"{value[:60]!r} is not an http(s) URL (e.g. https://www.gg.go.kr/)")
    return value


LanguageCode = Annotated[str, AfterValidator(_language_code)]

# Characters a URL written into feeds, pages and XML attributes may not carry unescaped (RFC 3986
# excludes them; quotes would end an attribute in a template that forgot to escape).
_URL_FORBIDDEN = frozenset("\"'<>\\^`{|}")
_PLAIN_MAX = 300  # characters in a name or title shown on pages, covers and tags


def _plain_text(value: str) -> str:
    """Names and titles reach HTML, XML, PDF and ID3 tags: printable text only, one line, bounded."""
    bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cs", "Co") or _noncharacter(c)), None)
    if bad is not None:
        raise ValueError(
            f"contains the control or unassigned character U+{ord(bad):04X}; only printable text"
        )
    if len(value) > _PLAIN_MAX:
        raise ValueError(f"{len(value)} characters is over the {_PLAIN_MAX}-character limit")
    return value


def _noncharacter(c: str) -> bool:
    n = ord(c)
    return 0xFDD0 <= n <= 0xFDEF or (n & 0xFFFE) == 0xFFFE


PlainText = Annotated[str, AfterValidator(_plain_text)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LanguageConfig(_Strict):
    code: str
    name: PlainText
    native_name: PlainText
    bcp47: str
    script: str = Field(pattern=r"^[A-Z][a-z]{3}$")
    font: str
    voice: str | None = None
    rate: int = Field(default=160, ge=80, le=450)
    langdetect: str | None = None

    @property
    def has_voice(self) -> bool:
        return bool(self.voice)

    @property
    def traits(self) -> Traits:
        """How text in this language behaves (word spaces, letter case), from its script."""
        return Traits(self.script)


class HelpConfig(_Strict):
    """A help line readers can call in their own language, shown on every page and in every bundle."""

    name: PlainText = Field(min_length=1)  # "Danuri Call Center"
    phone: str = Field(pattern=r"^\+?[0-9][0-9 -]{1,30}$")  # as dialled: "1577-1366"
    hours: PlainText = (
        "24/7"  # "24/7": "open 24 hours a day, every day" in each language; else shown as written
    )
    text: dict[str, PlainText] = {}  # per language code: your own sentence instead of the shipped one

    @field_validator("text")
    @classmethod
    def _fillable(cls, v: dict[str, str]) -> dict[str, str]:
        for code, sentence in v.items():
            try:
                sentence.format(name="", phone="")
            except (KeyError, IndexError, ValueError) as exc:
                raise ValueError(
                    f"text.{code}: only {{name}} and {{phone}} can be filled in ({exc})"
                ) from None
        return v


class PublisherConfig(_Strict):
    help: HelpConfig | None = None
    name: PlainText = "Gyeonggi Province"
    url: Annotated[str | None, AfterValidator(_web_url)] = None
    site_title: PlainText = "Gyeonggi Province press releases"
    email: PlainText | None = (
        None  # the podcast feeds' owner (Apple Podcasts writes to it to verify the feed)
    )
    podcast_category: str = "Government"  # an Apple Podcasts category


class BuildConfig(_Strict):
    languages: tuple[LanguageCode, ...] = DEFAULT_LANGUAGES
    formats: tuple[str, ...] = ("html", "pdf")
    workers: int = Field(default=2, ge=1, le=64)  # processes for PDF rendering and speech
    executor: Literal["local", "ray"] = "local"  # where edition work runs (executor.py)
    # Share of a release's sentences (title included) with an approved or machine translation below
    # which a language gets no edition of it: its index lists the release as not yet translated.
    min_translated: float = Field(default=0.8, ge=0.0, le=1.0)

    @field_validator("languages")
    @classmethod
    def _some_languages(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError('needs at least one language, e.g. languages = ["en", "vi"]')
        return v

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(v) - {"html", "pdf", "audio", "epub"})
        if unknown:
            raise ValueError(f"unknown format(s) {', '.join(unknown)}; known: html, pdf, audio, epub")
        return v


class BundlesConfig(_Strict):
    # A center downloads one period at a time ("Lao — November 2025"); a new release rebuilds only its own.
    period: Literal["month", "quarter", "year"] = "month"


class TranslationConfig(_Strict):
    beam_size: int = Field(default=4, ge=1, le=16)
    compute_type: str = "default"
    models_dir: str | None = (
        None  # default: $GGMULTI_MODELS_DIR, $ARGOS_PACKAGES_DIR, ~/.local/share/ggmulti/models
    )
    cache: str | None = None  # default: $XDG_CACHE_HOME/ggmulti/translations.sqlite (~/.cache/...)
    pivot: LanguageCode = "en"
    # Machine sentences scoring below this (0..1, see translate/stage.py) or failing a QA check need
    # review. 0.35 was measured on bench/quality_bench.py's reference set.
    min_score: float = Field(default=0.35, ge=0.0, le=1.0)
    # Which machine sentences are published: all (those needing review are marked), checked (those
    # needing review are held back as untranslated), none (only approved human translations).
    publish_machine: Literal["all", "checked", "none"] = "all"


class PathsConfig(_Strict):
    glossary: str = "glossary"
    # A theme folder: templates and ui.yaml strings that override the ones ggmulti ships (mkdocs'
    # custom_dir). Unset: the shipped ones.
    templates: str | None = None
    memory: str = "memory"
    corpus: tuple[str, ...] = ("examples/releases",)  # what `glossary diff` scans by default


class GlossaryConfig(_Strict):
    # The language of the names' originals, shown beside each name on a page (residents meet them on
    # signs and forms) and read in that language's voice.
    original: LanguageCode = "ko"


class _RawConfig(_Strict):
    publisher: PublisherConfig = PublisherConfig()
    glossary: GlossaryConfig = GlossaryConfig()
    bundles: BundlesConfig = BundlesConfig()
    build: BuildConfig = BuildConfig()
    paths: PathsConfig = PathsConfig()
    translation: TranslationConfig = TranslationConfig()
    languages: dict[LanguageCode, dict[str, Any]] = {}


@dataclass(frozen=True)
class Config:
    """The validated configuration; paths are absolute, languages complete."""

    root: Path  # folder the config file lives in (or the project root when there is none)
    publisher: PublisherConfig
    build: BuildConfig
    languages: dict[str, LanguageConfig]
    glossary_dir: Path
    templates_dir: Path  # the templates ggmulti ships (package data)
    memory_dir: Path
    corpus: tuple[Path, ...] = ()
    translation: TranslationConfig = field(default_factory=TranslationConfig)
    models_dir: Path | None = None
    cache_path: Path | None = None
    names_lang: str = "ko"  # [glossary] original
    bundles: BundlesConfig = field(default_factory=BundlesConfig)
    theme_dir: Path | None = None  # [paths] templates: overrides of the shipped templates and strings
    # Source languages the site does not publish in, added for a build (``with_originals``): their
    # editions (the originals) are published, but they get no index, feed or bundle.
    originals: tuple[str, ...] = ()

    def language(self, code: str) -> LanguageConfig:
        return self.languages[code]

    def with_originals(self, codes: Iterable[str]) -> Config:
        """This configuration with the built-in settings of the releases' own languages it lacks, so
        every release's original is published (the link "read the original" always resolves)."""
        extra = {
            code: found
            for code in sorted(set(codes))
            if code not in self.languages and (found := builtin_language(code)) is not None
        }
        if not extra:
            return self
        return replace(self, languages={**self.languages, **extra}, originals=(*self.originals, *extra))

    def site_languages(self) -> dict[str, LanguageConfig]:
        """The languages the site is published in: each has its index, feed and bundles."""
        return {code: cfg for code, cfg in self.languages.items() if code not in self.originals}


def builtin_language(code: str) -> LanguageConfig | None:
    row = BUILTIN.get(code)
    if row is None:
        return None
    name, native, bcp47, script, font, voice, detect = row
    return LanguageConfig(
        code=code,
        name=name,
        native_name=native,
        bcp47=bcp47,
        script=script,
        font=font,
        voice=voice,
        langdetect=detect,
    )


def default_cache_path() -> Path:
    """Caches live with the user's other caches, never inside the checkout or the output folder."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "ggmulti" / "translations.sqlite"


def packaged_templates() -> Path:
    """The templates, stylesheets and interface strings ggmulti ships (package data)."""
    from importlib.resources import files

    return Path(str(files("ggmulti") / "templates"))


def find_config(start: Path) -> Path | None:
    """ggmulti.toml in ``start`` or the nearest parent folder, as git finds its repository."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def _format_loc(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc if p != "[key]")  # a bad table name is named by itself


def _message(msg: str) -> str:
    return msg.removeprefix("Value error, ")  # pydantic's wrapper around our own validators' words


def _config_error(message: str) -> ConfigError:
    return ConfigError([message])


def load_config(path: Path | None = None, *, cwd: Path | None = None) -> Config:
    """Load ``path`` (or the nearest ggmulti.toml), collecting every problem before failing once."""
    if path is None:
        path = find_config(cwd or Path.cwd())
    data: dict[str, Any] = {}
    root = (cwd or Path.cwd()).resolve()  # no ggmulti.toml: paths are relative to where it runs
    label = CONFIG_NAME
    if path is not None:
        label = str(path)
        root = path.resolve().parent
        text = read_text(path, limit=MAX_CONFIG_BYTES, fail=_config_error, what="configuration file")
        data = loads_toml(text, label, _config_error)

    problems: list[str] = []
    try:
        raw = _RawConfig.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append(f"{label}: {_format_loc(err['loc'])}: {_message(err['msg'])}")
        # Go on with the sections that are valid, so the language tables are checked in the same run.
        bad = {err["loc"][0] for err in exc.errors() if err["loc"]}
        raw = _RawConfig.model_validate({k: v for k, v in data.items() if k not in bad})

    languages: dict[str, LanguageConfig] = {}
    wanted = list(dict.fromkeys([*raw.build.languages, *raw.languages.keys()]))
    for code in wanted:
        base = builtin_language(code)
        override = dict(raw.languages.get(code, {}))
        merged: dict[str, Any] = base.model_dump() if base else {"code": code}
        merged.update(override)
        merged["code"] = code
        try:
            languages[code] = LanguageConfig.model_validate(merged)
        except ValidationError as exc:
            for err in exc.errors():
                where = _format_loc(("languages", code, *err["loc"]))
                hint = (
                    ""
                    if base
                    else f" (unknown language '{code}': give name, native_name, bcp47, script, font)"
                )
                problems.append(f"{label}: {where}: {_message(err['msg'])}{hint}")
    if problems:
        raise ConfigError(problems)

    def resolve(p: str) -> Path:
        candidate = Path(p)
        return candidate if candidate.is_absolute() else (root / candidate)

    theme = resolve(raw.paths.templates) if raw.paths.templates else None
    if theme is not None and not theme.is_dir():
        raise ConfigError([f"{label}: paths.templates: theme folder {theme} does not exist"])
    return Config(
        root=root,
        publisher=raw.publisher,
        build=raw.build,
        languages=languages,
        glossary_dir=resolve(raw.paths.glossary),
        templates_dir=packaged_templates(),
        theme_dir=theme,
        memory_dir=resolve(raw.paths.memory),
        corpus=tuple(resolve(p) for p in raw.paths.corpus),
        translation=raw.translation,
        models_dir=resolve(raw.translation.models_dir) if raw.translation.models_dir else None,
        cache_path=resolve(raw.translation.cache) if raw.translation.cache else default_cache_path(),
        names_lang=raw.glossary.original,
        bundles=raw.bundles,
    )
