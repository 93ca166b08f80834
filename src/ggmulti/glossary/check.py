"""`glossary check`: problems that span entries and files (the schema itself is checked in load.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import ahocorasick
import regex

from .match import cased, form_pattern, normalise
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


def _latin_words(term: Term, latin: regex.Pattern[str]) -> set[str]:
    """Latin words a non-Latin form may keep verbatim: brand names and acronyms from a Latin-script form."""
    words: set[str] = set()
    for form in term.forms.values():
        words.update(w.casefold() for w in latin.findall(form))
    return words


@dataclass(frozen=True)
class _Script:
    """One language's script rule, compiled once per check rather than once per form."""

    name: str  # ISO 15924, as configured
    latin: bool  # Latin among its scripts: no form needs an own letter, and no Latin word is foreign
    own: regex.Pattern[str]
    foreign: regex.Pattern[str]  # runs of letters of any other script
    latin_word: regex.Pattern[str]


def _scripts(scripts: dict[str, str]) -> dict[str, _Script]:
    rules = {}
    latin_word = regex.compile(r"\p{Latin}+")
    for lang, code in scripts.items():
        allowed = SCRIPT_NAMES.get(code, ())
        if allowed:
            own = "|".join(rf"\p{{Script={name}}}" for name in allowed)
            foreign = regex.compile(rf"(?:(?!{own})\p{{L}})+")
            rules[lang] = _Script(code, "Latin" in allowed, regex.compile(own), foreign, latin_word)
    return rules


def script_problems(term: Term, rules: dict[str, _Script]) -> list[Problem]:
    """A form whose letters are in the wrong script for its language (e.g. Latin letters in a Lao form)."""
    problems = []
    latin_words: set[str] | None = None
    for lang, forms in [(lang, (form, *term.variants.get(lang, ()))) for lang, form in term.forms.items()]:
        rule = rules.get(lang)
        if rule is None:
            continue
        for form in forms:
            if not rule.latin and not rule.own.search(form):
                problems.append(
                    Problem(
                        term.file,
                        term.line,
                        f"{term.id}: {lang} form {form!r} has no letter of the {rule.name} script",
                    )
                )
                continue
            bad = []
            for w in rule.foreign.findall(form):
                if not rule.latin and lang != "en" and rule.latin_word.fullmatch(w):
                    if latin_words is None:
                        latin_words = _latin_words(term, rule.latin_word)
                    if w.casefold() in latin_words:
                        continue
                bad.append(w)
            if bad:
                problems.append(
                    Problem(
                        term.file,
                        term.line,
                        f"{term.id}: {lang} form {form!r} has letters outside the "
                        f"{rule.name} script: {', '.join(repr(b) for b in bad)}",
                    )
                )
    return problems


@dataclass(frozen=True)
class _Visibility:
    shown: regex.Pattern[str]  # a letter or digit that shows on the page
    edge: regex.Pattern[str]  # an invisible character at either end


def _visibility() -> _Visibility:
    invisible = r"[\p{Cc}\p{Cf}\p{Z}\p{Default_Ignorable_Code_Point}]"
    return _Visibility(
        regex.compile(r"(?!\p{Default_Ignorable_Code_Point})[\p{L}\p{N}]"),
        regex.compile(rf"\A{invisible}|{invisible}\Z"),
    )


def _invisible(form: str, visibility: _Visibility) -> str | None:
    """Why a form cannot be a term: nothing in it shows (U+200B, ZWJ, punctuation), or it hides its ends.

    Such a form never matches what a reader sees, and one made of format characters only would match
    between the letters of every text.
    """
    if not visibility.shown.search(form):
        codes = " ".join(f"U+{ord(c):04X}" for c in form[:8]) + (" ..." if len(form) > 8 else "")
        return f"has no visible letter or digit ({codes})"
    edge = visibility.edge.search(form.strip())
    if edge is not None:
        return f"starts or ends with an invisible character (U+{ord(edge.group()):04X})"
    return None


def consistency_problems(glossary: Glossary, scripts: dict[str, str] | None = None) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, Term] = {}
    rules = _scripts(scripts or {})
    visibility = _visibility()
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
                elif (why := _invisible(form, visibility)) is not None:
                    problems.append(Problem(term.file, term.line, f"{term.id}: {lang} form {form!r} {why}"))
        for lang, form in term.spoken.items():
            if form.strip() and (why := _invisible(form, visibility)) is not None:
                problems.append(
                    Problem(term.file, term.line, f"{term.id}: spoken {lang} form {form!r} {why}")
                )
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
        if rules:
            problems.extend(script_problems(term, rules))

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


def _contained(forms: list[tuple[str, Term]], lang: str) -> dict[int, list[int]]:
    """For each form (by index), the forms it may lie inside, in order: never every pair.

    The candidates are exactly the pairs that pass `contains_form`'s own cheap test (the shorter normalised
    form, less a trailing "s", is a substring of the longer one), found with one Aho-Corasick automaton
    over the language's forms, so the cost follows the number of such pairs, not the square of the forms.
    """
    keys = [normalise(form, lang).rstrip("s") for form, _ in forms]
    owners: dict[str, list[int]] = defaultdict(list)
    anywhere: list[int] = []  # an empty key ("s", or a blank form) is inside every form
    for i, key in enumerate(keys):
        (owners[key] if key else anywhere).append(i)
    automaton = ahocorasick.Automaton()
    for key, indexes in owners.items():
        automaton.add_word(key, indexes)
    if owners:
        automaton.make_automaton()
    inside: dict[int, list[int]] = defaultdict(list)
    for j, (form, _) in enumerate(forms):
        found: dict[int, None] = {}
        if owners:
            for _, indexes in automaton.iter(normalise(form, lang)):
                found.update(dict.fromkeys(indexes))
        for i in (*found, *anywhere):
            inside[i].append(j)
    return inside


def overlaps(glossary: Glossary) -> list[Problem]:
    """Forms inside other forms of the same language: reported, and the longer one wins when matching."""
    found: list[Problem] = []
    by_lang: dict[str, list[tuple[str, Term]]] = defaultdict(list)
    for term in glossary.terms:
        for lang in set(term.forms) | set(term.variants):
            by_lang[lang].extend((f, term) for f in term.source_forms(lang))
    for lang, forms in sorted(by_lang.items()):
        flags = regex.IGNORECASE if cased(lang) else 0
        for i, longer in sorted(_contained(forms, lang).items()):
            short, st = forms[i]
            pattern: regex.Pattern[str] | None = None
            for j in longer:
                long, lt = forms[j]
                if st.id == lt.id or len(short) >= len(long):
                    continue
                # contains_form without its cheap test, which every candidate has passed
                if pattern is None:
                    pattern = regex.compile(form_pattern(short, lang), flags)
                if pattern.search(long) is not None:
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
