"""`glossary diff --base REV`: what a glossary change does, for reviewers of the pull request.

The whole effect, per affected release and per language: every sentence and title whose text
changes, every row the "Names in this release" table gains, loses or changes (the source-language
edition included), and, only where it is so, that a language has nothing to compare in that release
and why. Entry fields are shown as the reviewer wrote them: no default filled in for an added entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import GlossaryError
from .gitrev import run_git
from .glossary.load import load_texts
from .glossary.match import Matcher, contains_form, replace_form
from .glossary.model import Glossary, Term
from .model import Release, TranslatedRelease
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
class NameChange:
    """A row of an edition's "Names in this release" table that the change adds, removes or alters."""

    release_id: str
    lang: str
    term_id: str
    status: str  # added | removed | changed
    before: str  # "name (original)"; empty when added
    after: str


@dataclass(frozen=True)
class Untouched:
    """A language with nothing to compare in one release, and why."""

    release_id: str
    lang: str
    reason: str


@dataclass(frozen=True)
class DiffReport:
    base: str
    entries: tuple[EntryChange, ...]
    segments: tuple[SegmentChange, ...]
    releases_scanned: int
    releases_affected: tuple[str, ...] = ()
    unavailable: tuple[Untouched, ...] = ()
    names: tuple[NameChange, ...] = ()
    titles: tuple[tuple[str, str], ...] = ()  # (release id, title) of every affected release


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


def _fields(term: Term, written_only: bool = False) -> dict[str, str]:
    """The entry's fields in the order a YAML entry lists them; ``written_only``: no defaults."""
    out = {f"forms.{k}": v for k, v in term.forms.items()}
    out.update({f"variants.{k}": ", ".join(v) for k, v in term.variants.items()})
    out.update({f"spoken.{k}": v for k, v in term.spoken.items()})
    out["dnt"] = "yes" if term.dnt else "no"
    out["review"] = ", ".join(term.review)
    out["note"] = term.note
    if written_only:
        out = {k: v for k, v in out.items() if v and not (k == "dnt" and v == "no")}
    return out


def entry_changes(old: Glossary, new: Glossary) -> list[EntryChange]:
    before, after = old.by_id(), new.by_id()
    changes = []
    for tid in sorted(set(before) | set(after)):
        a, b = before.get(tid), after.get(tid)
        one_side = a is None or b is None  # added or removed: show what is written, nothing implied
        fa = _fields(a, one_side) if a else {}
        fb = _fields(b, one_side) if b else {}
        keys = list(dict.fromkeys([*fb, *fa]))
        fields = tuple(
            FieldChange(k, fa.get(k, ""), fb.get(k, "")) for k in keys if fa.get(k, "") != fb.get(k, "")
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


def names_table(tr: TranslatedRelease, glossary: Glossary, names_lang: str) -> dict[str, str]:
    """Term id -> "name (original)", as an edition's "Names in this release" table shows it (render/html.py)."""
    terms = glossary.by_id()
    found: dict[str, str] = {}
    for seg in tr.segments:
        for check in seg.terms:
            term = terms.get(check.term_id)
            if term is None or not check.pinned or check.term_id in found:
                continue
            original = term.forms.get(names_lang)
            shown = check.expected or term.forms.get(tr.lang)
            if not original or not shown or tr.lang == names_lang or shown == original:
                continue
            found[check.term_id] = f"{shown} ({original})"
    return found


def _name_changes(
    release_id: str, lang: str, before: dict[str, str], after: dict[str, str]
) -> list[NameChange]:
    out = []
    for tid in dict.fromkeys([*after, *before]):
        b, a = before.get(tid, ""), after.get(tid, "")
        if b != a:
            status = "added" if not b else "removed" if not a else "changed"
            out.append(NameChange(release_id, lang, tid, status, b, a))
    return out


def diff(
    old: Glossary,
    new: Glossary,
    base: str,
    releases: Sequence[Release],
    languages: Sequence[str],
    resources: Resources,
    names_lang: str = "ko",
) -> DiffReport:
    """Entry changes, and per affected release and language every output that changes, before and after."""
    entries = entry_changes(old, new)
    changed_ids = {e.id for e in entries if _affects_output(e)}
    segments: list[SegmentChange] = []
    names: list[NameChange] = []
    unavailable: list[Untouched] = []
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
        for lang in languages if touched else ():
            before_all = stage_old.run(touched, lang)
            after_all = stage_new.run(touched, lang)
            for release in touched:
                b, a = before_all[release.id], after_all[release.id]
                if isinstance(b, Unavailable) or isinstance(a, Unavailable):
                    missing = b if isinstance(b, Unavailable) else a
                    assert isinstance(missing, Unavailable)
                    unavailable.append(Untouched(release.id, lang, missing.reason))
                    continue
                names += _name_changes(
                    release.id, lang, names_table(b, old, names_lang), names_table(a, new, names_lang)
                )
                for sb, sa in zip(b.segments, a.segments, strict=True):
                    ids = {c.term_id for c in (*sb.terms, *sa.terms)}
                    if not ids & changed_ids or (
                        sb.text == sa.text and (lang == release.source_lang or sb.terms == sa.terms)
                    ):
                        continue  # the source edition's text never changes; only its names table can
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
        tuple(unavailable),
        tuple(names),
        tuple((r.id, r.title) for r in touched),
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
    if report.titles:
        lines += ["### Affected releases", ""]
    for rid, title in report.titles:
        mine = [s for s in report.segments if s.release_id == rid]
        rows = [
            f"| {s.key.split(':', 1)[1]} | {s.lang} | {_md(s.before)} | {_md(s.after)} | {_md(s.note)} |"
            for s in sorted(mine, key=lambda s: s.lang)
        ]
        rows += [
            f"| names table | {n.lang} | {_md(n.before)} | {_md(n.after)} | row {n.status} ({n.term_id}) |"
            for n in report.names
            if n.release_id == rid
        ]
        lines += [f"#### `{rid}`: {_md(title)}", ""]
        if rows:
            lines += [
                "| segment | lang | before | after | note |",
                "| --- | --- | --- | --- | --- |",
                *rows,
                "",
            ]
        else:
            lines += ["No published text changes in this release.", ""]
        idle = [u for u in report.unavailable if u.release_id == rid]
        if idle:
            lines += [f"Nothing to compare in `{rid}`:", ""]
            lines += [f"- **{u.lang}**: {_md(u.reason)}" for u in idle]
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
    lines += [
        f"{n.release_id} names table [{n.lang}]: {n.status} {n.term_id}: {n.before!r} -> {n.after!r}"
        for n in report.names
    ]
    lines += [f"{u.release_id} [{u.lang}]: nothing to compare ({u.reason})" for u in report.unavailable]
    if not report.entries:
        lines.append("no glossary entries changed")
    return "\n".join(lines) + "\n"
