"""`glossary suggest SOURCE...`: names and titles the sources use that the glossary does not pin yet.

Machine translation garbles names it has not been told about ("Kyoyo-do" for 京畿道), so maintainers add
them before a release is translated. Candidates in English sources are whole names as written: runs of
capitalised words ("Korea Frontiers Forum", "the Korea-U.S. Alliance": abbreviations with dots stay
whole), acronyms ("KOICA", "NVIDIA GTC 2026") and people with a title ("Governor Kim Dong-yeon"). A run
is split at "and" ("Boston and Washington" is two names); a run that holds a pinned name is offered
whole ("Director of Gyeonggi Province's Bio Industry Division"), never with the pinned name cut out.
Left out: sentence-initial words and counts ("Nine Korean"), placeholders ("Company E"), a title
alone ("President"), compound nouns ("Software-as-a-Service"), months, weekdays and language names
(CLDR), and abbreviations the text spells out in lower case ("artificial intelligence (AI)"): those
are words, not names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from ..model import Release, TermHit
from ..segment import segment_release
from .match import Matcher
from .model import Glossary

_TITLES = r"(?:Governor|Mayor|Minister|President|Director|Chairman|Chairwoman|Ambassador|Vice\s+Governor|Deputy\s+Mayor|Dr\.|Mr\.|Ms\.|Mrs\.)"
# A capitalised word: hyphenated parts stay ("Value-Up", "Asian-Oceanian", "K-Beauty", "Ki-byeong"), and so
# do abbreviations with dots ("U.S.", "Korea-U.S.", "D.C.").
_HYPHENS = r"(?:-[\p{L}0-9]+)*"
_WORD = (
    rf"(?:[A-Z][\p{{L}}'’]*{_HYPHENS}(?:\.[A-Z])+\.?"
    rf"|[A-Z][\p{{Ll}}'’]+{_HYPHENS}"
    rf"|[A-Z]{{2,}}[0-9]*(?:\.[A-Z]{{2,}})*{_HYPHENS}"
    rf"|[A-Z](?:-[\p{{L}}0-9]+)+"
    r"|&)"
)
_INNER = rf"(?:{_WORD}|of|and|for|the|de)"
_CANDIDATE = regex.compile(
    rf"\b(?:{_WORD}(?:\s+{_INNER})*\s+{_WORD}(?:\s+[0-9]{{4}})?"
    rf"|{_TITLES}\s+(?:[A-Z][\p{{Ll}}\-]+\s+){{0,2}}[A-Z][\p{{Ll}}\-]+"
    rf"|[A-Z]{{2,}}[A-Z0-9]*(?:-[A-Z0-9]+)*(?:\s+[0-9]{{4}})?)(?![\p{{L}}\-])"
)
# "and" between names splits them; after an adjective it is inside one ("Economic and Trade Associations").
_AND = regex.compile(r"(?<!(?:ic|al|ive|ary|ous))\s+and\s+")
_ABBREVIATION_END = regex.compile(r"(?:^|[\s\-])(?:[A-Z]\.){2,}$")
# A new sentence the segmenter kept inside an abbreviation's sentence ("Washington, D.C. He aims").
_NEW_SENTENCE = regex.compile(r"(?<=\.)\s+(?=(?:He|She|It|They|We|The|This|These|His|Her|Its|Their|A|An)\b)")
_FUNCTION = frozenset({"of", "and", "for", "the", "de", "&"})
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
    | {"the", "a", "an"}
)
_NUMBER_WORDS = frozenset(
    [
        "One",
        "Two",
        "Three",
        "Four",
        "Five",
        "Six",
        "Seven",
        "Eight",
        "Nine",
        "Ten",
        "Eleven",
        "Twelve",
        "Thirteen",
        "Fourteen",
        "Fifteen",
        "Sixteen",
        "Seventeen",
        "Eighteen",
        "Nineteen",
        "Twenty",
        "Thirty",
        "Forty",
        "Fifty",
        "Hundred",
        "Some",
        "About",
        "Over",
        "Nearly",
        "Around",
    ]
)


@dataclass(frozen=True)
class Suggestion:
    text: str
    count: int
    example: str  # a sentence it occurs in
    release: str  # the first release it occurs in


def _common_words() -> frozenset[str]:
    """English month, weekday and language names (CLDR): capitalised, but not names a glossary pins."""
    from babel import Locale

    en = Locale("en")
    words: set[str] = set(en.languages.values())
    for context in ("format", "stand-alone"):
        words |= set(en.months[context]["wide"].values()) | set(en.days[context]["wide"].values())
    return frozenset(words)


def _spelled_out(text: str) -> set[str]:
    """Acronyms the text expands in lower case: "artificial intelligence (AI)" -> AI (a word, not a name)."""
    found = set()
    for m in regex.finditer(r"((?:[a-z][\p{L}\-]*\s+){1,6})\(([A-Z]{2,6})\)", text):
        words, acronym = m.group(1).split(), m.group(2)
        initials = "".join(w[0] for w in words[-len(acronym) :]).upper()
        if initials == acronym:
            found.add(acronym)
    return found


def _trimmed(words: list[str]) -> list[str]:
    while words and (words[0] in _WEAK_START or words[0] in _NUMBER_WORDS):
        words = words[1:]
    while words and words[-1] in _FUNCTION:
        words = words[:-1]
    return words


def _sentence_starts(paragraph: str, sentences: Sequence[str]) -> set[int]:
    """Where sentences start; not after "U.S." (the segmenter may end one there mid-name)."""
    starts, at = {0}, 0
    for sentence in sentences:
        found = paragraph.find(sentence, at)
        if found >= 0:
            if not _ABBREVIATION_END.search(paragraph[:found].rstrip()):
                starts.add(found)
            at = found + len(sentence)
    return starts


def _parts(text: str, start: int, sentence_starts: set[int]) -> list[tuple[str, int]]:
    """A run split at "and" and at sentence starts ("Washington, D.C. He aims"), each part with its offset."""
    cuts = [(m.start(), m.end()) for m in _AND.finditer(text)]
    cuts += [(i - start, i - start) for i in sentence_starts if start < i < start + len(text)]
    out, at = [], 0
    for cut_start, cut_end in sorted(cuts):
        out.append((text[at:cut_start], start + at))
        at = cut_end
    out.append((text[at:], start + at))
    return [(part, offset) for part, offset in out if part.strip()]


def _candidate(
    part: str, start: int, hits: Sequence[TermHit], sentence_starts: set[int], skip: frozenset[str]
) -> str | None:
    """The name a part of a run stands for, or None when it is no name worth pinning."""
    words = part.split()
    lead = len(words)
    words = _trimmed(words)
    text = " ".join(words).rstrip("-")
    if not text:
        return None
    offset = start + part.find(words[0])
    trimmed_at_start = lead != len(words) and start in sentence_starts
    if len(words) == 1 and not text.isupper() and (offset in sentence_starts or trimmed_at_start):
        return None  # "Nine Korean organizations": a sentence-initial word, not a name
    if len(words) == 1 and regex.fullmatch(_TITLES, text):
        return None  # "President" alone
    if len(words) == 1 and regex.search(r"-(?:as|a|an|the|to|of|in|by)-", text):
        return None  # "Software-as-a-Service": a compound common noun
    if text in skip or regex.fullmatch(r"\p{Lu}[\p{L}\-]*s?\s+[A-Z]", text):
        return None  # a month or language; "Company E", "Companies A": placeholders
    end = offset + len(text)
    inside = [h for h in hits if h.start < end and h.end > offset]
    if inside:
        if len(inside) == 1 and inside[0].start <= offset and inside[0].end >= end:
            return None  # the pinned name itself
        left = part
        for h in inside:
            left = left.replace(h.surface, " ")
        rest = [w for w in left.split() if w not in _FUNCTION and w not in ("'s", "’s") and w[:1].isupper()]
        if not rest or all(regex.fullmatch(_TITLES, w) for w in rest):
            return None  # pinned names with only a title or "of" around them
    return text


def suggest(
    releases: Sequence[Release], glossary: Glossary, lang: str = "en", minimum: int = 1
) -> list[Suggestion]:
    """Candidates not covered by any glossary form, most frequent first (ties by text)."""
    from babel.numbers import list_currencies

    currencies = frozenset(list_currencies())  # "KRW 150,000": an amount, not a name
    matcher = Matcher(glossary, lang)
    mine = [r for r in releases if r.source_lang == lang]
    skip = _common_words() | currencies
    skip |= {a for r in mine for p in r.paragraphs for a in _spelled_out(p)}
    counts: dict[str, int] = {}
    first: dict[str, tuple[str, str]] = {}
    for release in mine:
        # Titles are in title case ("Brings USD 49 Million in Export Consultations"): bodies only.
        for paragraph, sentences in zip(release.paragraphs, segment_release(release), strict=False):
            texts = [s.text for s in sentences]
            starts = _sentence_starts(paragraph, texts) | {m.end() for m in _NEW_SENTENCE.finditer(paragraph)}
            hits = matcher.find(paragraph)
            for m in _CANDIDATE.finditer(paragraph):
                for part, at in _parts(m.group(), m.start(), starts):
                    text = _candidate(part, at, hits, starts, skip)
                    if text is None or (" " not in text and len(text) < 2):
                        continue
                    example = next((s for s in reversed(texts) if paragraph.find(s) <= at), paragraph)
                    counts[text] = counts.get(text, 0) + 1
                    first.setdefault(text, (example, release.id))
    return sorted(
        (Suggestion(t, n, *first[t]) for t, n in counts.items() if n >= minimum),
        key=lambda s: (-s.count, s.text),
    )
