"""Command line: parse, call the library, map errors to one line each and an exit code (0 / 1 / 2)."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .errors import GgmultiError

if TYPE_CHECKING:
    from .config import Config
    from .formats.api import Progress

# Each command imports the stages it needs when it runs: `ggmulti --help` and the light commands start
# fast, and no command pays for WeasyPrint, pydantic or the translation engine it does not use.

EXIT_OK, EXIT_INPUT, EXIT_USAGE = 0, 1, 2


def _config(ctx: click.Context) -> Config:
    from .config import load_config

    path: Path | None = ctx.obj.get("config_path") if ctx.obj else None
    return load_config(path)


def _err(line: str) -> None:
    click.echo(line, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ggmulti")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="ggmulti.toml to use (default: the nearest one up from the current folder).",
)
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """Publish press releases as translated, accessible web pages, PDFs and audio, offline."""
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path


_sources = click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))


@cli.command()
@_sources
@click.pass_context
def check(ctx: click.Context, sources: tuple[Path, ...]) -> None:
    """Ingest SOURCES and check their language; writes nothing."""
    from .model import Severity
    from .publish import check_sources

    config = _config(ctx)
    releases, findings = check_sources(config, sources)
    for r in releases:
        click.echo(f"{r.id}\t{r.date or '-'}\t{r.source_lang}\t{len(r.paragraphs)} paragraphs\t{r.title}")
    for f in findings:
        _err(str(f))
    errors = sum(f.severity is Severity.ERROR for f in findings)
    _err(f"{len(releases)} release(s), {errors} error(s), {len(findings) - errors} warning(s)")
    if errors:
        ctx.exit(EXIT_INPUT)


@cli.command(name="publish")
@_sources
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder; published files are written only inside it.",
)
@click.option(
    "--lang", "langs", multiple=True, help="Language code to publish (repeatable; default: all configured)."
)
@click.option(
    "--glossary",
    "glossary",
    type=click.Path(file_okay=False, path_type=Path),
    help="Glossary folder (default: the configured one).",
)
@click.option("--strict", is_flag=True, help="Fail on warnings and refuse partial editions.")
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    help="Where edition work runs: this machine, or a Ray cluster (default: [build] executor, local).",
)
@click.option(
    "--ray-address",
    help="Ray cluster to run on (default: RAY_ADDRESS; with neither, a local cluster for this build).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the summary (today's releases, the catalogue) as one JSON object.",
)
@click.option("-q", "--quiet", is_flag=True, help="Only print problems.")
@click.option(
    "-v", "--verbose", is_flag=True, help="Print each stage and edition as it is built (else a progress bar)."
)
@click.pass_context
def publish_cmd(
    ctx: click.Context,
    sources: tuple[Path, ...],
    out: Path,
    langs: tuple[str, ...],
    glossary: Path | None,
    strict: bool,
    executor: str | None,
    ray_address: str | None,
    as_json: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Run the whole pipeline on SOURCES into --out."""
    from .publish import PublishOptions, publish

    config = _config(ctx)
    if glossary is not None:
        from dataclasses import replace

        config = replace(config, glossary_dir=glossary)
    # Per-edition lines only when asked for: what a newcomer should read is the summary at the end.
    log = (lambda m: _err(m)) if verbose and not quiet and not as_json else (lambda _m: None)
    options = PublishOptions(
        sources=sources,
        out=out,
        languages=langs,
        strict=strict,
        executor=executor or "",
        ray_address=ray_address,
    )
    with _progress_bar(enabled=not quiet and not verbose and not as_json and sys.stderr.isatty()) as progress:
        catalogue, report = publish(config, options, log=log, progress=progress)
    for f in report.findings:
        _err(str(f))
    for line in report.withheld:
        _err(line)
    rebuilt = report.rebuilt()
    for rid, lang, ed in report.editions:  # editions made now: the ones taken as they stand were told
        if (rid, lang) in rebuilt and ed.terms.pinned < ed.terms.expected:
            missed = sorted({n.split(" ", 2)[1] for n in ed.notes if n.startswith("term ")})
            _err(
                f"warning: {rid} [{lang}]: {ed.terms.pinned}/{ed.terms.expected} glossary terms in their "
                f"approved form; missed: {', '.join(missed)}"
            )
    from .summary import count_by_language, result_lines, summarize

    summary = summarize(
        catalogue,
        {r.id: r for r in report.releases},
        rebuilt,
        {(rid, lang): ed for rid, lang, ed in report.editions},
        report.before,
        dict(zip(report.withheld_ids, report.withheld, strict=True)),
    )
    if as_json:
        click.echo(json.dumps(summary.to_json(), ensure_ascii=False, indent=2))
    elif not quiet:
        for line in summary.lines():
            click.echo(line)
        click.echo(
            f"{len(rebuilt)} edition(s) built, {report.unchanged()} unchanged; "
            f"{report.engine_segments} segment(s) sent to a translation engine, {report.cached_segments} from cache"
        )
        if verbose:
            click.echo("time: " + ", ".join(f"{k} {v:.2f} s" for k, v in report.timings.items()))
        from .glossary.load import load_glossary
        from .glossary.suggest import suggest

        today = [r for r in report.releases if r.id in {t.id for t in summary.releases}]
        candidates = suggest(today, load_glossary(config.glossary_dir, _scripts(config))) if today else []
        if candidates:
            click.echo(
                f"{len(candidates)} name(s) in today's releases are not in the glossary "
                f"(e.g. {', '.join(c.text for c in candidates[:3])}): ggmulti glossary suggest SOURCE... lists them"
            )
        click.echo(f"{len(catalogue.releases)} release(s) in {out / 'manifest.json'}")
        source_lang = next((r.source_lang for r in report.releases), "en")
        result = result_lines(count_by_language(report.editions), config.languages, source_lang, out)
        click.echo("\n".join(["", *result]))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--source-lang", default="en", show_default=True, help="Language releases are written in.")
@click.option(
    "--require",
    "required",
    multiple=True,
    help="Exit 1 unless a new release can be published in this language (repeatable).",
)
@click.pass_context
def doctor(ctx: click.Context, as_json: bool, source_lang: str, required: tuple[str, ...]) -> None:
    """Per configured language: what translates it, its voice, font and interface strings; how to fix gaps."""
    from .doctor import diagnose, system_parts

    config = _config(ctx)
    unknown = [code for code in required if code not in config.languages]
    if unknown:
        raise click.BadParameter(f"not configured: {', '.join(unknown)}", param_hint="--require")
    statuses = diagnose(config, source_lang)
    parts = system_parts()
    if as_json:
        found = [{**asdict(s), "publishable": s.publishable} for s in statuses]
        system = [asdict(p) for p in parts]
        click.echo(json.dumps({"system": system, "languages": found}, ensure_ascii=False, indent=2))
    else:
        click.echo("system")
        for part in parts:
            cap = part.capability
            state = "ok     " if cap.available else "MISSING"
            click.echo(f"    {part.name:<16} {state} {cap.detail} ({part.needed_for})")
            if not cap.available:
                click.echo(f"    {'':<16}         fix: {cap.fix}")
        for s in statuses:
            click.echo(f"{s.code:>3} {s.name}")
            rows = (
                ("translation", s.translation),
                ("voice", s.voice),
                ("font", s.font),
                ("interface", s.interface),
            )
            for label, cap in rows:
                state = "PARTIAL" if cap.kind == "memory" else "ok     " if cap.available else "MISSING"
                click.echo(f"    {label:<12} {state} {cap.detail}")
                if cap.fix and (not cap.available or cap.kind == "memory"):
                    click.echo(f"    {'':<12}         fix: {cap.fix}")
    blocked = [s for s in statuses if s.code in required and not s.publishable]
    for s in blocked:
        _err(
            f"error: {s.code}: a new release cannot be published ({s.translation.detail}); fix: {s.translation.fix}"
        )
    if blocked:
        ctx.exit(EXIT_INPUT)


@cli.command(name="verify")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def verify_cmd(ctx: click.Context, out: Path) -> None:
    """Re-hash every file listed in OUT/manifest.json; exit 1 if any is missing, differs or is not listed."""
    from .verify import verify

    result = verify(out)
    for line in result.problems:
        _err(f"error: {line}")
    click.echo(f"{out}: {result.checked} file(s) checked, {len(result.problems)} problem(s)")
    if result.problems:
        ctx.exit(EXIT_INPUT)


@cli.command(name="init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--lang", "langs", multiple=True, help="Language to publish in (repeatable; default: the province's set)."
)
@click.option("--publisher", default="Gyeonggi Province", show_default=True, help="Publisher's name.")
def init_cmd(folder: Path, langs: tuple[str, ...], publisher: str) -> None:
    """Create a site project in FOLDER (may be a new git clone): config, glossary, memory, sources, workflow."""
    from .scaffold import init_project

    result = init_project(folder, langs, publisher=publisher, site_title=f"{publisher} press releases")
    for name in result.files:
        click.echo(f"created {folder / name}")
    for name in result.extended:
        click.echo(f"added ggmulti's lines to {folder / name}")
    for name in result.kept:
        click.echo(f"kept your {folder / name}")
    here = folder.resolve() == Path.cwd().resolve()
    click.echo(f"next: {'' if here else f'cd {folder} && '}ggmulti publish sources --out output")


@cli.command(name="withdraw")
@click.argument("ids", nargs=-1, required=True)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--reason", required=True, help="Why it is withdrawn: recorded and shown on its notice pages.")
@click.option(
    "--date",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date of the withdrawal, YYYY-MM-DD (default: today in Korea).",
)
@click.option("-q", "--quiet", is_flag=True, help="Only print problems.")
@click.pass_context
def withdraw_cmd(
    ctx: click.Context, ids: tuple[str, ...], out: Path, reason: str, on: datetime | None, quiet: bool
) -> None:
    """Take the releases IDS down from OUT for good: their editions go, each URL says it was withdrawn,
    later publishes leave them out until `ggmulti restore`."""
    from .withdraw import today, withdraw

    day = on.date().isoformat() if on is not None else today()
    result = withdraw(
        _config(ctx), ids, out, reason=reason, date=day, log=(lambda _m: None) if quiet else _err
    )
    click.echo(
        f"{out}: withdrew {', '.join(result.withdrawn)} on {day} ({result.files_removed} file(s) removed); "
        f"{result.releases_left} release(s) remain. Publishing its source again will not bring it back: "
        f"ggmulti restore ID lifts the withdrawal"
    )


@cli.command(name="restore")
@click.argument("ids", nargs=-1, required=True)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("-q", "--quiet", is_flag=True, help="Only print problems.")
@click.pass_context
def restore_cmd(ctx: click.Context, ids: tuple[str, ...], out: Path, quiet: bool) -> None:
    """Lift the withdrawal of the releases IDS in OUT: the next publish of their sources publishes them."""
    from .withdraw import restore

    lifted = restore(_config(ctx), ids, out, log=(lambda _m: None) if quiet else _err)
    click.echo(
        f"{out}: withdrawal lifted for {', '.join(lifted)}; "
        "publish their sources again to put them back online"
    )


@contextlib.contextmanager
def _progress_bar(enabled: bool) -> Iterator[Progress]:
    """A rich progress bar on long runs at a terminal; nothing in CI logs or with --quiet."""
    if not enabled:
        yield lambda _stage, _done, _total: None
        return
    from rich.console import Console
    from rich.progress import Progress as Bar
    from rich.progress import TaskID

    tasks: dict[str, TaskID] = {}
    with Bar(console=Console(stderr=True), transient=True) as bar:

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], advance=done)

        yield update


@cli.command(name="merge")
@click.argument("shards", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path))
def merge_cmd(shards: tuple[Path, ...], out: Path) -> None:
    """Gather the editions of sharded builds (SHARDS) into OUT; then publish all releases into OUT."""
    from .merge import merge

    result = merge(shards, out)
    click.echo(
        f"{out}: {result.releases} release(s), {result.editions} edition(s), {result.files} file(s) merged; "
        f"run `ggmulti publish ... --out {out}` over all releases to write the indexes, feeds and bundles"
    )


def _scripts(config: Config) -> dict[str, str]:
    return {code: cfg.script for code, cfg in config.languages.items()}


@cli.group()
def glossary() -> None:
    """Check the term glossary, or show what a change to it does."""


@glossary.command(name="check")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "-v", "--verbose", is_flag=True, help="List every note (overlapping forms), not just their count."
)
@click.pass_context
def glossary_check(ctx: click.Context, directory: Path | None, verbose: bool) -> None:
    """Validate the glossary in DIRECTORY (default: the configured one); exit 1 on any error."""
    from .glossary.load import check_directory

    config = _config(ctx)
    terms, problems = check_directory(directory or config.glossary_dir, _scripts(config))
    errors = [p for p in problems if p.error]
    notes = [p for p in problems if not p.error]
    for p in errors:
        _err(str(p))
    for p in notes if verbose else ():
        click.echo(str(p))
    hint = "" if verbose or not notes else " (overlapping or shared forms; --verbose lists them)"
    _err(f"{len(terms.terms)} entries, {len(errors)} error(s), {len(notes)} note(s){hint}")
    if errors:
        ctx.exit(EXIT_INPUT)


@glossary.command(name="suggest")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--min-count", default=1, show_default=True, help="Only candidates seen at least this often.")
@click.pass_context
def glossary_suggest(ctx: click.Context, sources: tuple[Path, ...], min_count: int) -> None:
    """Names and titles in SOURCES (default: the configured corpus) that the glossary does not pin yet."""
    from .glossary.load import load_glossary
    from .glossary.suggest import suggest
    from .publish import check_sources

    config = _config(ctx)
    releases, _findings = check_sources(config, sources or config.corpus)
    found = suggest(releases, load_glossary(config.glossary_dir, _scripts(config)), minimum=min_count)
    for s in found:
        click.echo(f"{s.count:>4}  {s.text}\t{s.release}: {s.example}")
    _err(f"{len(found)} candidate(s) not in the glossary")


@glossary.command(name="diff")
@click.option("--base", required=True, help="Git revision to compare the glossary with (e.g. origin/main).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
@click.option(
    "--source",
    "sources",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Releases to scan (repeatable; default: the configured corpus).",
)
@click.option("--lang", "langs", multiple=True, help="Languages to compare (default: all configured).")
@click.pass_context
def glossary_diff(
    ctx: click.Context, base: str, fmt: str, sources: tuple[Path, ...], langs: tuple[str, ...]
) -> None:
    """Entries changed since --base, and the segments they change per language, before and after."""
    from .glossary.load import load_glossary
    from .glossary_diff import diff as diff_glossary
    from .glossary_diff import load_base, to_markdown, to_text
    from .ingest import ingest
    from .publish import build_resources

    config = _config(ctx)
    new = load_glossary(config.glossary_dir, _scripts(config))
    old = load_base(base, config.glossary_dir)
    releases = ingest(sources or config.corpus)
    languages = langs or config.build.languages
    with build_resources(config, new, {r.source_lang for r in releases}, languages) as resources:
        report = diff_glossary(old, new, base, releases, languages, resources, config.names_lang)
    click.echo(to_markdown(report) if fmt == "markdown" else to_text(report), nl=False)


from .cli_models import models_group, translate_cmd  # noqa: E402  (kept beside its registration)

cli.add_command(models_group)
cli.add_command(translate_cmd)


@cli.group()
def review() -> None:
    """Human review: export drafts as XLIFF, import approved translations into the memory."""


@review.command(name="export")
@click.option("--lang", "lang", required=True, help="Target language of the review.")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output); missing folders are created.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xliff", "po"]),
    help="XLIFF 1.2 for CAT tools or gettext PO for Weblate/Pootle/Virtaal (default: from -o's suffix, else xliff).",
)
@click.pass_context
def review_export(
    ctx: click.Context, lang: str, sources: tuple[Path, ...], output: Path | None, fmt: str | None
) -> None:
    """XLIFF or PO of every segment of SOURCES (default: the configured corpus) with memory or machine drafts."""
    from .errors import OutputError
    from .glossary.load import load_glossary
    from .publish import build_resources, check_sources
    from .review import export as export_review
    from .store import atomic_write
    from .translate.stage import MachinePolicy

    config = _config(ctx)
    if lang not in config.languages:
        raise click.BadParameter(f"'{lang}' is not a configured language", param_hint="--lang")
    fmt = fmt or ("po" if output is not None and output.suffix.lower() in (".po", ".pot") else "xliff")
    releases, _findings = check_sources(config, sources or config.corpus)
    glossary_ = load_glossary(config.glossary_dir, _scripts(config))
    with build_resources(config, glossary_, {r.source_lang for r in releases}, [lang]) as resources:
        data = export_review(releases, lang, resources, policy=MachinePolicy.of(config.translation), fmt=fmt)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(output, data)
        except OSError as exc:
            raise OutputError(f"{output}: cannot write: {exc.strerror or exc}") from None
        _err(f"wrote {output} ({len(releases)} release(s), language {lang}, {fmt})")


@review.command(name="diff")
@click.option("--base", required=True, help="Git revision to compare the memory with (e.g. origin/main).")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
@click.pass_context
def review_diff(ctx: click.Context, base: str, fmt: str) -> None:
    """Approved sentences added, changed or removed since --base, per language, before and after."""
    from .memory_diff import memory_changes, to_markdown, to_text

    changes = memory_changes(_config(ctx).memory_dir, base)
    click.echo(to_markdown(base, changes) if fmt == "markdown" else to_text(changes), nl=False)


@review.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--lang", "lang", help="Refuse the file unless its target language is this one.")
@click.option(
    "--origin",
    type=click.Choice(["review", "reference"]),
    default="review",
    show_default=True,
    help="Record the sentences as reviewed translations or as the project's reference translations.",
)
@click.option(
    "--accept",
    "accept",
    multiple=True,
    metavar="UNIT_ID",
    help="Accept this segment's QA errors on purpose (recorded in the memory entry); repeatable.",
)
@click.pass_context
def review_import(
    ctx: click.Context,
    file: Path,
    sources: tuple[Path, ...],
    lang: str | None,
    origin: str,
    accept: tuple[str, ...],
) -> None:
    """Validate FILE (XLIFF or PO) and add its approved sentences to the memory (all or nothing)."""
    from .glossary.load import load_glossary
    from .publish import check_sources
    from .review_import import import_review

    config = _config(ctx)
    releases, _findings = check_sources(config, sources or config.corpus)
    glossary_ = load_glossary(config.glossary_dir, _scripts(config))
    result = import_review(
        file, config.memory_dir, releases, glossary_, list(config.languages), lang, origin, accept
    )
    for line in result.warnings:
        _err(f"warning: {line}")
    click.echo(f"{file}: {result.summary()}")


@review.command(name="tmx")
@click.option("--lang", "lang", required=True, help="Target language of the memory.")
@click.option("--source-lang", default="en", show_default=True, help="Language releases are written in.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout.")
@click.pass_context
def review_tmx(ctx: click.Context, lang: str, source_lang: str, output: Path | None) -> None:
    """Write the approved memory for LANG as TMX 1.4, for CAT-tool translation memories."""
    from .review import tmx

    config = _config(ctx)
    for code, hint in ((lang, "--lang"), (source_lang, "--source-lang")):
        if code not in config.languages:
            raise click.BadParameter(f"'{code}' is not a configured language", param_hint=hint)
    data, written, held = tmx(config.memory_dir, source_lang, lang)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise click.ClickException(f"{output}: cannot write: {exc.strerror}") from None
    _err(f"{output or 'stdout'}: {written} unit(s) as TMX, {held} held back for re-review")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code so tests can call it directly."""
    try:
        code = cli.main(
            args=list(argv) if argv is not None else sys.argv[1:], prog_name="ggmulti", standalone_mode=False
        )
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.UsageError as exc:
        exc.show()
        return EXIT_USAGE
    except click.Abort:
        _err("aborted")
        return EXIT_INPUT
    except click.ClickException as exc:
        exc.show()
        return EXIT_INPUT
    except GgmultiError as exc:
        for line in str(exc).splitlines():
            _err(f"error: {line}")
        return EXIT_INPUT
    # Without standalone mode, click returns ctx.exit()'s code instead of raising it.
    return code if isinstance(code, int) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
