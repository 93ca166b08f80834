"""`ggmulti withdraw ID... --reason TEXT --out DIR` and `ggmulti restore ID... --out DIR`.

A release published in error (or recalled) loses every edition file; the indexes, feeds and bundles
that listed it are rebuilt; the manifest records it under ``withdrawn`` with the date and the reason,
and each language URL it had serves a short notice saying so (no text of the release). The record wins
over the sources: a later publish of a folder still holding the release leaves it out and says so,
until `restore` lifts the record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from . import manifest as mf
from .cache import WorkCache, open_work_cache
from .config import Config
from .errors import OutputError
from .formats import selected
from .formats.api import BuildContext
from .glossary.load import load_glossary
from .manifest import ArtifactKind
from .publish import build_site, commit
from .render.html import HtmlRenderer
from .store import OutputStore

KST = timezone(timedelta(hours=9), "KST")  # the province's own calendar day


@dataclass(frozen=True)
class WithdrawResult:
    withdrawn: tuple[str, ...]
    files_removed: int
    releases_left: int


def today() -> str:
    """The date a withdrawal is recorded under when none is given: today in Korea."""
    return datetime.now(KST).date().isoformat()


def withdraw(
    config: Config,
    ids: Sequence[str],
    out: Path,
    *,
    reason: str,
    date: str,
    log: Callable[[str], None] = lambda _m: None,
) -> WithdrawResult:
    reason = " ".join(reason.split())
    if not reason:
        raise OutputError("--reason: say why the release is withdrawn (it is recorded and shown)")
    store = _store(out)
    with store.lock(), open_work_cache(config.cache_path) as work:  # one writer per output folder
        old = _catalogue(store, out)
        again = [w for i in dict.fromkeys(ids) if (w := old.withdrawal(i)) is not None]
        if again:
            raise OutputError(
                f"{out}: already withdrawn: "
                + ", ".join(f"{w.id} (on {w.date or 'an earlier date'})" for w in again)
            )
        unknown = [i for i in dict.fromkeys(ids) if old.release(i) is None]
        if unknown:
            raise OutputError(f"{out}: not published here: {', '.join(unknown)}")
        gone = [r for r in old.releases if r.id in ids]
        records = [
            mf.Withdrawal(
                r.id,
                r.title,
                date=date,
                reason=reason,
                reason_lang=r.source_lang,
                languages=tuple(
                    sorted(code for code, e in r.editions.items() if e.artifact(ArtifactKind.HTML))
                ),
            )
            for r in gone
        ]
        catalogue = mf.Catalogue.of(
            [r for r in old.releases if r.id not in ids], withdrawn=[*old.withdrawn, *records]
        )
        _rebuild(config, store, catalogue, old, log, work, {"withdrawn": [r.id for r in gone]})
    removed = sum(len(e.artifacts) for r in gone for e in r.editions.values())
    return WithdrawResult(tuple(r.id for r in gone), removed, len(catalogue.releases))


def restore(
    config: Config, ids: Sequence[str], out: Path, log: Callable[[str], None] = lambda _m: None
) -> tuple[str, ...]:
    """Lift withdrawals: their notices go; the next publish of their sources publishes them again."""
    store = _store(out)
    with store.lock(), open_work_cache(config.cache_path) as work:
        old = _catalogue(store, out)
        unknown = [i for i in dict.fromkeys(ids) if old.withdrawal(i) is None]
        if unknown:
            raise OutputError(f"{out}: not withdrawn here: {', '.join(unknown)}")
        catalogue = mf.Catalogue.of(old.releases, withdrawn=[w for w in old.withdrawn if w.id not in ids])
        _rebuild(config, store, catalogue, old, log, work, {"restored": list(dict.fromkeys(ids))})
    return tuple(dict.fromkeys(ids))


def _store(out: Path) -> OutputStore:
    if not out.is_dir():
        raise OutputError(f"{out}: no {mf.MANIFEST_NAME}; nothing was published here")
    return OutputStore(out)


def _catalogue(store: OutputStore, out: Path) -> mf.Catalogue:
    data = store.read(mf.MANIFEST_NAME)
    if data is None:
        raise OutputError(f"{out}: no {mf.MANIFEST_NAME}; nothing was published here")
    return mf.loads(data, str(out / mf.MANIFEST_NAME))


def _rebuild(
    config: Config,
    store: OutputStore,
    catalogue: mf.Catalogue,
    old: mf.Catalogue,
    log: Callable[[str], None],
    work: WorkCache | None,
    report: dict[str, object],
) -> None:
    """Indexes, feeds, bundles and notices over the new catalogue; files no longer listed removed."""
    config = config.with_originals(r.source_lang for r in old.releases)
    glossary = load_glossary(
        config.glossary_dir, {code: cfg.script for code, cfg in config.languages.items()}
    )
    # the work cache holds the bundles' PDF parts: the rebuilt bundles reuse the releases that stay
    ctx = BuildContext(
        config, glossary, HtmlRenderer(config, glossary), store, config.build.formats, log, work=work
    )
    catalogue = build_site(ctx, catalogue, old, selected(config.build.formats))
    commit(store, catalogue, old, report)
