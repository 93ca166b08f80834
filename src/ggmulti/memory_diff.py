"""`review diff --base REV`: which approved sentences a pull request adds, changes or removes, per language.

Reviewers of a memory change see the sentences before and after, not XML.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import MemoryFileError
from .gitrev import run_git
from .translate.memory import TranslationMemory


@dataclass(frozen=True)
class SentenceChange:
    pair: str  # "en-vi"
    status: str  # added | changed | removed
    source: str
    before: str
    after: str


def _git(args: list[str], cwd: Path) -> str | None:
    done = run_git(args, cwd, MemoryFileError)
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def _repository(rev: str, folder: Path) -> Path:
    """The top of the repository ``folder`` is in, once ``rev`` is known to be a commit there."""
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top is None:
        raise MemoryFileError(f"{folder}: not inside a git repository")
    if _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], folder) is None:
        raise MemoryFileError(f"git: unknown revision {rev!r}")
    return Path(top.strip()).resolve()


def _at(rev: str, path: Path, top: Path) -> bytes | None:
    """The file's bytes at ``rev`` (None: it did not exist there)."""
    rel = path.resolve().relative_to(top).as_posix()
    done = run_git(["show", f"{rev}:{rel}"], top, MemoryFileError)
    return done.stdout if done.returncode == 0 else None


def memory_changes(memory_dir: Path, rev: str) -> list[SentenceChange]:
    """Every approved sentence that differs between ``rev`` and the working tree, per language pair."""
    changes: list[SentenceChange] = []
    top = _repository(rev, memory_dir if memory_dir.is_dir() else memory_dir.parent)
    names = {p.name for p in memory_dir.glob("*-*.xlf")}
    listed = _git(["ls-tree", "--name-only", rev, "."], memory_dir) if memory_dir.is_dir() else ""
    listed = listed or ""
    names |= {Path(line).name for line in listed.splitlines() if line.endswith(".xlf")}
    for name in sorted(names):
        pair = name.removesuffix(".xlf")
        src, _, tgt = pair.partition("-")
        path = memory_dir / name
        old_bytes = _at(rev, path, top)
        old = TranslationMemory.parse(old_bytes, f"{rev}:{name}", src, tgt) if old_bytes else None
        new = TranslationMemory.load(path, src, tgt)
        before = {e.source: e.target for e in old.entries()} if old else {}
        after = {e.source: e.target for e in new.entries()}
        for source in sorted(set(before) | set(after)):
            b, a = before.get(source), after.get(source)
            if b == a:
                continue
            status = "added" if b is None else "removed" if a is None else "changed"
            changes.append(SentenceChange(pair, status, source, b or "", a or ""))
    return changes


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or "—"


def to_markdown(rev: str, changes: list[SentenceChange]) -> str:
    lines = [f"## Translation memory change against `{rev}`", ""]
    if not changes:
        return "\n".join([*lines, "No approved sentence changed."]) + "\n"
    for pair in sorted({c.pair for c in changes}):
        mine = [c for c in changes if c.pair == pair]
        counts = {s: sum(c.status == s for c in mine) for s in ("added", "changed", "removed")}
        lines += [
            f"### {pair}: {counts['added']} added, {counts['changed']} changed, {counts['removed']} removed",
            "",
            "| change | source | before | after |",
            "| --- | --- | --- | --- |",
            *(f"| {c.status} | {_md(c.source)} | {_md(c.before)} | {_md(c.after)} |" for c in mine),
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def to_text(changes: list[SentenceChange]) -> str:
    out = [f"{c.pair} {c.status}: {c.source!r}: {c.before!r} -> {c.after!r}" for c in changes]
    return "\n".join(out or ["no approved sentence changed"]) + "\n"
