"""Content-addressed rebuilds: an edition records the hashes of everything it was made from.

A later build recomputes those hashes first; an edition whose inputs are unchanged and whose files
are still intact is reused as it stands (no rendering, no synthesis), and one that changed is
rebuilt with the reason named in the build report.

Those hashes need the translation. One step earlier, a release's key (``release_key``: its text and
everything else its editions are made from, before translating: configuration, glossary, memories,
models, templates, the package's code) lets a build take a release's editions from the manifest
without translating it at all, when the work cache says the manifest's editions of that release were
made under the same key. Either way the files must still be intact.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable, Mapping, Sequence

from . import __version__
from .cache import key_of, package_fingerprint
from .config import Config
from .glossary.model import Glossary, Term
from .manifest import Artifact, Catalogue, EditionEntry, EditionInputs, ReleaseEntry, content_hash
from .model import Release, TranslatedRelease
from .store import FileState, OutputStore, sha256_bytes
from .translate.api import Resources
from .translate.memory import memory_path


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
    # The approved sentences used, by their source text (not their position): a sentence added above
    # one taken from the memory moves its key but changes nothing the memory says.
    memory = sorted({(s.segment.text, s.text, s.review) for s in segments if s.origin.value == "memory"})
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
    root = str(store.root)
    for artifact in artifacts:
        try:
            seen = os.lstat(os.path.join(root, artifact.path))  # a stat only: store.read checks the path
        except (FileNotFoundError, NotADirectoryError):
            return False
        known = store.known.get(artifact.path)
        if (
            known is not None
            and known.sha256 == artifact.sha256
            and known.size == seen.st_size == artifact.bytes
            and known.mtime_ns == seen.st_mtime_ns
            and stat.S_ISREG(seen.st_mode)
        ):
            store.states[artifact.path] = known
            continue
        data = store.read(artifact.path)  # stat first: a file changed after it is hashed anew next time
        if data is None or sha256_bytes(data) != artifact.sha256:
            return False
        store.states[artifact.path] = FileState(seen.st_size, seen.st_mtime_ns, artifact.sha256)
    return True


def previous_editions(old: Catalogue | None) -> dict[tuple[str, str], EditionEntry]:
    if old is None:
        return {}
    return {(r.id, lang): ed for r, lang, ed in old.editions()}


def bundle_key(language: str, edition_keys: Iterable[str]) -> str:
    return content_hash([language, sorted(edition_keys)])


def release_scope(
    config: Config,
    resources: Resources,
    languages: Sequence[str],
    formats: Iterable[str],
    templates: str,
    source_langs: Iterable[str],
) -> str:
    """What every release's editions in this build are made from besides the release itself.

    Conservative on purpose: the whole configuration, glossary and code, the bytes of every memory
    file of the build's language pairs and each engine's model. Anything here changed sends every
    release the long way (translated, then its editions' own inputs compared), never a wrong reuse.
    """
    from pydantic import TypeAdapter

    memories = []
    for src in sorted(set(source_langs)):
        for lang in languages:
            path = memory_path(config.memory_dir, src, lang)
            if src != lang and path.is_file():
                memories.append([src, lang, sha256_bytes(path.read_bytes())])
    engines = sorted(
        [src, lang, t.engine, t.model_sha256 or ""] for (src, lang), t in resources.translators.items()
    )
    terms = TypeAdapter(tuple[Term, ...]).dump_json(resources.glossary.terms)
    return key_of(
        "release-scope",
        package_fingerprint(),
        TypeAdapter(Config).dump_python(config, mode="json"),
        list(languages),
        sorted(formats),
        templates,
        hashlib.sha256(terms).hexdigest(),
        memories,
        engines,
    )


def release_key(scope: str, release: Release) -> str:
    r = release
    return key_of(scope, r.id, r.title, r.date, r.source_lang, r.paragraphs, r.source_ref, r.source_url)


def editions_key(
    release_key: str, editions: Mapping[str, EditionEntry], languages: Sequence[str]
) -> str | None:
    """The release key joined with its editions' own keys (or why each was skipped), as the work cache
    records them; None when an edition in one of ``languages`` is missing."""
    made: list[object] = []
    for lang in languages:
        edition = editions.get(lang)
        if edition is None:
            return None
        made.append(
            [lang, edition.inputs.key if edition.inputs else f"{edition.status.value}: {edition.reason}"]
        )
    return key_of(release_key, made)


def reusable_editions(
    store: OutputStore,
    entry: ReleaseEntry | None,
    release_key: str,
    recorded: str | None,
    languages: Sequence[str],
) -> dict[str, EditionEntry] | None:
    """The manifest's editions of a release, when they were made under ``release_key`` and are intact."""
    if entry is None or recorded is None or editions_key(release_key, entry.editions, languages) != recorded:
        return None
    editions = {lang: entry.editions[lang] for lang in languages}
    if not all(intact(store, e.artifacts) for e in editions.values()):
        return None
    return editions


def site_key(scope: str, formats: Iterable[str], manifest_sha256: str) -> str:
    """What the work cache records of a build's site: the release scope, the formats and the manifest
    the build wrote. A later build that finds that very manifest, and a catalogue equal to it but for
    the site, keeps the site as it stands."""
    return key_of("site", scope, sorted(formats), manifest_sha256)
