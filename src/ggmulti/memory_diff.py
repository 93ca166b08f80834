"""`review diff --base REV`: which approved sentences a pull request adds, changes or removes, per language.

Reviewers of a memory change see the sentences before and after, not XML: per release, in reading
order (title, then paragraph by paragraph), with the segment each was approved for and any QA error
a reviewer accepted on purpose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import MemoryFileError
from .gitrev import run_git
from .translate.memory import MemoryEntry, TranslationMemory

_SEGMENT = re.compile(r"^(?P<release>.+?):(?:title|p(?P<p>\d+):s(?P<s>\d+))$")


@dataclass(frozen=True)
class SentenceChange:
    pair: str  # "en-vi"
    status: str  # added | changed | removed
    source: str
    before: str
    after: str
    segment: str = ""  # the segment it was approved for ("release:p0:s1")
    accepted: tuple[str, ...] = ()  # QA errors a reviewer accepted on purpose (after the change)

    @property
    def release(self) -> str:
        m = _SEGMENT.match(self.segment)
        return m["release"] if m else ""

    def reading_order(self) -> tuple[str, int, int, str]:
        """Release, then the title, then paragraph and sentence; entries with no segment last."""
        m = _SEGMENT.match(self.segment)
        if m is None:
            return ("\uffff", 0, 0, self.source)
        if m["p"] is None:
            return (m["release"], -1, -1, self.source)
        return (m["release"], int(m["p"]), int(m["s"]), self.source)


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
        before: dict[str, MemoryEntry] = {e.source: e for e in old.entries()} if old else {}
        after: dict[str, MemoryEntry] = {e.source: e for e in new.entries()}
        found = []
        for source in set(before) | set(after):
            b, a = before.get(source), after.get(source)
            if (b and (b.target, b.accepted)) == (a and (a.target, a.accepted)):
                continue
            status = "added" if b is None else "removed" if a is None else "changed"
            either = a or b
            assert either is not None
            found.append(
                SentenceChange(
                    pair,
                    status,
                    source,
                    b.target if b else "",
                    a.target if a else "",
                    segment=either.key,
                    accepted=a.accepted if a else (),
                )
            )
        changes += sorted(found, key=SentenceChange.reading_order)
    return changes


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or "—"


def _accepted(change: SentenceChange) -> str:
    return "; ".join(change.accepted)


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
            "In reading order per release. *QA accepted*: a check the reviewer accepted on purpose.",
            "",
            "| release | segment | change | source | before | after | QA accepted |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            *(
                f"| {_md(c.release)} | {_md(c.segment.removeprefix(c.release + ':'))} | {c.status} | {_md(c.source)} | {_md(c.before)} "
                f"| {_md(c.after)} | {_md(_accepted(c))} |"
                for c in mine
            ),
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def to_text(changes: list[SentenceChange]) -> str:
    out = []
    for c in changes:
        line = f"{c.pair} {c.segment or '-'} {c.status}: {c.source!r}: {c.before!r} -> {c.after!r}"
        if c.accepted:
            line += f" [qa-accepted: {_accepted(c)}]"
        out.append(line)
    return "\n".join(out or ["no approved sentence changed"]) + "\n"
