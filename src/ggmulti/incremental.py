"""Content-addressed rebuilds: an edition records the hashes of everything it was made from.

A later build recomputes those hashes first; an edition whose inputs are unchanged and whose files
are still intact is reused as it stands (no rendering, no synthesis), and one that changed is
rebuilt with the reason named in the build report.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from . import __version__
from .config import Config
from .glossary.model import Glossary, Term
from .manifest import Artifact, Catalogue, EditionEntry, EditionInputs, content_hash
from .model import TranslatedRelease
from .store import FileState, OutputStore, sha256_bytes


def templates_fingerprint(config: Config) -> str:
    """Templates, interface strings and the code version: a change here re-renders every edition."""
    digest = hashlib.sha256(f"ggmulti {__version__}\n".encode())
    for folder in (config.templates_dir, config.theme_dir):
        if folder is None:
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    digest.update(json.dumps(config.publisher.model_dump(), sort_keys=True).encode())
    return digest.hexdigest()


def _term_view(term: Term, source_lang: str, lang: str, names_lang: str) -> str:
    """The part of a term an edition depends on: how it is found, shown, glossed in Korean and spoken.

    A change to the term's form in another language leaves this edition alone.
    """
    return content_hash(
        [
            term.forms.get(source_lang),
            list(term.variants.get(source_lang, ())),
            term.forms.get(lang),
            term.forms.get(names_lang),
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
    segments = tr.segments
    terms = glossary.by_id()
    hit = sorted({c.term_id for s in segments for c in s.terms if c.term_id in terms})
    models = sorted({s.model_sha256 for s in segments if s.model_sha256})
    memory = [(s.segment.key, s.text, s.review) for s in segments if s.origin.value == "memory"]
    return EditionInputs.of(
        source=content_hash(
            [
                release.id,
                release.title,
                release.date,
                release.source_lang,
                release.source_url,
                list(release.paragraphs),
            ]
        ),
        segments=content_hash([[s.segment.key, s.text, s.lang, s.origin.value] for s in segments]),
        glossary={t: _term_view(terms[t], release.source_lang, tr.lang, config.names_lang) for t in hit},
        model=",".join(models) or None,
        memory=content_hash(memory) if memory else None,
        templates=templates,
        language=content_hash(config.language(tr.lang).model_dump()),
        alternates=tuple(alternates),
        formats=tuple(sorted(formats)),
    )


def intact(store: OutputStore, artifacts: Iterable[Artifact]) -> bool:
    """Every file the old manifest lists for an edition is still there with the bytes it recorded.

    A file whose size and mtime_ns are what an earlier build recorded for these bytes (``store.known``)
    is trusted without reading it; any other is read and hashed. Either way its state goes into
    ``store.states``, for the next build. `ggmulti verify` re-hashes everything regardless.
    """
    for artifact in artifacts:
        try:
            seen = os.lstat(store.root.joinpath(*PurePosixPath(artifact.path).parts))
        except (FileNotFoundError, NotADirectoryError):
            return False
        known = store.known.get(artifact.path)
        now = FileState(seen.st_size, seen.st_mtime_ns, artifact.sha256)
        if known == now and seen.st_size == artifact.bytes and stat.S_ISREG(seen.st_mode):
            store.states[artifact.path] = known
            continue
        data = store.read(artifact.path)  # stat first: a file changed after it is hashed anew next time
        if data is None or sha256_bytes(data) != artifact.sha256:
            return False
        store.states[artifact.path] = now
    return True


def previous_editions(old: Catalogue | None) -> dict[tuple[str, str], EditionEntry]:
    if old is None:
        return {}
    return {(r.id, lang): ed for r, lang, ed in old.editions()}


def bundle_key(language: str, edition_keys: Iterable[str]) -> str:
    return content_hash([language, sorted(edition_keys)])
