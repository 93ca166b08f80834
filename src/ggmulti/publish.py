"""The build: ingest -> check -> translate -> render -> write, in that order, nothing written until checks pass."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import manifest as mf
from .cache import WorkCache, open_work_cache
from .choice import mostly_translated, release_languages, withhold
from .config import Config, builtin_language
from .detect import LanguageChecker
from .errors import BuildFailed, ConfigError
from .executor import chunk_size, open_executor
from .formats import Format, selected
from .formats.api import (
    BuildContext,
    EditionJob,
    EditionKey,
    Progress,
    SiteInput,
    SiteResult,
)
from .glossary.load import load_glossary
from .glossary.model import Glossary
from .incremental import (
    edition_inputs,
    editions_key,
    intact,
    previous_editions,
    release_key,
    release_scope,
    reusable_editions,
    site_key,
    templates_fingerprint,
)
from .ingest import ingest
from .manifest import Artifact, Catalogue, EditionEntry, EditionInputs, ReleaseEntry
from .model import (
    EditionStatus,
    Finding,
    Origin,
    Provenance,
    Release,
    SegmentCounts,
    Severity,
    TranslatedRelease,
)
from .owned import check_output_folder
from .render.html import HtmlRenderer
from .segment import lead_paragraph
from .store import OutputStore, sha256_bytes
from .stream import Written, stream_editions
from .translate.api import Resources, Translator, Unavailable
from .translate.argos import DecodeOptions, Engines
from .translate.cache import TranslationCache
from .translate.memory import load_memories
from .translate.stage import MachinePolicy, TranslationStage, term_counts


@dataclass(frozen=True)
class PublishOptions:
    sources: tuple[Path, ...]
    out: Path
    languages: tuple[str, ...] = ()  # empty: the configured set
    strict: bool = False
    formats: tuple[str, ...] = ()  # empty: the configured set
    executor: str = ""  # empty: [build] executor ("local" or "ray")
    ray_address: str | None = None  # an existing Ray cluster (else RAY_ADDRESS, else a local one)


@dataclass
class BuildReport:
    """What happened per release x language, plus every finding; printed and written as report.json."""

    findings: list[Finding] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)  # as ingested by this build
    editions: list[tuple[str, str, EditionEntry]] = field(default_factory=list)  # (release id, lang, entry)
    plans: Mapping[EditionKey, EditionPlan] = field(default_factory=dict)
    # withdrawn releases found in the sources: one line each, and their ids
    withheld: list[str] = field(default_factory=list)
    withheld_ids: list[str] = field(default_factory=list)
    before: frozenset[str] = frozenset()  # releases the output folder held before this build
    engine_segments: int = 0  # segments the translation engines were asked for (cache misses)
    cached_segments: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds (printed, not written)
    peak_mb: dict[str, float] = field(default_factory=dict)  # stage -> process peak RSS after it

    def timed(self, stage: str, started: float) -> float:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - started
        self.peak_mb[stage] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return now

    def rebuilt(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """Editions this build made anew, and why; the rest were reused unchanged."""
        return {k: p.why for k, p in self.plans.items() if p.why}

    def unchanged(self) -> int:
        """Editions published as an earlier build left them (taken as they stand, or their files kept)."""
        rebuilt = self.rebuilt()
        return sum(1 for rid, lang, e in self.editions if e.listed and (rid, lang) not in rebuilt)

    def to_json(self) -> dict[str, object]:
        return {
            "translation": {"engine_segments": self.engine_segments, "cached_segments": self.cached_segments},
            "withheld": list(self.withheld),
            "findings": [
                {"severity": f.severity.value, "where": f.where, "message": f.message} for f in self.findings
            ],
            "editions": [
                {
                    "release": rid,
                    "lang": lang,
                    "status": e.status.value,
                    "reason": e.reason,
                    "notes": list(e.notes),
                    "segments": vars(e.segments),
                    "terms": vars(e.terms),
                    "built": list(self.plans[(rid, lang)].why) if (rid, lang) in self.plans else [],
                }
                for rid, lang, e in self.editions
            ],
        }


def check_sources(
    config: Config, sources: Sequence[Path], exclude: Sequence[Path] = (), cache: WorkCache | None = None
) -> tuple[list[Release], list[Finding]]:
    """Ingest and language-check; raises InputError for unreadable input, returns findings otherwise.

    ``exclude``: folders never read (the output folder, when it lies inside a source folder);
    ``cache``: files read and paragraph verdicts of earlier builds (only new text is parsed and goes to
    langdetect).
    """
    found = ingest(sources, exclude=tuple(exclude), cache=cache)
    releases = [_configured_lang(config, r) for r in found]
    checker = LanguageChecker({code: cfg.langdetect for code, cfg in config.languages.items()}, cache)
    findings: list[Finding] = []
    for report in checker.check_all(releases):
        findings.extend(report.findings)
    return releases, findings


def _configured_lang(config: Config, release: Release) -> Release:
    """Map a declared tag such as 'zh-Hans' or 'vi-VN' onto the configured (or built-in) code ('zh', 'vi')."""
    tag = release.source_lang.lower()
    if tag in config.languages:
        return release
    for code, cfg in config.languages.items():
        if cfg.bcp47.lower() == tag:
            return replace(release, source_lang=code)
    primary = tag.split("-")[0]
    known = primary in config.languages or builtin_language(primary) is not None
    return replace(release, source_lang=primary) if known else release


@contextmanager
def build_resources(
    config: Config, glossary: Glossary, source_langs: Collection[str], languages: Collection[str]
) -> Iterator[Resources]:
    """Engines (with the translation cache) and memories for these language pairs, closed afterwards."""
    options = DecodeOptions(
        beam_size=config.translation.beam_size, compute_type=config.translation.compute_type
    )
    with ExitStack() as stack:
        cache = stack.enter_context(TranslationCache(config.cache_path)) if config.cache_path else None
        engines = stack.enter_context(
            Engines(config.models_dir, options=options, cache=cache, pivot=config.translation.pivot)
        )
        translators: dict[tuple[str, str], Translator] = {}
        for src in set(source_langs):
            for lang in languages:
                if lang != src and (found := engines.translator(src, lang)) is not None:
                    translators[(src, lang)] = found
        memories = load_memories(config.memory_dir, source_langs, languages)
        yield Resources(translators=translators, memories=memories, glossary=glossary, cache=cache)


def _edition_entry(tr: TranslatedRelease | Unavailable) -> EditionEntry:
    """An edition's status, counts and notes, before any file is made."""
    if isinstance(tr, Unavailable):  # a translated title is kept: the language's index shows it
        return EditionEntry(
            EditionStatus.SKIPPED, tr.reason, title=tr.title, title_lang=tr.lang if tr.title else None
        )
    counts = SegmentCounts.of(tr.segments)
    if counts.untranslated:
        status, reason = (
            EditionStatus.PARTIAL,
            f"{counts.untranslated} of {counts.total} segments untranslated",
        )
    else:
        status, reason = EditionStatus.PUBLISHED, None
    translated = [s for s in tr.segments if s.origin is not Origin.UNTRANSLATED]
    missed = {  # an untranslated sentence misses no term: it is not translated at all (the status says so)
        f"term {c.term_id} ({c.surface!r}) missed: {c.reason}"
        for s in translated
        for c in s.terms
        if not c.pinned
    }
    review = {f"segment {s.segment.key} needs re-review: {s.review}" for s in tr.segments if s.review}
    return EditionEntry(
        status,
        reason,
        notes=tuple(sorted(missed) + sorted(review)),
        title=tr.title.text,
        title_lang=tr.title.lang,
        segments=counts,
        translation=Provenance.of(counts),
        terms=term_counts(translated),
        lead=lead_paragraph(tr.paragraphs) or None,
    )


def _strict_refusals(entries: Mapping[EditionKey, EditionEntry], requested: Sequence[str]) -> list[str]:
    """What --strict refuses: partial editions, missed terms, and a language asked for by --lang
    that gets nothing at all (a build that publishes nothing of what was asked is not a success)."""
    refused = []
    for lang in requested:
        results = [e for (_rid, code), e in entries.items() if code == lang]
        if results and not any(e.listed for e in results):
            why = sorted({e.reason or "skipped" for e in results})
            refused.append(f"--lang {lang}: nothing can be published ({'; '.join(why)})")
    for (rid, lang), ed in entries.items():
        if not ed.listed:
            continue
        if ed.status is EditionStatus.PARTIAL:
            refused.append(f"{rid} [{lang}]: untranslated segments; --strict refuses a partial edition")
        if ed.terms.pinned < ed.terms.expected:
            missed = [n for n in ed.notes if n.startswith("term ")]
            refused.append(
                f"{rid} [{lang}]: term success {ed.terms.pinned}/{ed.terms.expected}; "
                f"--strict needs 100% ({'; '.join(missed)})"
            )
    return refused


def publish(
    config: Config,
    options: PublishOptions,
    log: Callable[[str], None] = lambda _m: None,
    progress: Progress = lambda _stage, _done, _total: None,
) -> tuple[Catalogue, BuildReport]:
    """Run the whole pipeline: plan -> generate every format -> write; returns the catalogue written."""
    check_output_folder(
        options.out,
        (("[translation] cache", config.cache_path), ("[paths] memory", config.memory_dir)),
    )
    with open_work_cache(config.cache_path) as work:
        return _publish(config, options, log, progress, work)


def _publish(
    config: Config,
    options: PublishOptions,
    log: Callable[[str], None],
    progress: Progress,
    work: WorkCache | None,
) -> tuple[Catalogue, BuildReport]:
    languages = options.languages or config.build.languages
    unknown = [code for code in languages if code not in config.languages]
    if unknown:
        raise ConfigError(
            [
                f"--lang {code}: not a configured language (configured: "
                f"{', '.join(sorted(config.languages))})"
                for code in unknown
            ]
        )
    formats = options.formats or config.build.formats

    started = time.perf_counter()
    releases, findings = check_sources(config, options.sources, exclude=(options.out,), cache=work)
    report = BuildReport(findings=list(findings), releases=list(releases))
    started = report.timed("ingest + language check", started)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if options.strict:
        errors += [f for f in findings if f.severity is Severity.WARNING]
    if errors:
        raise BuildFailed([str(f) for f in errors])

    glossary = load_glossary(
        config.glossary_dir, {code: cfg.script for code, cfg in config.languages.items()}, cache=work
    )
    store = OutputStore(options.out)
    store.known = work.file_states(options.out) if work is not None else {}
    templates = templates_fingerprint(config)  # reads every template file: once per build
    # Read before the lock, to know which releases need no translating; read again under the lock.
    seen = store.read(mf.MANIFEST_NAME) if store.root.is_dir() else None
    old = _previous(seen, options.out)
    releases, withheld = withhold(releases, old)
    report.releases = releases
    report.withheld_ids, report.withheld = list(withheld), list(withheld.values())
    report.before = frozenset(r.id for r in old.releases) if old is not None else frozenset()
    source_langs = {r.source_lang for r in releases}
    # Every release's original is published, in a language the site is not published in too; the
    # catalogue's languages count, so a day without such a release keeps the same configuration.
    config = config.with_originals(
        source_langs | {r.source_lang for r in old.releases} if old else source_langs
    )
    with build_resources(config, glossary, source_langs, languages) as resources:
        scope = release_scope(config, resources, languages, formats, templates, source_langs)
        keys = {r.id: release_key(scope, r) for r in releases}
        recorded = work.recorded("release", store.root, keys) if work is not None else {}
        reused = _reused(store, old, releases, keys, recorded, languages)
        translated = _translate(
            config, resources, [r for r in releases if r.id not in reused], languages, log, work, report
        )
    started = report.timed("translate", started)
    if options.strict and (refused := _strict_refusals(_entries(translated, reused), options.languages)):
        raise BuildFailed(refused)

    with store.lock():  # one writer per output folder: a second build refuses at once
        store.prepare()
        if (previous := store.read(mf.MANIFEST_NAME)) != seen:  # another build finished meanwhile
            old = _previous(previous, options.out)
            releases, more = withhold(releases, old)
            report.releases = releases
            report.withheld_ids += list(more)
            report.withheld += list(more.values())
            recorded = work.recorded("release", store.root, keys) if work is not None else {}
            kept = _reused(store, old, [r for r in releases if r.id in reused], keys, recorded, languages)
            lost = [r for r in releases if r.id in reused and r.id not in kept]
            reused = kept
            if lost:
                with build_resources(config, glossary, source_langs, languages) as resources:
                    translated |= _translate(config, resources, lost, languages, log, work, report)
            if options.strict and (
                refused := _strict_refusals(_entries(translated, reused), options.languages)
            ):
                raise BuildFailed(refused)
        pending = [r for r in releases if r.id not in reused]
        plans = _plan(config, glossary, pending, languages, formats, translated, store, old, templates)
        report.plans = plans
        to_build = [EditionJob(p.tr, p.alternates) for p in plans.values() if p.why]
        unchanged = (
            len(plans) - len(to_build) + sum(e.listed for eds in reused.values() for e in eds.values())
        )
        log(f"{len(to_build)} edition(s) to build, {unchanged} unchanged")
        started = report.timed("plan", started)

        ctx = BuildContext(
            config, glossary, HtmlRenderer(config, glossary), store, tuple(formats), log, progress, work=work
        )
        active = selected(formats)
        # Chunk by chunk, each written as it comes back: the build holds one chunk's bytes (stream.py).
        quiet = replace(ctx, progress=lambda _stage, _done, _total: None)  # the stream counts editions
        kind = options.executor or config.build.executor
        where = kind if to_build else "local"  # nothing to make: no cluster started
        with open_executor(
            where, quiet, active, ray_address=options.ray_address, seconds=report.timings
        ) as ex:
            size = chunk_size(1 if kind == "ray" else config.build.workers)  # an actor is one worker
            made = stream_editions(ctx, ex, to_build, size)
        started = report.timed("make + write editions", started)

        entries: list[ReleaseEntry] = []
        for release in releases:
            editions = reused.get(release.id) or _editions(ctx, release, languages, translated, plans, made)
            report.editions.extend((release.id, lang, edition) for lang, edition in editions.items())
            entries.append(ReleaseEntry.of(release, editions))
        catalogue = Catalogue.of(entries).merged_over(old)
        started = report.timed("write editions", started)

        unchanged = _unchanged(work, store, scope, formats, previous, old, catalogue)
        catalogue = build_site(ctx, catalogue, old, active, keep=unchanged)
        started = report.timed("bundles, indexes, feeds", started)
        manifest = commit(ctx.store, catalogue, old, report.to_json(), previous if unchanged else None)
        if work is not None:  # what this build wrote or found intact, trusted by size + mtime next time
            work.record_files(options.out, store.states, [a.path for a in catalogue.artifacts()], store.known)
            made_under = {  # a release taken as it stands is recorded as it was already
                e.id: k
                for e, release in zip(entries, releases, strict=True)
                if e.id not in reused
                and (k := editions_key(keys[e.id], e.editions, release_languages(release, languages)))
                is not None
                and k != recorded.get(e.id)
            }
            work.record("release", options.out, made_under)
            work.record("site", options.out, {"manifest": site_key(scope, formats, manifest.sha256)})
        report.timed("manifest", started)
    return catalogue, report


def _previous(data: bytes | None, out: Path) -> Catalogue | None:
    return mf.loads(data, str(out / mf.MANIFEST_NAME)) if data is not None else None


def _reused(
    store: OutputStore,
    old: Catalogue | None,
    releases: Sequence[Release],
    keys: Mapping[str, str],
    recorded: Mapping[str, str],
    languages: Sequence[str],
) -> dict[str, dict[str, EditionEntry]]:
    """Releases whose editions the manifest holds as made under their current key (``recorded``: the
    work cache's word), files intact: taken as they stand, never translated (incremental.release_key)."""
    if old is None:
        return {}
    listed = {r.id: r for r in old.releases}
    found: dict[str, dict[str, EditionEntry]] = {}
    for release in releases:
        editions = reusable_editions(
            store,
            listed.get(release.id),
            keys[release.id],
            recorded.get(release.id),
            release_languages(release, languages),
        )
        if editions is not None:
            found[release.id] = editions
    return found


def _translate(
    config: Config,
    resources: Resources,
    releases: Sequence[Release],
    languages: Sequence[str],
    log: Callable[[str], None],
    work: WorkCache | None,
    report: BuildReport,
) -> dict[EditionKey, TranslatedRelease | Unavailable]:
    translated: dict[EditionKey, TranslatedRelease | Unavailable] = {}
    if not releases:
        return translated
    stage = TranslationStage(resources, MachinePolicy.of(config.translation), cache=work)
    for lang in languages:
        log(f"translating into {lang}")
        for rid, tr in stage.run(releases, lang).items():
            translated[(rid, lang)] = tr
    for lang in sorted({r.source_lang for r in releases} - set(languages)):  # the originals
        for rid, tr in stage.run([r for r in releases if r.source_lang == lang], lang).items():
            translated[(rid, lang)] = tr
    for key, tr in translated.items():
        if isinstance(tr, TranslatedRelease):
            translated[key] = mostly_translated(tr, config.build.min_translated)
    if resources.cache is not None:
        report.engine_segments += resources.cache.misses
        report.cached_segments += resources.cache.hits
    return translated


def _entries(
    translated: Mapping[EditionKey, TranslatedRelease | Unavailable],
    reused: Mapping[str, Mapping[str, EditionEntry]],
) -> dict[EditionKey, EditionEntry]:
    """Every edition of the build as its entry (files aside): translated now, or taken as it stands."""
    entries = {key: _edition_entry(tr) for key, tr in translated.items()}
    for rid, editions in reused.items():
        entries.update(((rid, lang), edition) for lang, edition in editions.items())
    return entries


def _editions(
    ctx: BuildContext,
    release: Release,
    languages: Sequence[str],
    translated: Mapping[EditionKey, TranslatedRelease | Unavailable],
    plans: Mapping[EditionKey, EditionPlan],
    made: Mapping[EditionKey, Written],
) -> dict[str, EditionEntry]:
    """A translated release's editions: the files this build wrote, or the previous build's kept."""
    editions: dict[str, EditionEntry] = {}
    for lang in release_languages(release, languages):
        tr = translated[(release.id, lang)]
        edition = _edition_entry(tr)
        if isinstance(tr, TranslatedRelease):
            plan = plans[tr.key]
            if plan.why:
                ctx.log(f"building {release.id} [{lang}]: {'; '.join(plan.why)}")
                result = made.get(tr.key, Written())
                artifacts = result.artifacts
                notes, seconds = (*edition.notes, *result.notes), result.audio_seconds
            else:
                assert plan.previous is not None
                artifacts, notes = plan.previous.artifacts, plan.previous.notes
                seconds = plan.previous.audio_seconds
            edition = replace(
                edition,
                artifacts=_ordered(artifacts),
                notes=notes,
                inputs=plan.inputs,
                audio_seconds=seconds,
            )
        editions[lang] = edition
    return editions


def _unchanged(
    work: WorkCache | None,
    store: OutputStore,
    scope: str,
    formats: Sequence[str],
    manifest: bytes | None,
    old: Catalogue | None,
    catalogue: Catalogue,
) -> bool:
    """The manifest is the one a build under this scope wrote (the work cache's word) and this build's
    catalogue equals it but for the site: its indexes, feeds and bundles can stand (see build_site)."""
    if work is None or manifest is None or old is None:
        return False
    made = site_key(scope, formats, sha256_bytes(manifest))
    if work.recorded("site", store.root, ["manifest"]).get("manifest") != made:
        return False
    # Cheap when nothing changed: reused editions are the very objects read from the manifest.
    return catalogue.releases == old.releases and catalogue.withdrawn == old.withdrawn


def build_site(
    ctx: BuildContext,
    catalogue: Catalogue,
    old: Catalogue | None,
    active: Sequence[Format],
    *,
    keep: bool = False,
) -> Catalogue:
    """Every site format over the whole catalogue (indexes, feeds, bundles), written; the catalogue with them.

    ``keep``: the catalogue is unchanged since ``old`` was made (``_unchanged``); its site is kept as it
    stands when its files are intact (a no-op renders no index).
    """
    if keep and old is not None and intact(ctx.store, old.site):
        ctx.log("indexes, feeds and bundles unchanged")
        return replace(catalogue, site=old.site, bundles=old.bundles)
    site = SiteInput(catalogue=catalogue, previous=old)
    results: list[SiteResult] = []
    for fmt in active:
        if fmt.site is not None:
            results.append(fmt.site(ctx).generate(site, results))
    files = [a for r in results for a in (*ctx.write(r.outputs), *r.written, *r.kept)]
    made = Catalogue.of((), files, [b for r in results for b in r.bundles])
    return replace(catalogue, site=made.site, bundles=made.bundles)


def commit(
    store: OutputStore,
    catalogue: Catalogue,
    old: Catalogue | None,
    report: Mapping[str, object],
    same: bytes | None = None,
) -> Artifact:
    """Remove what the catalogue no longer lists, then write the report and, last, the manifest.

    Files go before the manifest: a build killed in between leaves an old manifest that lists a missing
    file, which the next build notices and mends (never a file nobody lists). ``same``: the bytes of
    ``old``'s manifest as this version wrote them, kept when the catalogue equals ``old``.
    """
    if old is not None:
        listed = {a.path for a in catalogue.artifacts()}
        for artifact in old.artifacts():
            if artifact.path not in listed:
                store.remove(artifact.path)
    store.write(mf.REPORT_NAME, mf.dumps(report), mf.ArtifactKind.REPORT)
    data = same if same is not None and catalogue == old else mf.dumps(catalogue)
    return store.write(mf.MANIFEST_NAME, data, mf.ArtifactKind.MANIFEST)


def _ordered(artifacts: Sequence[Artifact]) -> tuple[Artifact, ...]:
    """An edition's files in a fixed order (page, PDF, audio, transcript, ...), whatever made them first."""
    rank = {kind: i for i, kind in enumerate(mf.ArtifactKind)}
    return tuple(sorted(artifacts, key=lambda a: (rank[a.kind], a.path)))


@dataclass(frozen=True)
class EditionPlan:
    tr: TranslatedRelease
    inputs: EditionInputs
    alternates: tuple[str, ...]
    why: tuple[str, ...]  # empty: reuse the previous build's files
    previous: EditionEntry | None


def _plan(
    config: Config,
    glossary: Glossary,
    releases: Sequence[Release],
    languages: Sequence[str],
    formats: Sequence[str],
    translated: Mapping[EditionKey, TranslatedRelease | Unavailable],
    store: OutputStore,
    old: Catalogue | None,
    templates: str,
) -> dict[EditionKey, EditionPlan]:
    """For every edition: what it is made from, and whether the previous build's files still fit."""
    before = previous_editions(old)
    plans: dict[EditionKey, EditionPlan] = {}
    for release in releases:
        available = [
            lang
            for lang in release_languages(release, languages)
            if isinstance(translated[(release.id, lang)], TranslatedRelease)
        ]
        for lang in available:
            tr = translated[(release.id, lang)]
            assert isinstance(tr, TranslatedRelease)
            alternates = tuple(o for o in available if o != lang)
            inputs = edition_inputs(tr, glossary, config, templates, alternates, formats)
            prev = before.get((release.id, lang))
            why = inputs.changes_since(prev.inputs if prev else None)
            if not why and prev is not None and not intact(store, prev.artifacts):
                why = ["files missing or altered since the last build"]
            plans[tr.key] = EditionPlan(tr, inputs, alternates, tuple(why), prev)
    return plans
