"""Sentence timings back from a published WebVTT transcript (the one speech/encode.py writes).

A bundle EPUB is made long after its editions were spoken: its read-aloud needs each release's sentence
offsets, and the transcript already holds them, one cue per sentence whose id is the segment key (a
sentence read for over 15 s split into cues "KEY", "KEY.2", ...; merged back here). Only that shape is
read; anything else is refused with the file's name, so a bundle never carries a wrong overlay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import TranscriptError
from .encode import SentenceTiming

_TIME = r"(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIME} --> {_TIME}(?:\s.*)?$")
MAX_BYTES = 10_000_000  # a transcript of several hours; more is not one of ours


@dataclass(frozen=True)
class _Cue:
    id: str
    start: float
    end: float
    text: str


def _seconds(hours: str | None, minutes: str, seconds: str, ms: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(ms) / 1000


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _cues(data: bytes, where: str) -> list[_Cue]:
    if len(data) > MAX_BYTES:
        raise TranscriptError(f"{where}: transcript is over {MAX_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TranscriptError(
            f"{where}: transcript is not UTF-8 ({exc.reason} at byte {exc.start})"
        ) from None
    blocks = re.split(r"\n{2,}", text.replace("\r\n", "\n").strip("\n"))
    header = blocks[0].lstrip("\ufeff")
    if header != "WEBVTT" and not header.startswith(("WEBVTT ", "WEBVTT\t", "WEBVTT\n")):
        raise TranscriptError(f"{where}: not a WebVTT file (no WEBVTT header)")
    cues = []
    for n, block in enumerate(blocks[1:], start=1):
        lines = block.split("\n")
        if lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        if len(lines) < 2 or "-->" in lines[0]:
            raise TranscriptError(f"{where}: cue {n} has no id (cue ids are the sentences' segment keys)")
        timing = _TIMING.match(lines[1])
        if timing is None:
            raise TranscriptError(f"{where}: cue {lines[0]!r}: timing line {lines[1][:60]!r} is not valid")
        g = timing.groups()
        start, end = _seconds(*g[:4]), _seconds(*g[4:])
        if end < start:
            raise TranscriptError(f"{where}: cue {lines[0]!r} ends before it starts")
        cues.append(_Cue(lines[0], start, end, _unescape(" ".join(lines[2:]))))
    return cues


def sentence_timings(data: bytes, where: str) -> tuple[SentenceTiming, ...]:
    """Each sentence's start and end as the transcript gives them, in its order, split cues merged.

    Times are to the millisecond the file states (the overlay's precision too); ``where`` names the file
    in errors (TranscriptError: not UTF-8, no header, a cue without id or timing, cues out of order).
    """
    timings: list[SentenceTiming] = []
    seen: set[str] = set()
    part = 1
    for cue in _cues(data, where):
        last = timings[-1] if timings else None
        if last is not None and cue.id == f"{last.key}.{part + 1}":
            part += 1
            timings[-1] = SentenceTiming(last.key, f"{last.text} {cue.text}", last.start, cue.end)
            continue
        if last is not None and cue.start < last.end - 0.0005:
            raise TranscriptError(f"{where}: cue {cue.id!r} starts before the cue before it ends")
        if cue.id in seen:
            raise TranscriptError(f"{where}: cue id {cue.id!r} appears twice")
        seen.add(cue.id)
        part = 1
        timings.append(SentenceTiming(cue.id, cue.text, cue.start, cue.end))
    return tuple(timings)
