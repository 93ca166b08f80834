"""Reading sentence timings back from the WebVTT transcripts ggmulti publishes (bundle EPUBs need them)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ggmulti.errors import TranscriptError
from ggmulti.speech.encode import MAX_CUE_SECONDS, SentenceTiming, webvtt
from ggmulti.speech.vtt import sentence_timings

LONG = (
    "The province will also open counselling desks in every city hall, staffed by interpreters, "
    "and will send text messages in eleven languages to every registered family before the new term, "
    "so that no parent misses the application deadline."
)


def _timings(durations: list[float], texts: list[str] | None = None) -> list[SentenceTiming]:
    out, at = [], 0.05
    for n, seconds in enumerate(durations):
        text = texts[n] if texts else f"Sentence number {n} of the release."
        out.append(SentenceTiming(f"r-1:p{n // 3}:s{n % 3}", text, at, at + seconds))
        at += seconds + (0.5 if n % 3 == 2 else 0.0)
    return out


def test_a_transcript_gives_back_every_sentence_and_a_split_sentence_whole() -> None:
    timings = _timings([2.4, 31.7, 3.2, 1.9], [f"Title {LONG[:20]}", LONG, "Short one.", "Last & <best>."])
    data = webvtt(timings)
    assert b"\nr-1:p0:s1.2\n" in data and b"\nr-1:p0:s1.3\n" in data  # the long one is in three cues
    read = sentence_timings(data, "vi/r-1.vtt")
    assert [t.key for t in read] == [t.key for t in timings]
    for got, want in zip(read, timings, strict=True):
        assert abs(got.start - want.start) <= 0.0005 and abs(got.end - want.end) <= 0.0005
        assert got.text == " ".join(want.text.split())


@settings(derandomize=True, max_examples=60)
@given(st.lists(st.floats(min_value=0.2, max_value=3 * MAX_CUE_SECONDS), min_size=1, max_size=12))
def test_any_written_transcript_reads_back_to_its_times(durations: list[float]) -> None:
    timings = _timings(durations, [LONG] * len(durations))
    read = sentence_timings(webvtt(timings), "t.vtt")
    assert [(t.key, round(t.start, 3), round(t.end, 3)) for t in read] == [
        (t.key, round(t.start, 3), round(t.end, 3)) for t in timings
    ]


def test_hours_notes_and_crlf_are_read() -> None:
    data = b"WEBVTT\r\n\r\nNOTE made elsewhere\r\n\r\nk:p0:s0\r\n01:00:01.250 --> 01:00:02.500 align:start\r\nHi\r\n"
    assert sentence_timings(data, "t.vtt") == (SentenceTiming("k:p0:s0", "Hi", 3601.25, 3602.5),)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfeW", "t.vtt: transcript is not UTF-8"),
        (b"1\n00:00:00.000 --> 00:00:01.000\nHi\n", "t.vtt: not a WebVTT file"),
        (b"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHi\n", "t.vtt: cue 1 has no id"),
        (b"WEBVTT\n\nk\n00:00:00 --> 00:00:01.000\nHi\n", "t.vtt: cue 'k': timing line"),
        (b"WEBVTT\n\nk\n00:00:02.000 --> 00:00:01.000\nHi\n", "t.vtt: cue 'k' ends before it starts"),
        (
            b"WEBVTT\n\na\n00:00:00.000 --> 00:00:02.000\nA\n\nb\n00:00:01.000 --> 00:00:03.000\nB\n",
            "t.vtt: cue 'b' starts before the cue before it ends",
        ),
        (
            b"WEBVTT\n\na\n00:00:00.000 --> 00:00:01.000\nA\n\na\n00:00:01.000 --> 00:00:02.000\nA\n",
            "t.vtt: cue id 'a' appears twice",
        ),
        (b"WEBVTT\n" + b"x" * 10_000_001, "t.vtt: transcript is over"),
    ],
)
def test_what_is_not_one_of_our_transcripts_is_refused_by_name(data: bytes, message: str) -> None:
    with pytest.raises(TranscriptError) as caught:
        sentence_timings(data, "t.vtt")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
