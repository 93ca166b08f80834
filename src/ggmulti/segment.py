"""Offline sentence splitting per language: no model download, stable output for the same text.

Segments are the unit of translation memory and caching, so the rules favour stability over
cleverness: a sentence ends at a terminator followed by space and a plausible sentence start,
except after a known abbreviation or an initial.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import regex

from .languages import traits
from .model import TITLE_PARAGRAPH, Release, Segment, TranslatedSegment

# Abbreviations that end with a period but rarely end a sentence in press releases.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gov",
        "sen",
        "rep",
        "st",
        "jr",
        "sr",
        "co",
        "corp",
        "inc",
        "ltd",
        "no",
        "vs",
        "etc",
        "approx",
        "dept",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "d.c",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
    ]
)

# Latin, Cyrillic, Devanagari, ...: terminator + closing quotes/brackets, then whitespace.
_SPACED_END = re.compile(r"""([.!?।॥][\"'”’)\]]*)(\s+)(?=[\"'“‘(\[]?[^\s\"'“‘(\[])""")
# Scripts that end sentences with their own marks and need no following space.
_UNSPACED_END = re.compile(r"([。！？!?；]|[។៕]|[။]|[᠃])([”’」』）)]*)")


# No space after full-width punctuation, nor between two Han/kana characters (Chinese, Japanese).
_FULL_STOP = regex.compile(r"[\u3000-\u303f\uff01-\uff0f\uff1a-\uff1f]$")
_CLOSE_UP = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\u3000-\u303f\uff00-\uffef]")


def separator(before: str, after: str) -> str:
    """What goes between two sentences of a paragraph as written: a space, or nothing in Chinese text."""
    if not before or not after:
        return ""
    if _FULL_STOP.search(before) or (_CLOSE_UP.match(before[-1]) and _CLOSE_UP.match(after[0])):
        return ""
    return " "


def join_sentences(texts: Sequence[str]) -> str:
    """Sentences of one paragraph as written (the inverse of split_sentences, whatever the language)."""
    out = ""
    for text in texts:
        out += separator(out, text) + text
    return out


def lead_paragraph(paragraphs: Sequence[Sequence[TranslatedSegment]]) -> str:
    """The first paragraph as published: what feeds, search engines and link previews show."""
    return join_sentences([s.text for s in paragraphs[0]]) if paragraphs else ""


def _is_abbreviation(before: str) -> bool:
    word = re.split(r"\s", before)[-1].rstrip(".").lower().lstrip("(\"'“‘")
    if not word:
        return False
    if word in _ABBREVIATIONS:
        return True
    # Initials such as "J." in "J. Smith", and dotted acronyms such as "U.S." or "D.C."
    return (len(word) == 1 and word.isalpha()) or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))


def split_sentences(text: str, lang: str) -> list[str]:
    """Split one paragraph into sentences; joining them with single spaces restores the paragraph."""
    text = " ".join(text.split())
    if not text:
        return []
    if not traits(lang).sentence_space:
        parts = [p.strip() for p in _UNSPACED_END.sub(lambda m: m.group(0) + "\n", text).split("\n")]
        return [p for p in parts if p]
    sentences: list[str] = []
    start = 0
    for m in _SPACED_END.finditer(text):
        end = m.end(1)
        candidate = text[start:end]
        following = text[m.end() : m.end() + 1]
        if m.group(1).startswith(".") and (_is_abbreviation(candidate) or following.islower()):
            continue
        sentences.append(candidate.strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def segment_release(release: Release) -> list[list[Segment]]:
    """Segments per paragraph, with keys that stay put when other paragraphs change."""
    return [
        [
            Segment(release_id=release.id, paragraph=p, index=i, text=s)
            for i, s in enumerate(split_sentences(para, release.source_lang))
        ]
        for p, para in enumerate(release.paragraphs)
    ]


def title_segment(release: Release) -> Segment:
    """The title travels as one segment of its own (never split: titles have no full stop)."""
    return Segment(release_id=release.id, paragraph=TITLE_PARAGRAPH, index=0, text=release.title)
