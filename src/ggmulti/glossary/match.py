"""Finding glossary terms in text: longest form first, case/space tolerant where the language allows."""

from __future__ import annotations

import regex

from ..model import TermHit
from .model import Glossary

# Written without spaces between words: a term may sit anywhere inside a run of letters.
UNSPACED = frozenset({"zh", "ja", "lo", "th", "km", "my"})
# Languages with letter case (Latin, Cyrillic): forms match whatever the capitalisation.
CASED = frozenset({"en", "vi", "ru", "uz", "id", "tl", "mn", "fr", "de", "es", "pt"})

_EDGE = r"[\p{L}\p{N}\p{M}]"


def normalise(form: str, lang: str) -> str:
    collapsed = " ".join(form.split())
    return collapsed.casefold() if lang in CASED else collapsed


def _body(form: str, lang: str) -> str:
    """A form as a regex: whitespace-tolerant; English plurals belong to the hit ("Multicultural Centers")."""
    body = r"\s+".join(regex.escape(w) for w in form.split())
    if lang == "en" and form[-1:].isalpha() and not form[-1:].isupper():
        body += r"(?:e?s)?"
    return body


def _bounds(lang: str) -> tuple[str, str]:
    """What must not touch a form: letters in spaced scripts; a possessive stays outside ("Province's")."""
    if lang in UNSPACED:
        return "", ""
    if lang == "en":
        return rf"(?<!{_EDGE})", rf"(?=(?:['’]s)?(?!{_EDGE}))"
    return rf"(?<!{_EDGE})", rf"(?!{_EDGE})"


def form_pattern(form: str, lang: str) -> str:
    before, after = _bounds(lang)
    return f"{before}{_body(form, lang)}{after}"


def contains_form(haystack: str, needle: str, lang: str) -> bool:
    if normalise(needle, lang).rstrip("s") not in normalise(haystack, lang):
        return False  # cheap test first: most pairs of forms share nothing
    flags = regex.IGNORECASE if lang in CASED else 0
    return regex.search(form_pattern(needle, lang), haystack, flags) is not None


class Matcher:
    """All forms of one source language compiled into one alternation, longest first.

    At each position the first alternative that matches wins, and alternatives are ordered by length,
    so "Gyeonggi Province Centre for the Fourth Industrial Revolution" beats "Gyeonggi Province".
    """

    def __init__(self, glossary: Glossary, lang: str) -> None:
        self.lang = lang
        forms: dict[str, tuple[str, str]] = {}  # normalised form -> (term id, form)
        for term in glossary.terms:
            for form in term.source_forms(lang):
                forms.setdefault(normalise(form, lang), (term.id, form))
        ordered = sorted(forms.values(), key=lambda item: (-len(item[1]), item[1]))
        self._ids = [term_id for term_id, _ in ordered]
        if ordered:
            # The boundaries are shared, so they stand outside the alternation: tested once per position.
            before, after = _bounds(lang)
            alternation = "|".join(f"(?P<t{i}>{_body(form, lang)})" for i, (_, form) in enumerate(ordered))
            self._regex: regex.Pattern[str] | None = regex.compile(
                f"{before}(?:{alternation}){after}", regex.IGNORECASE if lang in CASED else 0
            )
        else:
            self._regex = None

    def find(self, text: str) -> list[TermHit]:
        if self._regex is None:
            return []
        hits = []
        for m in self._regex.finditer(text):
            group = m.lastgroup
            assert group is not None
            hits.append(TermHit(self._ids[int(group[1:])], m.start(), m.end(), m.group()))
        return hits
