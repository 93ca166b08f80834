"""Sentence audio -> one MP3 with ID3 tags and paragraph chapters, and a WebVTT transcript with a cue
per sentence.

Pure functions of their inputs (same speech, same bytes). Each sentence is synthesized on its own (its
audio ends with the voice's own pause, ~0.35 s for espeak-ng, so sentences are joined as they come), and
paragraphs are joined with 0.5 s of silence, so every sentence, chapter and cue offset is known exactly
from sample counts. LAME (through ``lameenc``) writes no LAME/Xing header, so decoders play its 1105
samples of start-up delay (576 encoder + 529 decoder); every offset is shifted by that delay to land where
a player hears the sentence (measured in tests).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import lameenc
import regex
from mutagen.id3 import (
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TDRC,
    TIT2,
    TLAN,
    TPE1,
    USLT,
    CTOCFlags,
)
from mutagen.id3._tags import save_frame

from .voice import Speech

SAMPLE_RATE = 22050
BITRATE_KBPS = 40  # mono speech at 22.05 kHz: ~300 KB a minute
QUALITY = 5  # LAME's algorithm quality (2 best, 7 fastest): 5 halves encode time, no audible loss for espeak
GAP_SECONDS = 0.5
MAX_CUE_SECONDS = 15.0  # longest caption cue; a longer sentence is split at clause boundaries
ENCODER_DELAY = 576 + 529  # samples of silence a decoder plays before the first input sample
MP3_TYPE = "audio/mpeg"
VTT_TYPE = "text/vtt"

# ID3 TLAN wants ISO 639-2 (terminology codes); the project uses ISO 639-1 codes.
ISO639_2 = {
    "bn": "ben",
    "en": "eng",
    "hi": "hin",
    "id": "ind",
    "ja": "jpn",
    "km": "khm",
    "ko": "kor",
    "lo": "lao",
    "mn": "mon",
    "my": "mya",
    "ne": "nep",
    "ru": "rus",
    "si": "sin",
    "th": "tha",
    "tl": "tgl",
    "uz": "uzb",
    "vi": "vie",
    "zh": "zho",
}


def iso639_2(lang: str) -> str:
    if lang == MULTIPLE:
        return MULTIPLE
    return ISO639_2.get(lang.split("-")[0].lower(), "und")


MULTIPLE = "mul"  # ISO 639-2: no one language speaks most of it


@dataclass(frozen=True)
class Chapter:
    """One spoken paragraph; offsets in samples of the decoded stream (encoder delay included)."""

    title: str  # what players show
    text: str  # the written paragraph: the transcript, not the spoken forms
    start: int  # chapter start (0 for the first, so the lead-in belongs to it)
    speech_start: int
    speech_end: int
    end: int  # start of the next chapter, or end of speech for the last


@dataclass(frozen=True)
class SpokenSentence:
    key: str  # the segment key ("r1:p0:s2"): ties the audio to the sentence in every format
    text: str  # as written (the cue and overlay text), not the spoken forms
    speech: Speech


@dataclass(frozen=True)
class SpokenParagraph:
    text: str  # the written paragraph (the chapter's transcript)
    sentences: tuple[SpokenSentence, ...]


@dataclass(frozen=True)
class SentenceTiming:
    """Where one sentence is heard in the MP3, in seconds of the decoded stream (encoder delay included).

    ``start``/``end`` are exact sample offsets divided by the sample rate; sentences of a paragraph
    are contiguous (each ends with its own pause)."""

    key: str
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Tags:
    title: str
    artist: str  # the publisher
    album: str  # e.g. "Gyeonggi Province press releases (Tiếng Việt)"
    lang: str  # ISO 639-1 or BCP 47; written as ISO 639-2
    date: str | None  # YYYY-MM-DD
    # What a listener is told about the text and the voice ("Machine translated. Read aloud by a
    # synthetic voice."), in the edition's language: the ID3 comment and a NOTE in the WebVTT.
    comment: str = ""


@dataclass(frozen=True)
class EncodedAudio:
    mp3: bytes
    vtt: bytes
    chapters: tuple[Chapter, ...]
    timings: tuple[SentenceTiming, ...]  # every sentence, in reading order (title first)
    seconds: float  # length of the speech, lead-in and gaps (without the encoder's trailing padding)


def _short(text: str, limit: int = 60) -> str:
    """A chapter title from a paragraph: whole words up to ``limit`` characters, then an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:，。、") + "…"


def assemble(
    paragraphs: Sequence[SpokenParagraph], preamble: Speech | None = None
) -> tuple[bytes, tuple[Chapter, ...], tuple[SentenceTiming, ...]]:
    """Join sentence audio, paragraphs apart by silence; the first paragraph's text is the chapter title.

    ``preamble``: a short notice said first (machine translation, synthetic voice), inside the first
    chapter and before the first cue: it is no sentence of the release."""
    if not paragraphs or not all(p.sentences for p in paragraphs):
        raise ValueError("nothing to assemble (a paragraph without sentences)")
    gap = b"\0\0" * round(GAP_SECONDS * SAMPLE_RATE)
    parts: list[bytes] = []
    spans: list[tuple[int, int]] = []
    timings: list[SentenceTiming] = []
    at = 0
    if preamble is not None:
        if preamble.sample_rate != SAMPLE_RATE:
            raise ValueError(f"notice: {preamble.sample_rate} Hz, {SAMPLE_RATE} Hz expected")
        parts += [preamble.pcm, gap]
        at += preamble.samples + len(gap) // 2
    for i, para in enumerate(paragraphs):
        if i:
            parts.append(gap)
            at += len(gap) // 2
        begin = at
        for sentence in para.sentences:
            speech = sentence.speech
            if speech.sample_rate != SAMPLE_RATE:
                raise ValueError(f"{sentence.key}: {speech.sample_rate} Hz, {SAMPLE_RATE} Hz expected")
            timings.append(
                SentenceTiming(
                    key=sentence.key,
                    text=sentence.text,
                    start=(at + ENCODER_DELAY) / SAMPLE_RATE,
                    end=(at + speech.samples + ENCODER_DELAY) / SAMPLE_RATE,
                )
            )
            parts.append(speech.pcm)
            at += speech.samples
        spans.append((begin, at))
    chapters = []
    for i, (para, (begin, finish)) in enumerate(zip(paragraphs, spans, strict=True)):
        following = spans[i + 1][0] if i + 1 < len(spans) else finish
        title = _short(para.text) if i == 0 else f"{i}. {_short(para.text)}"
        chapters.append(
            Chapter(
                title=title,
                text=" ".join(para.text.split()),
                start=0 if i == 0 else begin + ENCODER_DELAY,
                speech_start=begin + ENCODER_DELAY,
                speech_end=finish + ENCODER_DELAY,
                end=following + ENCODER_DELAY,
            )
        )
    return b"".join(parts), tuple(chapters), tuple(timings)


def encode_mp3(pcm: bytes) -> bytes:
    """CBR MP3, mono, 22.05 kHz (MPEG-2 layer III), no tags."""
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BITRATE_KBPS)
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_out_sample_rate(SAMPLE_RATE)
    encoder.set_channels(1)
    encoder.set_quality(QUALITY)
    encoder.silence()
    return bytes(encoder.encode(pcm)) + bytes(encoder.flush())


def _ms(samples: int) -> int:
    return round(samples * 1000 / SAMPLE_RATE)


class _ChapterOrderedID3(ID3):
    """mutagen writes frames ordered by size; readers that ignore CTOC (ffmpeg, so ffprobe) list CHAP
    frames in file order, so chapters are written last, in chapter order."""

    def _write(self, config: Any) -> bytearray:
        chapters = sorted(self.getall("CHAP"), key=lambda c: (c.start_time, c.element_id))
        self.delall("CHAP")
        try:
            head = bytearray(super()._write(config))
        finally:
            for chapter in chapters:
                self.add(chapter)
        return head + bytearray().join(save_frame(c, config=config) for c in chapters)


MAX_ID3_CHAPTERS = 255  # a CTOC frame counts its children in one byte


def id3_chapters(chapters: Sequence[Chapter], limit: int = MAX_ID3_CHAPTERS) -> tuple[Chapter, ...]:
    """The chapters as ID3 can list them: one per paragraph up to ``limit``, else per group of paragraphs.

    Groups are consecutive and as even as possible; a group is titled by its first paragraph and
    spans from its first start to its last end, so the table of contents still covers every second.
    """
    if len(chapters) <= limit:
        return tuple(chapters)
    size = -(-len(chapters) // limit)  # paragraphs per chapter, rounded up
    grouped = []
    for first in range(0, len(chapters), size):
        group = chapters[first : first + size]
        last = first + len(group)
        grouped.append(
            Chapter(
                title=f"{group[0].title} ({first + 1}-{last})" if len(group) > 1 else group[0].title,
                text=" ".join(c.text for c in group),
                start=group[0].start,
                speech_start=group[0].speech_start,
                speech_end=group[-1].speech_end,
                end=group[-1].end,
            )
        )
    return tuple(grouped)


def tag_mp3(mp3: bytes, tags: Tags, chapters: Sequence[Chapter]) -> bytes:
    """ID3v2.3 (the version most players read): title, artist, album, language, date, transcript, chapters."""
    lang = iso639_2(tags.lang)
    id3 = _ChapterOrderedID3()
    id3.add(TIT2(encoding=1, text=tags.title))
    id3.add(TPE1(encoding=1, text=tags.artist))
    id3.add(TALB(encoding=1, text=tags.album))
    id3.add(TLAN(encoding=1, text=lang))
    if tags.date:
        id3.add(TDRC(encoding=1, text=tags.date))
    if tags.comment:
        id3.add(COMM(encoding=1, lang=lang, desc="", text=tags.comment))
    transcript = "\n\n".join(c.text for c in chapters)
    id3.add(USLT(encoding=1, lang=lang, desc="", text=transcript))
    chapters = id3_chapters(chapters)
    ids = [f"ch{i}" for i in range(len(chapters))]
    id3.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=1, text=tags.title)],
        )
    )
    for element_id, chapter in zip(ids, chapters, strict=True):
        id3.add(
            CHAP(
                element_id=element_id,
                start_time=_ms(chapter.start),
                end_time=_ms(chapter.end),
                start_offset=0xFFFFFFFF,  # "use the times"
                end_offset=0xFFFFFFFF,
                sub_frames=[TIT2(encoding=1, text=chapter.title)],
            )
        )
    out = io.BytesIO(mp3)
    id3.save(out, v2_version=3, padding=lambda _info: 0)
    return out.getvalue()


def _timestamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    seconds_, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds_:02d}.{ms:03d}"


# Where a sentence may be cut for captions, best first: after clause punctuation, then between words.
_CLAUSE_END = regex.compile(r"(?<=[,;:，、；：–—])\s*|(?<=[)\]」』）])\s+|\s+(?=[(–—])")
_WORD_GAP = regex.compile(r"\s+")


def _cut(text: str) -> int | None:
    """The clause boundary nearest the middle of ``text`` (then a space, then the middle character)."""
    middle = len(text) / 2
    for pattern in (_CLAUSE_END, _WORD_GAP):
        cuts = [m.start() for m in pattern.finditer(text) if 0 < m.start() < len(text.rstrip())]
        if cuts:
            return min(cuts, key=lambda c: (abs(c - middle), c))
    return len(text) // 2 if len(text) > 1 else None


@dataclass(frozen=True)
class Cue:
    text: str
    start: float
    end: float


def _letters(text: str) -> int:
    return max(1, len(text) - sum(c.isspace() for c in text))


def split_cue(text: str, start: float, end: float, limit: float = MAX_CUE_SECONDS) -> list[Cue]:
    """A sentence longer than ``limit`` seconds as several cues cut at clause boundaries, each timed in
    proportion to its share of the characters, spaces aside (the voice's pace is close to even within a
    sentence)."""
    if end - start <= limit:
        return [Cue(text, start, end)]
    at = _cut(text)
    if at is None:
        return [Cue(text, start, end)]
    head, tail = text[:at].rstrip(), text[at:].lstrip()
    if not head or not tail:
        return [Cue(text, start, end)]
    weight = _letters(head), _letters(tail)
    middle = start + (end - start) * weight[0] / (weight[0] + weight[1])
    return split_cue(head, start, middle, limit) + split_cue(tail, middle, end, limit)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(timings: Sequence[SentenceTiming], note: str = "") -> bytes:
    """One cue per sentence, timed to its speech, identified by its segment key; the cue text is the
    written sentence. A sentence read for longer than 15 s becomes cues "KEY", "KEY.2", ...
    ``note``: what readers of the transcript are told about it (a NOTE block before the cues)."""
    lines = ["WEBVTT", ""]
    if note := " ".join(note.replace("-->", "->").split()):
        lines += [f"NOTE {note}", ""]
    for timing in timings:
        text = " ".join(timing.text.split())
        for n, cue in enumerate(split_cue(text, timing.start, timing.end), start=1):
            lines += [
                timing.key if n == 1 else f"{timing.key}.{n}",
                f"{_timestamp(cue.start)} --> {_timestamp(cue.end)}",
                _escape(cue.text),
                "",
            ]
    return "\n".join(lines).encode("utf-8")


def encode_edition(
    paragraphs: Sequence[SpokenParagraph], tags: Tags, preamble: Speech | None = None
) -> EncodedAudio:
    """Written paragraphs with the speech of each sentence (title first) -> tagged MP3 and WebVTT;
    ``preamble``: the spoken notice said before the title (its text is ``tags.comment``)."""
    pcm, chapters, timings = assemble(paragraphs, preamble)
    mp3 = tag_mp3(encode_mp3(pcm), tags, chapters)
    return EncodedAudio(
        mp3=mp3,
        vtt=webvtt(timings, tags.comment),
        chapters=chapters,
        timings=timings,
        seconds=(len(pcm) // 2) / SAMPLE_RATE,
    )


def mp3_seconds(data: bytes) -> float | None:
    """An MP3's playing time from its frames (None: not an MP3 mutagen can read)."""
    from mutagen.mp3 import MP3, HeaderNotFoundError

    try:
        info = MP3(io.BytesIO(data)).info
    except HeaderNotFoundError:
        return None
    return float(info.length) if info is not None else None
