"""`ggmulti models ...` and `ggmulti translate`: model management and quick offline translation.

Click only parses and prints; the work is done by ggmulti.translate (models, argos, cache) and
:func:`translate_text`, which tests and other commands call directly.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Protocol

import click

from .errors import EngineUnavailable, InputError, ModelError
from .translate.limits import LOCK_NAME, NETWORK_DEADLINE, NETWORK_TIMEOUT, PUBLIC_INDEX_URL

if TYPE_CHECKING:
    from .config import Config
    from .glossary.pin import Pinner
    from .translate.api import Translator

# Languages written without spaces between sentences.


class _HasText(Protocol):
    @property
    def text(self) -> str: ...


class GlossaryHook(Protocol):
    """Translates segments with terms pinned (ggmulti.glossary's Pinner for one language pair)."""

    def translate(self, texts: Sequence[str], translator: Translator) -> Sequence[_HasText]: ...


def translate_text(
    text: str,
    translator: Translator,
    source_lang: str,
    target_lang: str,
    glossary: GlossaryHook | None = None,
) -> str:
    """Translate running text: paragraphs are lines, sentences come from ggmulti.segment; one batch in all.

    With ``glossary`` the terms are pinned exactly as in the build (it drives the translator itself).
    """
    from .segment import join_sentences, split_sentences

    paragraphs = [split_sentences(line, source_lang) for line in text.splitlines()]
    flat = [s for para in paragraphs for s in para]
    if glossary is not None:
        outputs = [p.text for p in glossary.translate(flat, translator)]
    else:
        outputs = translator.translate(flat) if flat else []
    if len(outputs) != len(flat):
        raise EngineUnavailable(
            f"{translator.engine} returned {len(outputs)} translations for {len(flat)} sentences"
        )
    it = iter(outputs)
    return "\n".join(join_sentences([next(it) for _ in para]) for para in paragraphs)


def translate_detail(
    text: str,
    translator: Translator,
    source_lang: str,
    target_lang: str,
    pinner: Pinner | None = None,
) -> list[dict[str, object]]:
    """One object per non-blank input line: ``source``, ``text``, ``score`` (mean of its sentences), ``checks``, ``segments``.

    The same single batch as :func:`translate_text`; each sentence is scored as the build scores it
    (engine confidence lowered by failed QA checks, :func:`ggmulti.translate.stage.quality_score`).
    """
    from .glossary.pin import PRIMARY
    from .segment import join_sentences, split_sentences
    from .translate.api import engine_score
    from .translate.qa import QaChecker, QaFinding
    from .translate.stage import qa_findings, quality_score

    lines = [line for line in text.splitlines() if line.strip()]  # a blank line is no sentence to score
    paragraphs = [split_sentences(line, source_lang) for line in lines]
    flat = [s for para in paragraphs for s in para]
    if pinner is not None:
        pinned = pinner.translate(flat, translator)
        outputs = [p.text for p in pinned]
        sent = [pinner.protect(s, PRIMARY).text for s in flat]
        missed = [sum(1 for c in p.checks if not c.pinned and c.expected is not None) for p in pinned]
    else:
        outputs = translator.translate(flat) if flat else []
        sent, missed = list(flat), [0] * len(flat)
    if len(outputs) != len(flat):
        raise EngineUnavailable(
            f"{translator.engine} returned {len(outputs)} translations for {len(flat)} sentences"
        )
    checker = QaChecker(source_lang, target_lang)
    it = iter(range(len(flat)))
    out: list[dict[str, object]] = []
    for line, para in zip(lines, paragraphs, strict=True):
        segments: list[dict[str, object]] = []
        scores: list[float] = []
        ids: set[str] = set()
        texts: list[str] = []
        for _ in para:
            i = next(it)
            findings: tuple[QaFinding, ...]
            if pinner is not None:
                findings = qa_findings(checker, pinner, flat[i], outputs[i])
            else:
                findings = checker.check(flat[i], outputs[i])
            logprob = engine_score(translator, sent[i])
            score = quality_score(logprob, findings, missed[i])
            if score is not None:
                scores.append(score)
            ids.update(f.check for f in findings)
            texts.append(outputs[i])
            segments.append(
                {
                    "source": flat[i],
                    "text": outputs[i],
                    "score": score,
                    "logprob": None if logprob is None else round(logprob, 4),
                    "checks": [
                        {"check": f.check, "severity": f.severity, "message": f.message} for f in findings
                    ],
                }
            )
        out.append(
            {
                "source": line,
                "text": join_sentences(texts),
                "score": round(sum(scores) / len(scores), 4) if scores else None,
                "checks": sorted(ids),
                "segments": segments,
            }
        )
    return out


def _read_text(file: IO[str]) -> str:
    """FILE or stdin as UTF-8 text, at most one release's worth (a device or a pipe cannot fill memory)."""
    from .ingest import MAX_RELEASE_CHARS

    name = getattr(file, "name", "-")
    try:
        text = file.read(MAX_RELEASE_CHARS + 1)
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start : exc.start + 1].hex()
        raise InputError(f"{name}: not UTF-8 text (byte 0x{bad} cannot be decoded)") from exc
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    if len(text) > MAX_RELEASE_CHARS:
        raise InputError(f"{name}: over the {MAX_RELEASE_CHARS:,}-character limit of one release")
    return text


def _config(ctx: click.Context) -> Config:
    from .config import load_config

    config_path: Path | None = ctx.obj.get("config_path") if ctx.obj else None
    return load_config(config_path)


def _lock_path(ctx: click.Context) -> Path:
    explicit: Path | None = ctx.obj.get("lock_path") if ctx.obj else None
    return explicit or _config(ctx).root / LOCK_NAME


def _models_dir(ctx: click.Context) -> Path:
    from .translate.models import packages_dir

    explicit: Path | None = ctx.obj.get("models_dir") if ctx.obj else None
    return explicit or _config(ctx).models_dir or packages_dir()


_models_dir_option = click.option(
    "--models-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Model folder (default: [translation] models_dir in ggmulti.toml, $GGMULTI_MODELS_DIR, "
    "$ARGOS_PACKAGES_DIR or ~/.local/share/ggmulti/models).",
)


class _Terminated(BaseException):
    """Raised by our SIGTERM handler: a BaseException, so no ``except GgmultiError`` swallows it."""


@contextlib.contextmanager
def _stoppable(what: str) -> Iterator[None]:
    """SIGTERM and Ctrl-C raise, so every ``finally`` (temporary folders) runs; then one line, exit 1."""
    previous = None
    if threading.current_thread() is threading.main_thread():

        def on_sigterm(signum: int, frame: FrameType | None) -> None:
            raise _Terminated

        previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    except (_Terminated, KeyboardInterrupt) as exc:
        how = "SIGTERM" if isinstance(exc, _Terminated) else "Ctrl-C"
        raise ModelError(
            f"{what}: stopped by {how}; temporary files removed, no package left half-installed"
        ) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


@click.group(name="models")
@_models_dir_option
@click.option(
    "--lock",
    "lock_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Lock file (default: {LOCK_NAME} beside ggmulti.toml).",
)
@click.pass_context
def models_group(ctx: click.Context, models_dir: Path | None, lock_path: Path | None) -> None:
    """Install, list, remove and fetch translation models (Argos .argosmodel packages)."""
    ctx.ensure_object(dict)
    ctx.obj["models_dir"] = models_dir
    ctx.obj["lock_path"] = lock_path


@models_group.command(name="install")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sha256", "sha256", help="Expected sha256 of FILE; installing refuses anything else.")
@click.pass_context
def install_cmd(ctx: click.Context, file: Path, sha256: str | None) -> None:
    """Verify FILE, unpack it into the model folder and record it in models.lock."""
    from .translate.archive import install

    with _stoppable(str(file)):
        result = install(file, sha256, root=_models_dir(ctx), lock_path=_lock_path(ctx))
    m = result.model
    verb = "already installed" if result.unchanged else "installed"
    replaced = f" (replaced {', '.join(result.replaced)})" if result.replaced else ""
    click.echo(f"{verb} {m.path.name}: {', '.join(m.pairs)} version {m.version} sha256 {m.sha256}{replaced}")


@models_group.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def list_cmd(ctx: click.Context, as_json: bool) -> None:
    """Installed and locked models per language pair, with their lock status."""
    from .translate.lockfile import iter_lock_status, read_lock
    from .translate.models import parse_pair, scan_packages

    root = _models_dir(ctx)
    models, problems = scan_packages(root)
    lock = read_lock(_lock_path(ctx))
    rows = [
        {
            "pair": pair,
            "status": status,
            "package": m.path.name if m else None,
            "version": m.version if m else lock[pair].package_version,
            "sha256": m.sha256 if m else lock[pair].sha256,
            "target_prefix": m.prefix_for(parse_pair(pair)[1]) if m else None,
        }
        for pair, m, status in iter_lock_status(models, lock)
    ]
    if as_json:
        click.echo(json.dumps({"models_dir": str(root), "models": rows, "problems": problems}, indent=2))
        return
    if not rows:
        click.echo(f"no models in {root}")
    for row in rows:
        click.echo(f"{row['pair']:<8} {row['package'] or '-':<28} {row['version'] or '-':<8} {row['status']}")
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)


@models_group.command(name="remove")
@click.argument("pair")
@click.pass_context
def remove_cmd(ctx: click.Context, pair: str) -> None:
    """Remove the model serving PAIR (e.g. zh-en) and its models.lock entries."""
    from .translate.archive import remove

    with _stoppable(f"removing {pair}"):
        removed = remove(pair, root=_models_dir(ctx), lock_path=_lock_path(ctx))
    click.echo(f"removed {', '.join(removed) if removed else 'the lock entry'} for {pair}")


@models_group.command(name="fetch")
@click.argument("langs", nargs=-1, required=True)
@click.option(
    "--index",
    "index_url",
    default=PUBLIC_INDEX_URL,
    show_default=True,
    help="Argos-format package index (an intranet mirror works the same).",
)
@click.option("--from", "from_code", default="en", show_default=True, help="Source language of the models.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=NETWORK_TIMEOUT,
    show_default=True,
    help="Seconds one network read may wait.",
)
@click.option(
    "--deadline",
    type=click.FloatRange(min=0.1),
    default=NETWORK_DEADLINE,
    show_default=True,
    help="Seconds one whole download (the index, each package) may take.",
)
@click.pass_context
def fetch_cmd(
    ctx: click.Context,
    langs: tuple[str, ...],
    index_url: str,
    from_code: str,
    timeout: float,
    deadline: float,
) -> None:
    """Download FROM->LANG models from a package index, verify their sha256 and install them."""
    from .translate.index import fetch as fetch_models

    with _stoppable(index_url):
        results = fetch_models(
            list(langs),
            index_url,
            from_code=from_code,
            root=_models_dir(ctx),
            lock_path=_lock_path(ctx),
            timeout=timeout,
            deadline=deadline,
        )
    for r in results:
        click.echo(f"installed {r.model.path.name}: {', '.join(r.model.pairs)} sha256 {r.model.sha256}")
    if not results:
        click.echo("nothing to fetch: every requested model is installed and matches models.lock")


@click.command(name="translate")
@click.option("--from", "from_code", required=True, help="Source language code.")
@click.option("--to", "to_code", required=True, help="Target language code.")
@click.argument("file", default="-", type=click.File("r", encoding="utf-8"))
@_models_dir_option
@click.option(
    "--beam", "beam_size", type=click.IntRange(1, 16), help="Beam size (default: ggmulti.toml's, 4)."
)
@click.option("--compute-type", help="CTranslate2 compute type: default, int8, int8_float32, float32, auto.")
@click.option(
    "--cache",
    "cache_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite translation cache (default: the build's, from ggmulti.toml).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor fill the translation cache.")
@click.option(
    "--glossary",
    "glossary_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Glossary folder (default: the configured one).",
)
@click.option("--no-glossary", is_flag=True, help="Translate without pinning glossary terms.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="JSON Lines: per input line its source, text, quality score, QA checks and per-sentence detail.",
)
@click.pass_context
def translate_cmd(
    ctx: click.Context,
    from_code: str,
    to_code: str,
    file: IO[str],
    models_dir: Path | None,
    beam_size: int | None,
    compute_type: str | None,
    cache_path: Path | None,
    no_cache: bool,
    glossary_dir: Path | None,
    no_glossary: bool,
    as_json: bool,
) -> None:
    """Translate FILE (or stdin) and print it, glossary terms pinned as in the build."""
    from .glossary.load import load_glossary
    from .glossary.pin import Pinner
    from .translate.argos import DecodeOptions, Engines
    from .translate.cache import TranslationCache
    from .translate.models import packages_dir

    config = _config(ctx)
    pinner = None
    if not no_glossary:
        scripts = {code: cfg.script for code, cfg in config.languages.items()}
        pinner = Pinner(load_glossary(glossary_dir or config.glossary_dir, scripts), from_code, to_code)
    settings = config.translation
    text = _read_text(file)
    options = DecodeOptions(
        beam_size=beam_size or settings.beam_size, compute_type=compute_type or settings.compute_type
    )
    cache_file = None if no_cache else cache_path or config.cache_path
    with contextlib.ExitStack() as stack:
        cache = stack.enter_context(TranslationCache(cache_file)) if cache_file else None
        engines = stack.enter_context(
            Engines(
                models_dir or config.models_dir or packages_dir(),
                options=options,
                cache=cache,
                pivot=settings.pivot,
            )
        )
        translator = engines.require(from_code, to_code)
        if as_json:
            for obj in translate_detail(text, translator, from_code, to_code, pinner):
                sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
            return
        out = translate_text(text, translator, from_code, to_code, pinner)
    sys.stdout.write(out + "\n")
