"""`glossary check`: problems that span entries and files (the schema itself is checked in load.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import regex

from .match import contains_form, normalise
from .model import Glossary, Term

# ISO 15924 script of a configured language -> Unicode script names its letters may use.
SCRIPT_NAMES: dict[str, tuple[str, ...]] = {
    "Latn": ("Latin",),
    "Hans": ("Han",),
    "Hant": ("Han",),
    "Jpan": ("Han", "Hiragana", "Katakana"),
    "Kore": ("Hangul", "Han"),
    "Laoo": ("Lao",),
    "Deva": ("Devanagari",),
    "Thai": ("Thai",),
    "Khmr": ("Khmer",),
    "Cyrl": ("Cyrillic",),
    "Mymr": ("Myanmar",),
    "Beng": ("Bengali",),
    "Sinh": ("Sinhala",),
    "Arab": ("Arabic",),
}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    error: bool = True

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {'error' if self.error else 'note'}: {self.message}"


def _latin_words(term: Term) -> set[str]:
    """Latin words a non-Latin form may keep verbatim: brand names and acronyms from a Latin-script form."""
    words: set[str] = set()
    for form in term.forms.values():
        words.update(w.casefold() for w in regex.findall(r"\p{Latin}+", form))
    return words


def script_problems(term: Term, scripts: dict[str, str]) -> list[Problem]:
    """A form whose letters are in the wrong script for its language (e.g. Latin letters in a Lao form)."""
    problems = []
    for lang, forms in [(lang, (form, *term.variants.get(lang, ()))) for lang, form in term.forms.items()]:
        allowed = SCRIPT_NAMES.get(scripts.get(lang, ""), ())
        if not allowed:
            continue
        own = "|".join(rf"\p{{Script={name}}}" for name in allowed)
        for form in forms:
            if "Latin" not in allowed and not regex.search(own, form):
                problems.append(
                    Problem(
                        term.file,
                        term.line,
                        f"{term.id}: {lang} form {form!r} has no letter of the {scripts[lang]} script",
                    )
                )
                continue
            bad = [
                w
                for w in regex.findall(rf"(?:(?!{own})\p{{L}})+", form)
                if not (
                    regex.fullmatch(r"\p{Latin}+", w)
                    and w.casefold() in _latin_words(term)
                    and "Latin" not in allowed
                    and lang not in ("en",)
                )
            ]
            if bad:
                problems.append(
                    Problem(
                        term.file,
                        term.line,
                        f"{term.id}: {lang} form {form!r} has letters outside the "
                        f"{scripts[lang]} script: {', '.join(repr(b) for b in bad)}",
                    )
                )
    return problems


def consistency_problems(glossary: Glossary, scripts: dict[str, str] | None = None) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, Term] = {}
    for term in glossary.terms:
        if term.id in seen:
            first = seen[term.id]
            problems.append(
                Problem(
                    term.file, term.line, f"duplicate id '{term.id}' (first at {first.file}:{first.line})"
                )
            )
        else:
            seen[term.id] = term
        for lang, forms in [(lang, (f, *term.variants.get(lang, ()))) for lang, f in term.forms.items()] + [
            (lang, vs) for lang, vs in term.variants.items() if lang not in term.forms
        ]:
            for form in forms:
                if form != form.strip() or "  " in form:
                    problems.append(
                        Problem(
                            term.file,
                            term.line,
                            f"{term.id}: {lang} form {form!r} has leading, trailing or double spaces",
                        )
                    )
                if not form.strip():
                    problems.append(Problem(term.file, term.line, f"{term.id}: empty {lang} form"))
        if term.dnt and len(term.forms) > 1 and len(set(term.forms.values())) > 1:
            problems.append(
                Problem(
                    term.file,
                    term.line,
                    f"{term.id}: marked dnt (do not translate) but has different forms per "
                    "language; keep one form or drop dnt",
                )
            )
        for lang in term.review:
            if lang not in term.forms:
                problems.append(
                    Problem(term.file, term.line, f"{term.id}: review names '{lang}', which has no form")
                )
        if scripts:
            problems.extend(script_problems(term, scripts))

    # The same source form belonging to two entries: ambiguous when they translate differently.
    owners: dict[tuple[str, str], list[Term]] = defaultdict(list)
    for term in glossary.terms:
        for lang in set(term.forms) | set(term.variants):
            for form in set(term.source_forms(lang)):
                owners[(lang, normalise(form, lang))].append(term)
    for (lang, form), terms in sorted(owners.items()):
        unique = list({t.id: t for t in terms}.values())
        for a, b in combinations(unique, 2):
            differing = sorted(
                t for t in set(a.forms) & set(b.forms) if t != lang and a.forms[t] != b.forms[t]
            )
            where = f"{a.file}:{a.line} and {b.file}:{b.line}"
            if differing or a.dnt != b.dnt:
                problems.append(
                    Problem(
                        b.file,
                        b.line,
                        f"{lang} form {form!r} belongs to '{a.id}' and '{b.id}' ({where}), which "
                        f"translate differently ({', '.join(differing) or 'dnt'})",
                    )
                )
            else:
                problems.append(
                    Problem(
                        b.file,
                        b.line,
                        f"{lang} form {form!r} belongs to both '{a.id}' and '{b.id}' ({where})",
                        error=False,
                    )
                )
    problems.extend(overlaps(glossary))
    return problems


def overlaps(glossary: Glossary) -> list[Problem]:
    """Forms inside other forms of the same language: reported, and the longer one wins when matching."""
    found: list[Problem] = []
    by_lang: dict[str, list[tuple[str, Term]]] = defaultdict(list)
    for term in glossary.terms:
        for lang in set(term.forms) | set(term.variants):
            by_lang[lang].extend((f, term) for f in term.source_forms(lang))
    for lang, forms in sorted(by_lang.items()):
        for (short, st), (long, lt) in ((x, y) for x in forms for y in forms):
            if st.id != lt.id and len(short) < len(long) and contains_form(long, short, lang):
                found.append(
                    Problem(
                        lt.file,
                        lt.line,
                        f"overlap ({lang}): '{short}' ({st.id}) is inside '{long}' ({lt.id}); "
                        "the longer form wins where both match",
                        error=False,
                    )
                )
    return found
