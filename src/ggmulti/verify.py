"""`ggmulti verify DIR`: re-hash every published file against the manifest, so a center (or CI) can
tell a complete, untampered output folder from a torn or edited one."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from . import manifest as mf
from .errors import OutputError
from .store import OutputStore

IGNORED = frozenset({".ggmulti.lock"})  # the build's own lock (see store.py), never published


@dataclass
class VerifyResult:
    checked: int = 0
    problems: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)


def verify(out: Path) -> VerifyResult:
    store = OutputStore(out)
    data = store.read(mf.MANIFEST_NAME)
    if data is None:
        raise OutputError(f"{out}: no {mf.MANIFEST_NAME}; nothing was published here")
    catalogue = mf.loads(data, str(out / mf.MANIFEST_NAME))
    result = VerifyResult()
    listed = {mf.MANIFEST_NAME, mf.REPORT_NAME}
    for artifact in catalogue.artifacts():
        rel = artifact.path
        listed.add(rel)
        try:
            content = store.read(rel)
        except OutputError as exc:
            result.problems.append(f"{rel}: {exc}")
            continue
        result.checked += 1
        if content is None:
            result.problems.append(f"{rel}: missing")
        elif len(content) != artifact.bytes or hashlib.sha256(content).hexdigest() != artifact.sha256:
            result.problems.append(f"{rel}: content differs from the manifest (sha256 or size)")
    # Anything else in the folder is a problem: the manifest is the one truth about what is published.
    for path in sorted(p for p in out.rglob("*") if p.is_file() or p.is_symlink()):
        rel = path.relative_to(out).as_posix()
        if rel not in listed and rel not in IGNORED:
            result.unlisted.append(rel)
            result.problems.append(f"{rel}: not listed in the manifest")
    return result
