"""The build: ingest -> check -> translate -> render -> write, in that order, nothing written until checks pass."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import manifest as mf
from .config import Config
from .detect import LanguageChecker
from .errors import BuildFailed, ConfigError
from .glossary.load import load_glossary
from .glossary.model import Glossary
from .incremental import (
    EditionInputs,
    bundle_key,
    edition_inputs,
    intact,
    previous_editions,
    templates_fingerprint,
)
from .ingest import ingest
from .model import (
    Artifact,
    Edition,
    EditionStatus,
    Finding,
    Release,
    SegmentCounts,
    Severity,
    TermCounts,
    TranslatedRelease,
)
from .render.html import Alternate, AudioLink, HtmlRenderer, IndexEntry, LanguageLink, Link
from .speech.build import speak, write_audio, write_feeds
from .store import OutputStore
from .translate.argos import DecodeOptions, Engines
from .translate.cache import TranslationCache
from .translate.memory import load_memories
from .translate.stage import Resources, TranslationStage, Translator, Unavailable, term_counts

if TYPE_CHECKING:
    from .render.pdf import PdfRenderer

REPORT_NAME = "report.json"


@dataclass(frozen=True)
class PublishOptions:
    sources: tuple[Path, ...]
    out: Path
    languages: tuple[str, ...] = ()  # empty: the configured set
    strict: bool = False
    formats: tuple[str, ...] = ()  # empty: the configured set


@dataclass
class BuildReport:
    """What happened per release x language, plus every finding; printed and written as report.json."""

    findings: list[Finding] = field(default_factory=list)
    editions: list[tuple[Release, Edition]] = field(default_factory=list)
    plans: Mapping[tuple[str, str], EditionPlan] = field(default_factory=dict)
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

    def to_json(self) -> dict[str, Any]:
        return {
            "translation": {"engine_segments": self.engine_segments, "cached_segments": self.cached_segments},
            "findings": [
                {"severity": f.severity.value, "where": f.where, "message": f.message} for f in self.findings
            ],
            "editions": [
                {
                    "release": r.id,
                    "lang": e.lang,
                    "status": e.status.value,
                    "reason": e.reason,
                    "notes": list(e.notes),
                    "segments": vars(e.segments),
                    "terms": vars(e.terms),
                    "built": list(self.plans[(r.id, e.lang)].why) if (r.id, e.lang) in self.plans else [],
                }
                for r, e in self.editions
            ],
        }


def check_sources(config: Config, sources: Sequence[Path]) -> tuple[list[Release], list[Finding]]:
    """Ingest and language-check; raises InputError for unreadable input, returns findings otherwise."""
    releases = [_configured_lang(config, r) for r in ingest(sources)]
    checker = LanguageChecker({code: cfg.langdetect for code, cfg in config.languages.items()})
    findings: list[Finding] = []
    for release in releases:
        findings.extend(checker.check(release).findings)
    return releases, findings


def _configured_lang(config: Config, release: Release) -> Release:
    """Map a declared tag such as 'zh-Hans' or 'vi-VN' onto the configured code ('zh', 'vi')."""
    tag = release.source_lang.lower()
    if tag in config.languages:
        return release
    for code, cfg in config.languages.items():
        if cfg.bcp47.lower() == tag:
            return replace(release, source_lang=code)
    primary = tag.split("-")[0]
    return replace(release, source_lang=primary) if primary in config.languages else release


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


def _edition(tr: TranslatedRelease | Unavailable, release: Release, lang: str) -> Edition:
    if isinstance(tr, Unavailable):
        return Edition(release.id, lang, EditionStatus.SKIPPED, tr.reason, SegmentCounts(), TermCounts())
    counts = SegmentCounts.of([tr.title, *(s for para in tr.paragraphs for s in para)])
    if counts.untranslated:
        status, reason = (
            EditionStatus.PARTIAL,
            f"{counts.untranslated} of {counts.total} segments untranslated",
        )
    else:
        status, reason = EditionStatus.PUBLISHED, None
    terms = term_counts(tr)
    segments = [tr.title, *(x for para in tr.paragraphs for x in para)]
    missed = {
        f"term {c.term_id} ({c.surface!r}) missed: {c.reason}"
        for s in segments
        for c in s.terms
        if not c.pinned
    }
    review = {f"segment {s.segment.key} needs re-review: {s.review}" for s in segments if s.review}
    notes = tuple(sorted(missed) + sorted(review))
    return Edition(release.id, lang, status, reason, counts, terms, notes=notes)


Progress = Callable[[str, int, int], None]  # (stage, items done now, stage total)


def publish(
    config: Config,
    options: PublishOptions,
    log: Callable[[str], None] = lambda _m: None,
    progress: Progress = lambda _stage, _done, _total: None,
) -> tuple[dict[str, Any], BuildReport]:
    """Run the whole pipeline; returns the manifest written and the build report."""
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
    releases, findings = check_sources(config, options.sources)
    report = BuildReport(findings=list(findings))
    started = report.timed("ingest + language check", started)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if options.strict:
        errors += [f for f in findings if f.severity is Severity.WARNING]
    if errors:
        raise BuildFailed([str(f) for f in errors])

    glossary = load_glossary(
        config.glossary_dir, {code: cfg.script for code, cfg in config.languages.items()}
    )
    translated: dict[tuple[str, str], TranslatedRelease | Unavailable] = {}
    with build_resources(config, glossary, {r.source_lang for r in releases}, languages) as resources:
        stage = TranslationStage(resources)
        for lang in languages:
            log(f"translating into {lang}")
            for rid, tr in stage.run(releases, lang).items():
                translated[(rid, lang)] = tr
        if resources.cache is not None:
            report.engine_segments = resources.cache.misses
            report.cached_segments = resources.cache.hits
    started = report.timed("translate", started)
    if options.strict:
        refused = []
        for (rid, lang), tr in translated.items():
            if isinstance(tr, Unavailable):
                continue
            ed = _edition(tr, tr.release, lang)
            if ed.status is EditionStatus.PARTIAL:
                refused.append(f"{rid} [{lang}]: untranslated segments; --strict refuses a partial edition")
            if ed.terms.pinned < ed.terms.expected:
                refused.append(
                    f"{rid} [{lang}]: term success {ed.terms.pinned}/{ed.terms.expected}; "
                    f"--strict needs 100% ({'; '.join(ed.notes)})"
                )
        if refused:
            raise BuildFailed(refused)

    store = OutputStore(options.out)
    store.prepare()
    previous = store.read(mf.MANIFEST_NAME)
    old = mf.loads(previous, str(options.out / mf.MANIFEST_NAME)) if previous is not None else None
    templates = templates_fingerprint(config)  # reads every template file: once per build
    plans = _plan(config, glossary, releases, languages, formats, translated, store, old, templates)
    report.plans = plans
    to_build = [p for p in plans.values() if p.why]
    log(f"{len(to_build)} edition(s) to build, {len(plans) - len(to_build)} unchanged")
    started = report.timed("plan", started)

    # Audio is made before anything is written: a voice that misbehaves fails the build, not a file.
    spoken = speak(config, glossary, [p.tr for p in to_build]) if "audio" in formats and to_build else {}
    started = report.timed("audio", started)

    html = HtmlRenderer(config, glossary)
    pdfs: dict[tuple[str, str], bytes] = {}
    if "pdf" in formats and to_build:
        from .render.pdf import render_many  # WeasyPrint: imported only when something is rendered

        jobs = [(f"{p.tr.release.id}/{p.tr.lang}", html.release_print(p.tr)) for p in to_build]
        progress("PDF", 0, len(jobs))
        rendered = render_many(
            jobs, workers=config.build.workers, progress=lambda n: progress("PDF", n, len(jobs))
        )
        pdfs = {(p.tr.release.id, p.tr.lang): data for p, data in zip(to_build, rendered, strict=True)}
    entries: dict[str, dict[str, Any]] = {}
    for release in releases:
        editions: dict[str, dict[str, Any]] = {}
        for lang in languages:
            tr = translated[(release.id, lang)]
            edition = _edition(tr, release, lang)
            title: str | None = None
            title_lang: str | None = None
            inputs: dict[str, Any] | None = None
            if isinstance(tr, TranslatedRelease):
                plan = plans[(release.id, lang)]
                inputs = plan.inputs.to_json()
                if plan.why:
                    log(f"building {release.id} [{lang}]: {'; '.join(plan.why)}")
                    audio, link, notes = write_audio(store, spoken.get((release.id, lang)), tr)
                    artifacts = _render_edition(
                        store, html, pdfs.get((release.id, lang)), tr, plan.alternates, config, audio=link
                    )
                    edition = replace(edition, artifacts=(*artifacts, *audio), notes=(*edition.notes, *notes))
                else:
                    assert plan.previous is not None
                    edition = replace(
                        edition,
                        artifacts=tuple(Artifact(**a) for a in plan.previous["artifacts"]),
                        notes=tuple(plan.previous.get("notes", ())),
                    )
                title, title_lang = tr.title.text, tr.title.lang
            report.editions.append((release, edition))
            editions[lang] = mf.edition_json(edition, title, title_lang, inputs)
        if old is not None:
            # Editions of this release published earlier in languages this build did not ask for stay.
            for prev in old["releases"]:
                if prev["id"] == release.id:
                    for lang, ed in prev["editions"].items():
                        editions.setdefault(lang, ed)
        entries[release.id] = mf.release_json(release, editions)
    if old is not None:
        for prev in old["releases"]:
            entries.setdefault(prev["id"], prev)

    started = report.timed("render editions", started)
    ordered = mf.build_manifest(entries.values(), [], {})["releases"]
    site: list[Artifact] = []
    bundle_keys: dict[str, str] = {}
    bundles: set[str] = set()
    if "pdf" in formats:
        site, bundles, bundle_keys = _bundles(store, html, config, translated, ordered, plans, old, log)
    site += _render_site(store, html, config, list(entries.values()), bundles)
    if "audio" in formats:
        site += write_feeds(store, config, ordered)
    manifest = mf.build_manifest(entries.values(), site, bundle_keys)
    started = report.timed("bundles, indexes, feeds", started)
    store.write(REPORT_NAME, mf.dumps(report.to_json()), "report")
    store.write(mf.MANIFEST_NAME, mf.dumps(manifest), "manifest")
    report.timed("manifest", started)
    return manifest, report


@dataclass(frozen=True)
class EditionPlan:
    tr: TranslatedRelease
    inputs: EditionInputs
    alternates: tuple[str, ...]
    why: tuple[str, ...]  # empty: reuse the previous build's files
    previous: Mapping[str, Any] | None


def _plan(
    config: Config,
    glossary: Glossary,
    releases: Sequence[Release],
    languages: Sequence[str],
    formats: Sequence[str],
    translated: Mapping[tuple[str, str], TranslatedRelease | Unavailable],
    store: OutputStore,
    old: Mapping[str, Any] | None,
    templates: str,
) -> dict[tuple[str, str], EditionPlan]:
    """For every edition: what it is made from, and whether the previous build's files still fit."""
    before = previous_editions(old)
    plans: dict[tuple[str, str], EditionPlan] = {}
    for release in releases:
        available = [
            lang for lang in languages if isinstance(translated[(release.id, lang)], TranslatedRelease)
        ]
        for lang in available:
            tr = translated[(release.id, lang)]
            assert isinstance(tr, TranslatedRelease)
            alternates = tuple(o for o in available if o != lang)
            inputs = edition_inputs(tr, glossary, config, templates, alternates, formats)
            prev = before.get((release.id, lang))
            why = inputs.changes_since(prev.get("inputs") if prev else None)
            if not why and prev is not None and not intact(store, prev.get("artifacts", [])):
                why = ["files missing or altered since the last build"]
            plans[(release.id, lang)] = EditionPlan(tr, inputs, alternates, tuple(why), prev)
    return plans


def _pdf_renderer() -> PdfRenderer:
    # Imported here: WeasyPrint and pikepdf take ~0.4 s to import, and a no-op rebuild renders nothing.
    from .render.pdf import PdfRenderer

    return PdfRenderer()


def _bundles(
    store: OutputStore,
    html: HtmlRenderer,
    config: Config,
    translated: Mapping[tuple[str, str], TranslatedRelease | Unavailable],
    ordered: Sequence[dict[str, Any]],
    plans: Mapping[tuple[str, str], EditionPlan],
    old: Mapping[str, Any] | None,
    log: Callable[[str], None],
) -> tuple[list[Artifact], set[str], dict[str, str]]:
    """Language bundles, rebuilt only for languages where an edition in them changed.

    The edition keys already cover the templates (the bundle's included), so they alone decide.
    """
    keys: dict[str, list[str]] = {}
    for (_rid, lang), plan in plans.items():
        keys.setdefault(lang, []).append(plan.inputs.key)
    wanted = {lang: bundle_key(lang, k) for lang, k in keys.items()}
    old_keys = (old or {}).get("bundles", {})
    old_site = [a for a in (old or {}).get("site", []) if a.get("kind", "").startswith("bundle-")]
    reuse = {
        lang
        for lang, key in wanted.items()
        if old_keys.get(lang) == key
        and (files := [a for a in old_site if a["path"].startswith(f"{lang}/bundle/")])
        and intact(store, files)
    }
    rebuild = {k: v for k, v in translated.items() if k[1] in wanted and k[1] not in reuse}
    artifacts: list[Artifact] = [Artifact(**a) for a in old_site if a["path"].split("/")[0] in reuse]
    done = set(reuse)
    if rebuild:
        log(f"building bundles: {', '.join(sorted({k[1] for k in rebuild}))}")
        from .bundle import write_bundles  # imports WeasyPrint: only when a bundle is built

        built, langs = write_bundles(store, html, _pdf_renderer(), config, rebuild, ordered)
        artifacts += built
        done |= langs
    return artifacts, done, {lang: key for lang, key in wanted.items() if lang in done}


def _render_edition(
    store: OutputStore,
    html: HtmlRenderer,
    pdf: bytes | None,
    tr: TranslatedRelease,
    available: Sequence[str],
    config: Config,
    audio: AudioLink | None = None,
) -> list[Artifact]:
    rid, lang = tr.release.id, tr.lang
    artifacts: list[Artifact] = []
    downloads: list[Link] = []
    if pdf is not None:
        artifacts.append(store.write(f"{lang}/{rid}.pdf", pdf, "pdf"))
        downloads.append(Link(href=f"{rid}.pdf", label=html.ui(lang)["pdf"], type="application/pdf"))
    alternates = [
        Alternate(
            href=f"../{other}/{rid}.html",
            bcp47=config.language(other).bcp47,
            native_name=config.language(other).native_name,
        )
        for other in available
        if other != lang
    ]
    page = html.release_page(tr, downloads=downloads, alternates=alternates, audio=audio)
    artifacts.insert(0, store.write(f"{lang}/{rid}.html", page.encode("utf-8"), "html"))
    return artifacts


def _render_site(
    store: OutputStore,
    html: HtmlRenderer,
    config: Config,
    releases: list[dict[str, Any]],
    bundles: Collection[str] = (),
) -> list[Artifact]:
    """Index pages from the merged manifest, so releases published on earlier days stay listed."""
    ordered = mf.build_manifest(releases, [])["releases"]
    artifacts = [store.write("assets/style.css", html.stylesheet().encode("utf-8"), "css")]
    links: list[LanguageLink] = []
    missing: list[LanguageLink] = []
    for code, cfg in sorted(config.languages.items()):
        entries = [
            IndexEntry(
                href=f"{r['id']}.html",
                title=ed["title"],
                title_lang=ed["title_lang"],
                title_lang_tag=config.language(ed["title_lang"]).bcp47
                if ed["title_lang"] in config.languages
                else ed["title_lang"],
                date=r.get("date"),
                status=ed["status"],
            )
            for r in ordered
            if (ed := r["editions"].get(code)) and ed["status"] != EditionStatus.SKIPPED.value
        ]
        reasons = sorted(
            {
                ed["reason"]
                for r in ordered
                if (ed := r["editions"].get(code))
                and ed["status"] == EditionStatus.SKIPPED.value
                and ed.get("reason")
            }
        )
        if entries:
            spoken = any(
                a.get("kind") == "audio"
                for r in ordered
                if (ed := r["editions"].get(code))
                for a in ed.get("artifacts", [])
            )
            page = html.language_index(cfg, entries, bundle=code in bundles, feed=spoken)
            artifacts.append(store.write(f"{code}/index.html", page.encode("utf-8"), "html"))
            links.append(
                LanguageLink(
                    href=f"{code}/index.html",
                    bcp47=cfg.bcp47,
                    native_name=cfg.native_name,
                    name=cfg.name,
                    count=len(entries),
                )
            )
        elif reasons:
            missing.append(
                LanguageLink(
                    href="",
                    bcp47=cfg.bcp47,
                    native_name=cfg.native_name,
                    name=cfg.name,
                    count=0,
                    reason="; ".join(reasons),
                )
            )
    site_lang = config.languages.get("en") or next(iter(config.languages.values()))
    page = html.site_index(site_lang, links, missing)
    artifacts.append(store.write("index.html", page.encode("utf-8"), "html"))
    return artifacts
