"""Content-addressed rebuilds: an edition records the hashes of everything it was made from.

A later build recomputes those hashes first; an edition whose inputs are unchanged and whose files
are still intact is reused as it stands (no rendering, no synthesis), and one that changed is
rebuilt with the reason named in the build report.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from . import __version__
from .config import Config
from .glossary.model import Glossary, Term
from .model import TranslatedRelease
from .store import OutputStore, sha256_bytes


def _sha(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def templates_fingerprint(config: Config) -> str:
    """Templates, interface strings and the code version: a change here re-renders every edition."""
    digest = hashlib.sha256(f"ggmulti {__version__}\n".encode())
    for path in sorted(p for p in config.templates_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(config.templates_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    digest.update(json.dumps(config.publisher.model_dump(), sort_keys=True).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class EditionInputs:
    """What one edition's files were made from, each as a hash (or a short value) that diffs readably."""

    source: str  # the release as ingested
    segments: str  # the translated text: every segment's text, language and origin
    glossary: dict[str, str]  # term id -> fingerprint, for the terms this edition contains
    model: str | None  # sha256 of the translation model, when one was used
    memory: str | None  # hash of the approved sentences used, with their review flags
    templates: str
    language: str  # the language's configuration (font, tag, voice, rate)
    alternates: tuple[str, ...]  # other languages of the release (links on the page)
    formats: tuple[str, ...]

    @property
    def key(self) -> str:
        return _sha(asdict(self))

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            **asdict(self),
            "alternates": list(self.alternates),
            "formats": list(self.formats),
        }

    def changes_since(self, old: Mapping[str, Any] | None) -> list[str]:
        """Why this edition must be rebuilt; empty when nothing it was made from has changed."""
        if not old:
            return ["new edition"]
        if old.get("key") == self.key:
            return []
        now = self.to_json()
        reasons = []
        for field_name in (
            "source",
            "segments",
            "model",
            "memory",
            "templates",
            "language",
            "alternates",
            "formats",
        ):
            if old.get(field_name) != now[field_name]:
                reasons.append(f"{field_name} changed")
        before, after = old.get("glossary") or {}, self.glossary
        changed = sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
        if changed:
            reasons.append("glossary terms changed: " + ", ".join(changed))
        return reasons or ["inputs changed"]


def _term_view(term: Term, source_lang: str, lang: str) -> str:
    """The part of a term an edition depends on: how it is found, shown, glossed in Korean and spoken.

    A change to the term's form in another language leaves this edition alone.
    """
    return _sha(
        [
            term.forms.get(source_lang),
            list(term.variants.get(source_lang, ())),
            term.forms.get(lang),
            term.forms.get("ko"),
            term.spoken.get(lang),
            term.dnt,
        ]
    )[:16]


def edition_inputs(
    tr: TranslatedRelease,
    glossary: Glossary,
    config: Config,
    templates: str,
    alternates: Sequence[str],
    formats: Iterable[str],
) -> EditionInputs:
    release = tr.release
    segments = [tr.title, *(s for para in tr.paragraphs for s in para)]
    terms = glossary.by_id()
    hit = sorted({c.term_id for s in segments for c in s.terms if c.term_id in terms})
    models = sorted({s.model_sha256 for s in segments if s.model_sha256})
    memory = [(s.segment.key, s.text, s.review) for s in segments if s.origin.value == "memory"]
    return EditionInputs(
        source=_sha(
            [
                release.id,
                release.title,
                release.date,
                release.source_lang,
                release.source_url,
                list(release.paragraphs),
            ]
        ),
        segments=_sha([[s.segment.key, s.text, s.lang, s.origin.value] for s in segments]),
        glossary={t: _term_view(terms[t], release.source_lang, tr.lang) for t in hit},
        model=",".join(models) or None,
        memory=_sha(memory) if memory else None,
        templates=templates,
        language=_sha(config.language(tr.lang).model_dump()),
        alternates=tuple(alternates),
        formats=tuple(sorted(formats)),
    )


def intact(store: OutputStore, artifacts: Sequence[Mapping[str, Any]]) -> bool:
    """Every file the old manifest lists for an edition is still there with the bytes it recorded."""
    for artifact in artifacts:
        data = store.read(str(artifact.get("path", "")))
        if data is None or sha256_bytes(data) != artifact.get("sha256"):
            return False
    return True


def previous_editions(old: Mapping[str, Any] | None) -> dict[tuple[str, str], Mapping[str, Any]]:
    if not old:
        return {}
    return {(r["id"], lang): ed for r in old["releases"] for lang, ed in r["editions"].items()}


def bundle_key(language: str, edition_keys: Iterable[str]) -> str:
    return _sha([language, sorted(edition_keys)])
