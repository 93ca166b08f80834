"""`glossary diff --base REV`: what a glossary change does, for reviewers of the pull request."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import GlossaryError
from .gitrev import run_git
from .glossary.load import load_texts
from .glossary.match import Matcher, contains_form, replace_form
from .glossary.model import Glossary, Term
from .model import Release
from .translate.api import Resources, Unavailable
from .translate.stage import TranslationStage


@dataclass(frozen=True)
class FieldChange:
    field: str  # forms.vi, variants.en, spoken.hi, dnt, note, ...
    before: str
    after: str


@dataclass(frozen=True)
class EntryChange:
    id: str
    status: str  # added | removed | changed
    file: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class SegmentChange:
    release_id: str
    title: str
    key: str
    lang: str
    source: str
    before: str
    after: str
    note: str = ""


@dataclass(frozen=True)
class DiffReport:
    base: str
    entries: tuple[EntryChange, ...]
    segments: tuple[SegmentChange, ...]
    releases_scanned: int
    releases_affected: tuple[str, ...] = ()
    unavailable: tuple[tuple[str, str], ...] = ()  # (language, why nothing can be compared there)


def _git(args: Sequence[str], cwd: Path) -> str:
    done = run_git(args, cwd, GlossaryError)
    stderr = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode != 0:
        raise GlossaryError(f"git {' '.join(args)}: {stderr.splitlines()[-1] if stderr else 'failed'}")
    return done.stdout.decode("utf-8")


def glossary_texts_at(rev: str, directory: Path) -> dict[str, str]:
    """The glossary files as they were at ``rev``, keyed like the working tree's (path strings)."""
    directory = directory.resolve()
    top = Path(_git(["rev-parse", "--show-toplevel"], directory).strip())
    rel = directory.relative_to(top).as_posix()
    _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top)
    names = _git(["ls-tree", "--name-only", f"{rev}", f"{rel}/"], top).splitlines()
    texts: dict[str, str] = {}
    for name in names:
        if name.endswith(".yaml"):
            texts[str(directory / Path(name).name)] = _git(["show", f"{rev}:{name}"], top)
    return texts


def _fields(term: Term) -> dict[str, str]:
    out = {f"forms.{k}": v for k, v in term.forms.items()}
    out.update({f"variants.{k}": ", ".join(v) for k, v in term.variants.items()})
    out.update({f"spoken.{k}": v for k, v in term.spoken.items()})
    out["dnt"] = "yes" if term.dnt else "no"
    out["review"] = ", ".join(term.review)
    out["note"] = term.note
    return out


def entry_changes(old: Glossary, new: Glossary) -> list[EntryChange]:
    before, after = old.by_id(), new.by_id()
    changes = []
    for tid in sorted(set(before) | set(after)):
        a, b = before.get(tid), after.get(tid)
        fa = _fields(a) if a else {}
        fb = _fields(b) if b else {}
        fields = tuple(
            FieldChange(k, fa.get(k, ""), fb.get(k, ""))
            for k in sorted(set(fa) | set(fb))
            if fa.get(k, "") != fb.get(k, "")
        )
        if not fields:
            continue
        status = "added" if a is None else "removed" if b is None else "changed"
        term = b or a
        assert term is not None  # tid comes from one of the two glossaries
        changes.append(EntryChange(tid, status, Path(term.file).name, fields))
    return changes


def _affects_output(change: EntryChange) -> bool:
    return any(not f.field.startswith(("note", "review")) for f in change.fields)


def diff(
    old: Glossary,
    new: Glossary,
    base: str,
    releases: Sequence[Release],
    languages: Sequence[str],
    resources: Resources,
) -> DiffReport:
    """Entry changes, and for every segment containing a changed term, its text before and after."""
    entries = entry_changes(old, new)
    changed_ids = {e.id for e in entries if _affects_output(e)}
    segments: list[SegmentChange] = []
    unavailable: dict[str, str] = {}
    touched: list[Release] = []
    if changed_ids:
        stage_old = TranslationStage(Resources(resources.translators, resources.memories, old))
        stage_new = TranslationStage(Resources(resources.translators, resources.memories, new))
        matchers = {
            lang: (Matcher(old, lang), Matcher(new, lang)) for lang in {r.source_lang for r in releases}
        }
        touched = [
            r
            for r in releases
            if any(
                h.term_id in changed_ids
                for m in matchers[r.source_lang]
                for text in (r.title, *r.paragraphs)
                for h in m.find(text)
            )
        ]
        for lang in languages:
            if not touched or all(r.source_lang == lang for r in touched):
                continue
            before_all = stage_old.run(touched, lang)
            after_all = stage_new.run(touched, lang)
            for release in touched:
                b, a = before_all[release.id], after_all[release.id]
                if isinstance(b, Unavailable) or isinstance(a, Unavailable):
                    missing = b if isinstance(b, Unavailable) else a
                    assert isinstance(missing, Unavailable)
                    unavailable.setdefault(lang, missing.reason)
                    continue
                for sb, sa in zip(b.segments, a.segments, strict=True):
                    ids = {c.term_id for c in (*sb.terms, *sa.terms)}
                    if ids & changed_ids and (sb.text != sa.text or sb.terms != sa.terms):
                        missed = [f"{c.term_id} missed: {c.reason}" for c in sa.terms if not c.pinned]
                        kept = _kept_old_forms(old, new, sorted(ids & changed_ids), sa.text, release, lang)
                        note = "; ".join(
                            [*kept, *missed, *([f"memory needs re-review: {sa.review}"] if sa.review else [])]
                        )
                        segments.append(
                            SegmentChange(
                                release.id,
                                release.title,
                                sb.segment.key,
                                lang,
                                sb.segment.text,
                                sb.text,
                                sa.text,
                                note,
                            )
                        )
    return DiffReport(
        base,
        tuple(entries),
        tuple(segments),
        len(releases),
        tuple(r.id for r in touched),
        tuple(sorted(unavailable.items())),
    )


def _kept_old_forms(
    old: Glossary, new: Glossary, term_ids: Sequence[str], text: str, release: Release, lang: str
) -> list[str]:
    """Changed terms whose old form the published text would still hold (a reviewer must see those)."""
    before, after = old.by_id(), new.by_id()
    notes = []
    for tid in term_ids:
        was = before[tid].target_form(release.source_lang, lang) if tid in before else None
        now = after[tid].target_form(release.source_lang, lang) if tid in after else None
        if not was or was == now:
            continue
        rest = replace_form(text, now, "\ufffc", lang)[0] if now else text  # the new form may contain the old
        if contains_form(rest, was, lang):
            notes.append(f"would keep the old form {was!r} of {tid}")
    return notes


def load_base(rev: str, directory: Path) -> Glossary:
    glossary, problems = load_texts(glossary_texts_at(rev, directory))
    if problems:
        raise GlossaryError(f"glossary at {rev} is invalid: {problems[0]}")
    return glossary


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or "—"


def to_markdown(report: DiffReport) -> str:
    added = sum(e.status == "added" for e in report.entries)
    removed = sum(e.status == "removed" for e in report.entries)
    changed = len(report.entries) - added - removed
    lines = [
        f"## Glossary change against `{report.base}`",
        "",
        f"{len(report.entries)} entr{'y' if len(report.entries) == 1 else 'ies'} "
        f"({added} added, {changed} changed, {removed} removed); "
        f"{len(report.releases_affected)} of {report.releases_scanned} releases contain a changed term.",
        "",
    ]
    if report.entries:
        lines += ["| entry | change | field | before | after |", "| --- | --- | --- | --- | --- |"]
        for e in report.entries:
            for f in e.fields:
                lines.append(
                    f"| `{e.id}` ({e.file}) | {e.status} | {f.field} | {_md(f.before)} | {_md(f.after)} |"
                )
        lines.append("")
    by_release: dict[str, list[SegmentChange]] = {}
    for s in report.segments:
        by_release.setdefault(s.release_id, []).append(s)
    if by_release:
        lines += ["### Affected releases", ""]
    for rid, changes in by_release.items():
        lines += [
            f"#### `{rid}`: {_md(changes[0].title)}",
            "",
            "| segment | lang | before | after | note |",
            "| --- | --- | --- | --- | --- |",
        ]
        for s in changes:
            lines.append(
                f"| {s.key.split(':', 1)[1]} | {s.lang} | {_md(s.before)} | {_md(s.after)} | {_md(s.note)} |"
            )
        lines.append("")
    if report.unavailable and report.releases_affected:
        lines += ["### Languages with nothing to compare", ""]
        lines += [f"- **{lang}**: {_md(reason)}" for lang, reason in report.unavailable]
        lines.append("")
    if report.releases_affected:
        lines += [
            "Releases containing a changed term: " + ", ".join(f"`{r}`" for r in report.releases_affected),
            "",
        ]
    if not report.entries:
        lines.append("No glossary entries changed.")
    return "\n".join(lines).rstrip() + "\n"


def to_text(report: DiffReport) -> str:
    lines = []
    for e in report.entries:
        lines.append(f"{e.status}: {e.id} ({e.file})")
        lines += [f"    {f.field}: {f.before!r} -> {f.after!r}" for f in e.fields]
    for s in report.segments:
        lines.append(
            f"{s.release_id} {s.key.split(':', 1)[1]} [{s.lang}]: {s.before!r} -> {s.after!r}"
            + (f" ({s.note})" if s.note else "")
        )
    lines += (
        [f"releases containing a changed term: {', '.join(report.releases_affected)}"]
        if report.releases_affected
        else []
    )
    lines += [f"{lang}: nothing to compare ({reason})" for lang, reason in report.unavailable]
    if not report.entries:
        lines.append("no glossary entries changed")
    return "\n".join(lines) + "\n"
