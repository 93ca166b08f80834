"""Finding glossary terms in text: longest form first, case/space tolerant where the language allows."""

from __future__ import annotations

from typing import Any

import ahocorasick
import regex

from ..languages import traits
from ..model import TermHit
from .model import Glossary


def cased(lang: str) -> bool:
    """Forms match whatever the capitalisation in scripts with letter case (Latin, Cyrillic, ...)."""
    return traits(lang).cased


def unspaced(lang: str) -> bool:
    """Written without spaces between words: a term may sit anywhere inside a run of letters."""
    return not traits(lang).spaced


_EDGE = r"[\p{L}\p{N}\p{M}]"


def normalise(form: str, lang: str) -> str:
    collapsed = " ".join(form.split())
    return collapsed.casefold() if cased(lang) else collapsed


def _body(form: str, lang: str) -> str:
    """A form as a regex: whitespace-tolerant; English plurals belong to the hit ("Multicultural Centers")."""
    body = r"\s+".join(regex.escape(w) for w in form.split())
    if lang == "en" and form[-1:].isalpha() and not form[-1:].isupper():
        body += r"(?:e?s)?"
    return body


def _bounds(lang: str) -> tuple[str, str]:
    """What must not touch a form: letters in spaced scripts; a possessive stays outside ("Province's")."""
    if unspaced(lang):
        return "", ""
    if lang == "en":
        return rf"(?<!{_EDGE})", rf"(?=(?:['’]s)?(?!{_EDGE}))"
    return rf"(?<!{_EDGE})", rf"(?!{_EDGE})"


def form_pattern(form: str, lang: str) -> str:
    before, after = _bounds(lang)
    return f"{before}{_body(form, lang)}{after}"


def replace_form(text: str, old: str, new: str, lang: str) -> tuple[str, int]:
    """Every standing occurrence of ``old`` replaced by ``new``, whatever its case where case exists.

    An occurrence written capitalised (a sentence start, a title) gets ``new`` capitalised the same way,
    so "Tỉnh Gyeonggi ..." becomes "Tỉnh ..." even when the approved form starts in lowercase.
    """
    before, after = _bounds(lang)
    body = r"\s+".join(regex.escape(w) for w in old.split())
    is_cased = cased(lang)

    def put(m: regex.Match[str]) -> str:
        found = m.group(0)
        if is_cased and found[:1].isupper() and new[:1].islower():
            return new[0].upper() + new[1:]
        return new

    replaced, count = regex.subn(
        f"{before}{body}{after}", put, text, flags=regex.IGNORECASE if is_cased else 0
    )
    return replaced, count


def capitalised(text: str, lang: str) -> str:
    """A sentence or title start in a cased script begins with a capital letter."""
    if cased(lang) and text[:1].islower():
        return text[0].upper() + text[1:]
    return text


def contains_form(haystack: str, needle: str, lang: str) -> bool:
    if normalise(needle, lang).rstrip("s") not in normalise(haystack, lang):
        return False  # cheap test first: most pairs of forms share nothing
    flags = regex.IGNORECASE if cased(lang) else 0
    return regex.search(form_pattern(needle, lang), haystack, flags) is not None


# Pairs that regex's IGNORECASE matches although their case folds differ (Turkic i, two Greek letters
# written twice in Unicode, the st ligatures): folded to one letter so a candidate is never missed.
_FOLD_TOO = {"ı": "i", "İ": "i", "\u1fd3": "\u0390", "\u1fe3": "\u03b0", "\ufb06": "\ufb05"}


def _fold(char: str) -> str:
    """One character as one character, equal for any two that regex's IGNORECASE matches."""
    if char in _FOLD_TOO:
        return _FOLD_TOO[char]
    for folded in (char.casefold(), char.lower()):
        if len(folded) == 1:
            return folded
    return char


class Matcher:
    """All forms of one source language, found the way one alternation of them, longest first, finds them.

    At each position the first form (by length) that matches wins, and the scan goes on after it, so
    "Gyeonggi Province Centre for the Fourth Industrial Revolution" beats "Gyeonggi Province". One regex
    alternation of every form did exactly this but tried each form at each position (10,000 terms: seconds
    to compile, ~100 ms per English segment). An Aho-Corasick automaton over the forms, case-folded with
    spaces squeezed, now names the few forms that can start at a position, and only those forms' own
    patterns (the same body and boundaries) are tried there.
    """

    def __init__(self, glossary: Glossary, lang: str) -> None:
        self.lang = lang
        self._flags = regex.IGNORECASE if cased(lang) else 0
        forms: dict[str, tuple[str, str]] = {}  # normalised form -> (term id, form)
        for term in glossary.terms:
            for form in term.source_forms(lang):
                forms.setdefault(normalise(form, lang), (term.id, form))
        ordered = sorted(forms.values(), key=lambda item: (-len(item[1]), item[1]))
        self._ids = [term_id for term_id, _ in ordered]
        self._forms = [form for _, form in ordered]
        self._patterns: dict[int, regex.Pattern[str]] = {}
        self._chars: dict[str, str] = {}
        self._regex: regex.Pattern[str] | None = None
        self._automaton: Any = None
        keys = [self._squeeze(" ".join(form.split()))[0] for form in self._forms]
        if any(not key or key[0] == " " or key[-1] == " " for key in keys):
            # A blank form (refused by `glossary check`) matches everywhere: only the alternation says where.
            before, after = _bounds(lang)
            alternation = "|".join(f"(?P<t{i}>{_body(form, lang)})" for i, form in enumerate(self._forms))
            self._regex = regex.compile(f"{before}(?:{alternation}){after}", self._flags)
        elif keys:
            by_key: dict[str, list[int]] = {}
            for i, key in enumerate(keys):
                by_key.setdefault(key, []).append(i)
            self._automaton = ahocorasick.Automaton()
            for key, indexes in by_key.items():
                self._automaton.add_word(key, (len(key), indexes))
            self._automaton.make_automaton()

    def _char(self, char: str) -> str:
        out = self._chars.get(char)
        if out is None:
            spaced = char.isspace() or regex.match(r"\s", char) is not None
            out = " " if spaced else _fold(char) if self._flags else char
            self._chars[char] = out
        return out

    def _squeeze(self, text: str) -> tuple[str, list[int]]:
        """``text`` folded, every run of spaces one space, and where each kept character came from."""
        out: list[str] = []
        where: list[int] = []
        for i, char in enumerate(text):
            c = self._char(char)
            if c == " " and out and out[-1] == " ":
                continue
            out.append(c)
            where.append(i)
        return "".join(out), where

    def _pattern(self, i: int) -> regex.Pattern[str]:
        if i not in self._patterns:
            self._patterns[i] = regex.compile(form_pattern(self._forms[i], self.lang), self._flags)
        return self._patterns[i]

    def find(self, text: str) -> list[TermHit]:
        if self._regex is not None:
            return [
                TermHit(self._ids[int(str(m.lastgroup)[1:])], m.start(), m.end(), m.group())
                for m in self._regex.finditer(text)
            ]
        if self._automaton is None:
            return []
        squeezed, where = self._squeeze(text)
        starts: dict[int, list[int]] = {}
        for end, (length, indexes) in self._automaton.iter(squeezed):
            starts.setdefault(where[end - length + 1], []).extend(indexes)
        hits = []
        done = 0  # like finditer: the next hit starts where the last one ended
        for start in sorted(starts):
            if start < done:
                continue
            for i in sorted(starts[start]):
                m = self._pattern(i).match(text, start)
                if m is not None:
                    hits.append(TermHit(self._ids[i], m.start(), m.end(), m.group()))
                    done = m.end()
                    break
        return hits
