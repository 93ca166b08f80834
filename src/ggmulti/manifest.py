"""manifest.json as a typed catalogue: what is published, in which languages, made from what.

Other tools read the manifest (docs/manifest.md, docs/manifest.schema.json): it is a contract. In
memory it is frozen dataclasses; JSON exists only at the edge (``loads`` / ``dumps``). Stable key order
and no timestamps: the same catalogue always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from . import __version__
from .errors import OutputError
from .model import EditionStatus, Provenance, Release, SegmentCounts, TermCounts

MANIFEST_NAME = "manifest.json"
REPORT_NAME = "report.json"
SCHEMA_VERSION = 2  # 1: the same shape under the key "format"; read, and written back as 2


class ArtifactKind(StrEnum):
    """What a published file is; tools pick files by kind, never by guessing from the path."""

    HTML = "html"
    PDF = "pdf"
    AUDIO = "audio"
    TRANSCRIPT = "transcript"
    TRANSCRIPT_PAGE = "transcript-page"  # the transcript as HTML, the reader-facing one
    DATA = "data"  # the edition's text as JSON: sentences, their languages and origins, term checks
    EPUB = "epub"  # EPUB 3 talking book: the text, read aloud sentence by sentence where there is audio
    CSS = "css"
    SCRIPT = "script"  # the read-along script release and transcript pages load (pages work without it)
    ICON = "icon"  # the site's favicon
    IMAGE = "image"  # a podcast cover
    SITEMAP = "sitemap"
    ROBOTS = "robots"
    FEED = "feed"
    BUNDLE_PDF = "bundle-pdf"
    BUNDLE_ZIP = "bundle-zip"
    BUNDLE_EPUB = "bundle-epub"
    MANIFEST = "manifest"
    REPORT = "report"


@dataclass(frozen=True)
class Artifact:
    kind: ArtifactKind
    path: str  # relative to the output folder, POSIX separators
    sha256: str
    bytes: int


def content_hash(data: object) -> str:
    """sha256 of a JSON value, independent of key order: the unit of every 'made from' record."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


_INPUT_FIELDS = ("source", "segments", "model", "memory", "templates", "language", "alternates", "formats")


@dataclass(frozen=True)
class EditionInputs:
    """What one edition's files were made from, each as a hash (or a short value) that diffs readably.

    ``key`` hashes all the others: a later build with the same key reuses the files as they stand.
    """

    key: str
    source: str  # the release as ingested
    segments: str  # the translated text: every segment's text, language and origin
    glossary: Mapping[str, str]  # term id -> fingerprint, for the terms this edition contains
    model: str | None  # sha256 of the translation model, when one was used
    memory: str | None  # hash of the approved sentences used, with their review flags
    templates: str
    language: str  # the language's configuration (font, tag, voice, rate)
    alternates: tuple[str, ...]  # other languages of the release (links on the page)
    formats: tuple[str, ...]

    @classmethod
    def of(cls, **values: Any) -> EditionInputs:
        """Inputs with their key computed from the values (the key is never given by hand)."""
        shaped = {**values, "alternates": list(values["alternates"]), "formats": list(values["formats"])}
        shaped["glossary"] = dict(values["glossary"])
        return cls(key=content_hash(shaped), **values)

    def changes_since(self, old: EditionInputs | None) -> list[str]:
        """Why this edition must be rebuilt; empty when nothing it was made from has changed."""
        if old is None:
            return ["new edition"]
        if old.key == self.key:
            return []
        reasons = [f"{name} changed" for name in _INPUT_FIELDS if getattr(old, name) != getattr(self, name)]
        before, after = old.glossary, self.glossary
        changed = sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
        if changed:
            reasons.append("glossary terms changed: " + ", ".join(changed))
        return reasons or ["inputs changed"]


@dataclass(frozen=True)
class EditionEntry:
    """One release in one language: whether it is published, its counts, files and inputs."""

    status: EditionStatus
    reason: str | None = None  # why it is partial or skipped (for maintainers, not readers)
    notes: tuple[str, ...] = ()
    title: str | None = None
    title_lang: str | None = None  # the language the title is actually in (source when untranslated)
    segments: SegmentCounts = field(default_factory=SegmentCounts)
    translation: Provenance | None = None  # who wrote the text: source | human | machine | mixed
    terms: TermCounts = field(default_factory=TermCounts)
    lead: str | None = None  # the first paragraph as published (feeds and aggregators show it)
    audio_seconds: float | None = None  # length of the edition's audio, when it has audio
    artifacts: tuple[Artifact, ...] = ()
    inputs: EditionInputs | None = None  # None: skipped, nothing was made

    def artifact(self, kind: ArtifactKind) -> Artifact | None:
        return next((a for a in self.artifacts if a.kind is kind), None)

    @property
    def listed(self) -> bool:
        """Shown to readers: published in full or in part."""
        return self.status is not EditionStatus.SKIPPED


@dataclass(frozen=True)
class ReleaseEntry:
    id: str
    title: str
    date: str | None
    source_lang: str
    source_url: str | None
    editions: Mapping[str, EditionEntry]

    @classmethod
    def of(cls, release: Release, editions: Mapping[str, EditionEntry]) -> ReleaseEntry:
        return cls(
            id=release.id,
            title=release.title,
            date=release.date,
            source_lang=release.source_lang,
            source_url=release.source_url,
            editions=dict(sorted(editions.items())),
        )

    def over(self, old: ReleaseEntry) -> ReleaseEntry:
        """This release as rebuilt now, keeping its editions in languages this build did not ask for."""
        return replace(self, editions=dict(sorted({**old.editions, **self.editions}.items())))


@dataclass(frozen=True)
class Bundle:
    """One language's releases of one period, as a combined PDF and a zip for multicultural centers."""

    lang: str
    period: str  # "2025-11" (month), "2025-Q4" (quarter), "2025" (year) or "undated"
    key: str  # hash of the editions it holds: unchanged key, bundle reused as it stands
    releases: tuple[str, ...]  # newest first
    audio: bool  # the zip carries MP3s (its label says so only then)
    pdf: str
    zip: str
    epub: str | None = None  # the talking book of the period, when the build makes EPUBs

    @staticmethod
    def name_of(lang: str, period: str) -> str:
        """The bundle's key in the catalogue: "vi/2025-11"."""
        return f"{lang}/{period}"


@dataclass(frozen=True)
class Withdrawal:
    """A release taken down with `ggmulti withdraw`: a decision that wins over the sources.

    Its edition files are gone; each language URL it had serves a short notice instead (a site page),
    and later builds do not publish it again until `ggmulti restore` lifts the record.
    """

    id: str
    title: str
    date: str = ""  # YYYY-MM-DD, when it was withdrawn
    reason: str = ""  # as the press office wrote it (shown on the notice pages)
    reason_lang: str = ""  # the language the reason is written in (the release's own)
    languages: tuple[str, ...] = ()  # languages whose page URL serves the notice


def _sort_key(entry: ReleaseEntry) -> tuple[str, str]:
    # Newest first; undated releases last; ties broken by id so the order never depends on input order.
    return ("~" if not entry.date else _invert(entry.date), entry.id)


def _invert(date: str) -> str:
    return "".join(chr(ord("9") - ord(c) + ord("0")) if c.isdigit() else c for c in date)


@dataclass(frozen=True)
class Catalogue:
    """Everything published in one output folder; the one truth `verify` and later builds go by."""

    schema_version: int = SCHEMA_VERSION
    generator: str = f"ggmulti {__version__}"
    releases: tuple[ReleaseEntry, ...] = ()
    site: tuple[Artifact, ...] = ()  # indexes, feeds, bundles, the stylesheet
    bundles: Mapping[str, Bundle] = field(default_factory=dict)  # "lang/period" -> bundle, newest first
    withdrawn: tuple[Withdrawal, ...] = ()

    @classmethod
    def of(
        cls,
        releases: Iterable[ReleaseEntry],
        site: Iterable[Artifact] = (),
        bundles: Iterable[Bundle] = (),
        withdrawn: Iterable[Withdrawal] = (),
    ) -> Catalogue:
        """A catalogue in canonical order: releases and bundles newest first, files by path."""
        ordered = sorted(bundles, key=lambda b: (b.lang, b.period == "undated", _invert(b.period)))
        return cls(
            releases=tuple(sorted(releases, key=_sort_key)),
            site=tuple(sorted(site, key=lambda a: a.path)),
            bundles={Bundle.name_of(b.lang, b.period): b for b in ordered},
            withdrawn=tuple(sorted(withdrawn, key=lambda w: w.id)),
        )

    def bundles_of(self, lang: str) -> list[Bundle]:
        return [b for b in self.bundles.values() if b.lang == lang]

    def release(self, release_id: str) -> ReleaseEntry | None:
        return next((r for r in self.releases if r.id == release_id), None)

    def editions(self) -> Iterable[tuple[ReleaseEntry, str, EditionEntry]]:
        for entry in self.releases:
            for lang, edition in entry.editions.items():
                yield entry, lang, edition

    def withdrawal(self, release_id: str) -> Withdrawal | None:
        return next((w for w in self.withdrawn if w.id == release_id), None)

    def artifacts(self) -> list[Artifact]:
        """Every file the catalogue lists (editions' and the site's), manifest and report excluded."""
        return [a for _r, _l, e in self.editions() for a in e.artifacts] + list(self.site)

    def merged_over(self, old: Catalogue | None) -> Catalogue:
        """This build's entries over an earlier catalogue: earlier releases and languages stay listed."""
        if old is None:
            return self
        mine = {r.id: r for r in self.releases}
        releases = [mine.pop(r.id).over(r) if r.id in mine else r for r in old.releases]
        # A withdrawal stands until `ggmulti restore` lifts it (the build never publishes its release).
        return replace(
            self,
            releases=Catalogue.of([*releases, *mine.values()]).releases,
            withdrawn=Catalogue.of(
                (), withdrawn={w.id: w for w in (*old.withdrawn, *self.withdrawn)}.values()
            ).withdrawn,
        )


def dumps(value: Catalogue | Mapping[str, object]) -> bytes:
    """JSON with a trailing newline, keys in field order, non-ASCII kept readable.

    pydantic's serializer (compiled) rather than ``json.dumps(indent=2)``, whose indented encoder is
    pure Python: a catalogue of 500 releases took half a second there, 50 ms here, for the same bytes.
    """
    from pydantic import TypeAdapter
    from pydantic_core import to_json

    if isinstance(value, Catalogue):
        return TypeAdapter(Catalogue).dump_json(value, indent=2) + b"\n"
    return to_json(value, indent=2) + b"\n"


def schema() -> dict[str, Any]:
    """The JSON Schema of manifest.json (docs/manifest.schema.json is this, kept in sync by a test)."""
    from pydantic import TypeAdapter

    generated = TypeAdapter(Catalogue).json_schema(mode="serialization")
    # Every field is always written, so a reader may rely on each one being there.
    for definition in [generated, *generated.get("$defs", {}).values()]:
        if "properties" in definition:
            definition["required"] = list(definition["properties"])
            definition["additionalProperties"] = False
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://ggmulti.invalid/manifest.schema.v{SCHEMA_VERSION}.json",
        "title": "ggmulti manifest.json",
        **generated,
    }


_WRITTEN_BY_DUMPS = f'{{\n  "schema_version": {SCHEMA_VERSION},'.encode()


def loads(data: bytes, where: str) -> Catalogue:
    """A previous manifest, validated whole: a build never merges with (and so loses) a malformed one."""
    from pydantic import TypeAdapter, ValidationError

    if data.startswith(_WRITTEN_BY_DUMPS):  # this version's own bytes: validated straight from JSON
        try:
            return TypeAdapter(Catalogue).validate_json(data)
        except ValidationError:
            pass  # the careful path below names the problem
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise OutputError(
            f"{where}: existing manifest is not valid JSON ({exc}); move it away to start over"
        ) from None
    if isinstance(raw, dict) and "schema_version" not in raw and raw.get("format") == 1:
        raw = {k: v for k, v in raw.items() if k != "format"} | {"schema_version": 1}
    if not isinstance(raw, dict) or raw.get("schema_version") not in (1, SCHEMA_VERSION):
        raise OutputError(
            f"{where}: existing manifest is not a ggmulti catalogue of schema version {SCHEMA_VERSION}; "
            "move it away to start over"
        )
    try:
        catalogue = TypeAdapter(Catalogue).validate_python(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        at = ".".join(str(p) for p in first["loc"])
        raise OutputError(
            f"{where}: existing manifest has an unexpected shape at {at}: {first['msg']}; "
            "move it away to start over"
        ) from None
    return replace(catalogue, schema_version=SCHEMA_VERSION)
