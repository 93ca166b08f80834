"""`ggmulti withdraw ID... --out DIR`: take releases down everywhere, on record.

A release published in error (or recalled) loses every edition file; the indexes, feeds and bundles
that listed it are rebuilt; the manifest keeps it under ``withdrawn``. Nothing else is touched:
publishing the release again later restores it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import manifest as mf
from .cache import WorkCache, open_work_cache
from .config import Config
from .errors import OutputError
from .formats import selected
from .formats.api import BuildContext
from .glossary.load import load_glossary
from .publish import build_site, commit
from .render.html import HtmlRenderer
from .store import OutputStore


@dataclass(frozen=True)
class WithdrawResult:
    withdrawn: tuple[str, ...]
    files_removed: int
    releases_left: int


def withdraw(
    config: Config, ids: Sequence[str], out: Path, log: Callable[[str], None] = lambda _m: None
) -> WithdrawResult:
    store = OutputStore(out)
    if not out.is_dir():
        raise OutputError(f"{out}: no {mf.MANIFEST_NAME}; nothing was published here")
    with store.lock(), open_work_cache(config.cache_path) as work:  # one writer per output folder
        return _withdraw(config, ids, out, store, log, work)


def _withdraw(
    config: Config,
    ids: Sequence[str],
    out: Path,
    store: OutputStore,
    log: Callable[[str], None],
    work: WorkCache | None,
) -> WithdrawResult:
    data = store.read(mf.MANIFEST_NAME)
    if data is None:
        raise OutputError(f"{out}: no {mf.MANIFEST_NAME}; nothing was published here")
    old = mf.loads(data, str(out / mf.MANIFEST_NAME))
    unknown = [i for i in dict.fromkeys(ids) if old.release(i) is None]
    if unknown:
        raise OutputError(f"{out}: not published here: {', '.join(unknown)}")
    gone = [r for r in old.releases if r.id in ids]
    catalogue = mf.Catalogue.of(
        [r for r in old.releases if r.id not in ids],
        withdrawn=[*old.withdrawn, *(mf.Withdrawal(r.id, r.title) for r in gone)],
    )
    glossary = load_glossary(
        config.glossary_dir, {code: cfg.script for code, cfg in config.languages.items()}
    )
    # the work cache holds the bundles' PDF parts: the rebuilt bundles reuse the releases that stay
    ctx = BuildContext(
        config, glossary, HtmlRenderer(config, glossary), store, config.build.formats, log, work=work
    )
    catalogue = build_site(ctx, catalogue, old, selected(config.build.formats))
    removed = sum(len(e.artifacts) for r in gone for e in r.editions.values())
    commit(store, catalogue, old, {"withdrawn": [r.id for r in gone]})
    return WithdrawResult(tuple(r.id for r in gone), removed, len(catalogue.releases))
