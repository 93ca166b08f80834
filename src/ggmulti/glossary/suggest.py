"""`glossary suggest SOURCE...`: names and titles the sources use that the glossary does not pin yet.

Machine translation garbles names it has not been told about ("Kyoyo-do" for 京畿道), so maintainers add
them before a release is translated. Candidates in English sources: runs of capitalised words
("Korea Frontiers Forum"), acronyms ("KOICA", "ASOCIO 2025") and people with a title ("Governor Kim
Dong-yeon"); each with how often it occurs and one sentence to judge it by.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from ..model import Release
from ..segment import segment_release
from .match import Matcher
from .model import Glossary

_TITLES = r"(?:Governor|Mayor|Minister|President|Director|Chairman|Chairwoman|Ambassador|Vice\s+Governor|Deputy\s+Mayor|Dr\.|Mr\.|Ms\.|Mrs\.)"
_CAP = r"(?:[A-Z][\p{Ll}'’\-]+|[A-Z]{2,}[0-9]*|[A-Z]\.|of|and|for|the|de|&)"
# A run of capitalised words (function words inside allowed, not at either end), an acronym, or a title + name.
_CANDIDATE = regex.compile(
    rf"\b(?:{_TITLES}\s+(?:[A-Z][\p{{Ll}}\-]+\s+){{0,2}}[A-Z][\p{{Ll}}\-]+"
    rf"|[A-Z][\p{{L}}'’\-]*(?:\s+{_CAP})*\s+[A-Z][\p{{L}}'’\-]*(?:\s+[0-9]{{4}})?"
    rf"|\b[A-Z]{{2,}}[A-Z0-9\-]*(?:\s+[0-9]{{4}})?)\b"
)
_WEAK_START = frozenset(
    {
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "By",
        "This",
        "These",
        "Its",
        "His",
        "Her",
        "Their",
        "For",
        "And",
        "Of",
    }
)


@dataclass(frozen=True)
class Suggestion:
    text: str
    count: int
    example: str  # a sentence it occurs in
    release: str  # the first release it occurs in


def _trimmed(found: str) -> str:
    words = found.split()
    while words and words[0] in _WEAK_START:
        words.pop(0)
    while words and words[-1] in {"of", "and", "for", "the", "de", "&"}:
        words.pop()
    return " ".join(words)


def suggest(
    releases: Sequence[Release], glossary: Glossary, lang: str = "en", minimum: int = 1
) -> list[Suggestion]:
    """Candidates not covered by any glossary form, most frequent first (ties by text)."""
    from babel.numbers import list_currencies

    currencies = set(list_currencies())  # "KRW 150,000": an amount, not a name
    matcher = Matcher(glossary, lang)
    counts: dict[str, int] = {}
    first: dict[str, tuple[str, str]] = {}
    for release in releases:
        if release.source_lang != lang:
            continue
        # Titles are in title case ("Brings USD 49 Million in Export Consultations"): bodies only.
        sentences = [s for para in segment_release(release) for s in para]
        for seg in sentences:
            # Pinned names are blanked out first, so a run next to one ("Gyeonggi Province and the Korea
            # Frontiers Forum") still yields the unpinned part.
            text_left = seg.text
            for h in matcher.find(seg.text):
                text_left = text_left[: h.start] + " " * (h.end - h.start) + text_left[h.end :]
            for m in _CANDIDATE.finditer(text_left):
                text = _trimmed(m.group())
                if len(text) < 2 or (" " not in text and not text.isupper()) or text in currencies:
                    continue  # a single capitalised word is usually a sentence start, not a name
                if matcher.find(text):
                    continue
                counts[text] = counts.get(text, 0) + 1
                first.setdefault(text, (seg.text, release.id))
    return sorted(
        (Suggestion(t, n, *first[t]) for t, n in counts.items() if n >= minimum),
        key=lambda s: (-s.count, s.text),
    )
