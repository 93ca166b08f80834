"""MP3 + ID3 + WebVTT from sentence speech: checked the way a player and ffprobe see them."""

from __future__ import annotations

import itertools
import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from ggmulti.speech.encode import (
    ENCODER_DELAY,
    GAP_SECONDS,
    MAX_CUE_SECONDS,
    SAMPLE_RATE,
    SpokenParagraph,
    SpokenSentence,
    Tags,
    encode_edition,
    iso639_2,
    split_cue,
)
from ggmulti.speech.espeak import EspeakEngine
from ggmulti.speech.voice import Speech

SENTENCES = [
    ["Tỉnh Gyeonggi tăng hỗ trợ cho trẻ em nước ngoài"],
    [
        "Tỉnh Gyeonggi sẽ tăng thêm 50.000 won vào khoản hỗ trợ hằng tháng.",
        "Chương trình bắt đầu từ tháng Mười.",
    ],
    ["Phụ huynh nộp đơn tại nhà trẻ <của mình> & nhận hỗ trợ."],
]
PARAGRAPHS = [" ".join(p) for p in SENTENCES]
TAGS = Tags(
    title="Tỉnh Gyeonggi tăng hỗ trợ cho trẻ em nước ngoài",
    artist="Gyeonggi Province",
    album="Gyeonggi Province press releases (Tiếng Việt)",
    lang="vi",
    date="2025-10-02",
)


def ffprobe(path: Path) -> dict[str, object]:
    out = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_format",
            "-show_streams",
            "-show_chapters",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data: dict[str, object] = json.loads(out)
    return data


def decode(path: Path) -> np.ndarray:  # type: ignore[type-arg]
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(SAMPLE_RATE), "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype="<i2").astype(np.float64)


def rms(samples: np.ndarray) -> float:  # type: ignore[type-arg]
    return float(np.sqrt(np.mean(samples**2))) if len(samples) else 0.0


@dataclass
class Encoded:
    path: Path
    vtt: str
    audio: object


@pytest.fixture(scope="module")
def spoken() -> list[SpokenParagraph]:
    with EspeakEngine() as engine, engine.session() as session:
        voice = session.voice("vi", "vi", 160)
        return [
            SpokenParagraph(
                " ".join(p), tuple(SpokenSentence(f"r:p{i}:s{j}", t, voice.speak(t)) for j, t in enumerate(p))
            )
            for i, p in enumerate(SENTENCES)
        ]


def _one(text: str, speech: Speech) -> SpokenParagraph:
    return SpokenParagraph(text, (SpokenSentence("k", text, speech),))


def _samples(paragraph: SpokenParagraph) -> int:
    return sum(s.speech.samples for s in paragraph.sentences)


@pytest.fixture(scope="module")
def encoded(spoken: list[SpokenParagraph], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Encoded]:
    audio = encode_edition(spoken, TAGS)
    path = tmp_path_factory.mktemp("mp3") / "edition.mp3"
    path.write_bytes(audio.mp3)
    yield Encoded(path, audio.vtt.decode("utf-8"), audio)


def test_ffprobe_shows_format_duration_language_and_one_chapter_per_paragraph(
    encoded: Encoded, spoken: list[SpokenParagraph]
) -> None:
    info = ffprobe(encoded.path)
    (stream,) = info["streams"]  # type: ignore[misc]
    assert stream["codec_name"] == "mp3" and stream["channels"] == 1
    assert stream["sample_rate"] == "22050" and stream["bit_rate"] == "40000"
    fmt = info["format"]
    assert isinstance(fmt, dict)
    expected = sum(_samples(p) for p in spoken) / SAMPLE_RATE + GAP_SECONDS * (len(spoken) - 1)
    assert abs(float(fmt["duration"]) - expected) < 0.2
    tags = fmt["tags"]
    assert tags["language"] == "vie"
    assert tags["title"] == TAGS.title and tags["artist"] == TAGS.artist and tags["album"] == TAGS.album
    assert tags["date"].startswith("2025")
    chapters = info["chapters"]
    assert isinstance(chapters, list) and len(chapters) == len(PARAGRAPHS)
    starts = [float(c["start_time"]) for c in chapters]
    assert starts == sorted(starts) and starts[0] == 0.0
    assert chapters[0]["tags"]["title"] == PARAGRAPHS[0]
    assert chapters[1]["tags"]["title"].startswith("1. Tỉnh Gyeonggi")
    assert float(chapters[-1]["end_time"]) <= float(fmt["duration"]) + 0.001


def test_id3_tags_transcript_and_table_of_contents(encoded: Encoded) -> None:
    id3 = ID3(encoded.path)
    assert id3.version[:2] == (2, 3)
    assert str(id3["TIT2"]) == TAGS.title
    assert str(id3["TPE1"]) == "Gyeonggi Province"
    assert str(id3["TALB"]) == TAGS.album
    assert str(id3["TLAN"]) == "vie"
    uslt = id3.getall("USLT")
    assert len(uslt) == 1 and uslt[0].lang == "vie"
    assert uslt[0].text == "\n\n".join(PARAGRAPHS)
    (toc,) = id3.getall("CTOC")
    chapters = {c.element_id: c for c in id3.getall("CHAP")}
    assert list(toc.child_element_ids) == [f"ch{i}" for i in range(len(PARAGRAPHS))]
    assert set(chapters) == set(toc.child_element_ids)
    assert MP3(encoded.path).info.sample_rate == SAMPLE_RATE


def test_audio_is_speech_and_the_gaps_are_silent(encoded: Encoded) -> None:
    samples = decode(encoded.path)
    assert rms(samples) > 500
    for chapter in encoded.audio.chapters[:-1]:  # type: ignore[attr-defined]
        gap = samples[chapter.speech_end + 600 : chapter.end - 600]  # clear of MP3 smearing
        assert len(gap) > 0.3 * SAMPLE_RATE
        assert rms(gap) < 20


def test_offsets_account_for_the_encoder_delay(tmp_path: Path) -> None:
    """A burst at a known place in paragraph 2 is heard where the chapter says it is."""
    silence = Speech(b"\0\0" * SAMPLE_RATE, SAMPLE_RATE)
    at = 5000
    burst = np.zeros(SAMPLE_RATE, dtype="<i2")
    burst[at : at + 2000] = (12000 * np.sin(np.arange(2000) * 2 * np.pi * 440 / SAMPLE_RATE)).astype("<i2")
    audio = encode_edition([_one("one", silence), _one("two", Speech(burst.tobytes(), SAMPLE_RATE))], TAGS)
    path = tmp_path / "burst.mp3"
    path.write_bytes(audio.mp3)
    samples = decode(path)
    heard = int(np.argmax(np.abs(samples) > 6000))
    expected = audio.chapters[1].speech_start + at
    assert audio.chapters[1].speech_start == SAMPLE_RATE + round(GAP_SECONDS * SAMPLE_RATE) + ENCODER_DELAY
    assert abs(heard - expected) < 40, (heard, expected)  # within 2 ms; without the delay it is off by 50 ms


def _seconds(timestamp: str) -> float:
    return sum(float(x) * m for x, m in zip(timestamp.split(":"), (3600, 60, 1), strict=True))


def _cues(vtt: str) -> list[tuple[str, float, float, str]]:
    blocks = vtt.strip().split("\n\n")
    assert blocks[0] == "WEBVTT"
    cues = []
    for block in blocks[1:]:
        ident, timing, body = block.split("\n")
        start, _, end = timing.partition(" --> ")
        cues.append((ident, _seconds(start), _seconds(end), body))
    return cues


def test_webvtt_has_one_cue_per_sentence_at_its_pcm_offsets(
    encoded: Encoded, spoken: list[SpokenParagraph]
) -> None:
    cues = _cues(encoded.vtt)
    sentences = [s for p in spoken for s in p.sentences]
    assert len(cues) == len(sentences) == sum(len(p) for p in SENTENCES)
    # Offsets from the PCM itself: the lengths of everything before each sentence, plus the gaps.
    at = 0
    expected = []
    for i, para in enumerate(spoken):
        at += round(GAP_SECONDS * SAMPLE_RATE) if i else 0
        for sentence in para.sentences:
            expected.append(
                (
                    (at + ENCODER_DELAY) / SAMPLE_RATE,
                    (at + sentence.speech.samples + ENCODER_DELAY) / SAMPLE_RATE,
                )
            )
            at += sentence.speech.samples
    previous_end = 0.0
    for (ident, start, end, body), sentence, (want_start, want_end), timing in zip(
        cues,
        sentences,
        expected,
        encoded.audio.timings,
        strict=True,  # type: ignore[attr-defined]
    ):
        assert ident == sentence.key == timing.key
        assert body == sentence.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert (timing.start, timing.end) == (want_start, want_end)
        assert abs(start - want_start) <= 0.0005 and abs(end - want_end) <= 0.0005
        assert previous_end <= start < end and end - start <= MAX_CUE_SECONDS
        previous_end = end
    # Sentences of a paragraph are contiguous; its chapter spans exactly its sentences.
    timings = encoded.audio.timings  # type: ignore[attr-defined]
    assert timings[1].end == timings[2].start
    chapter = encoded.audio.chapters[1]  # type: ignore[attr-defined]
    assert (chapter.speech_start / SAMPLE_RATE, chapter.speech_end / SAMPLE_RATE) == (
        timings[1].start,
        timings[2].end,
    )


def test_a_sentence_read_for_over_15_s_is_cut_at_clauses_in_proportion() -> None:
    text = (
        "Tỉnh Gyeonggi sẽ tăng hỗ trợ hằng tháng cho trẻ em nước ngoài, bắt đầu từ tháng Mười; "
        "phụ huynh nộp đơn tại nhà trẻ của mình và nhận hỗ trợ vào tài khoản ngân hàng"
    )
    cues = split_cue(text, 10.0, 40.0)
    assert [c.text for c in cues] == [
        "Tỉnh Gyeonggi sẽ tăng hỗ trợ hằng tháng cho trẻ em nước ngoài,",
        "bắt đầu từ tháng Mười;",
        "phụ huynh nộp đơn tại nhà trẻ của mình và nhận hỗ trợ vào tài khoản ngân hàng",
    ]
    assert cues[0].start == 10.0 and cues[-1].end == 40.0
    assert all(a.end == b.start for a, b in itertools.pairwise(cues))
    assert all(c.end - c.start <= MAX_CUE_SECONDS for c in cues)
    chars = len(text.replace(" ", ""))
    for cue in cues:  # each cue's share of the time is its share of the characters (spaces aside)
        assert abs((cue.end - cue.start) / 30.0 - len(cue.text.replace(" ", "")) / chars) < 1e-9
    # No clause punctuation: cut between words; no spaces either (Chinese): cut between characters.
    assert all(c.end - c.start <= MAX_CUE_SECONDS for c in split_cue("word " * 40, 0.0, 31.0))
    han = split_cue("京畿道将从十月起为外国儿童增加每月补助" * 2, 0.0, 20.0)
    assert len(han) == 2 and "".join(c.text for c in han) == "京畿道将从十月起为外国儿童增加每月补助" * 2
    assert (
        split_cue("Short.", 0.0, 15.0) == [split_cue("Short.", 0.0, 15.0)[0]]
        and len(split_cue("Short.", 0.0, 15.0)) == 1
    )


def test_a_long_sentence_gets_numbered_cues_within_15_s() -> None:
    text = "Gyeonggi Province, with its partners, will add support; parents apply at daycare centres"
    audio = encode_edition([_one(text, Speech(b"\0\0" * (SAMPLE_RATE * 20), SAMPLE_RATE))], TAGS)
    cues = _cues(audio.vtt.decode())
    assert [c[0] for c in cues] == ["k", "k.2"]
    assert " ".join(c[3] for c in cues) == text
    assert cues[0][1] == round(ENCODER_DELAY / SAMPLE_RATE, 3) and all(
        c[2] - c[1] <= MAX_CUE_SECONDS for c in cues
    )


def test_encoding_is_deterministic(spoken: list[SpokenParagraph], encoded: Encoded) -> None:
    again = encode_edition(spoken, TAGS)
    assert again.mp3 == encoded.path.read_bytes()
    assert again.vtt.decode() == encoded.vtt


def test_language_codes() -> None:
    assert [iso639_2(x) for x in ("vi", "zh-Hans", "hi", "en", "xx")] == ["vie", "zho", "hin", "eng", "und"]


def test_4000_paragraphs_are_grouped_into_the_255_chapters_id3_holds(tmp_path: Path) -> None:
    """A CTOC counts its children in one byte: beyond 255 paragraphs, chapters hold groups of them."""
    tone = Speech(b"\0\1" * (SAMPLE_RATE // 50), SAMPLE_RATE)  # 20 ms per paragraph
    paragraphs = [_one(f"Paragraph {n} of the release.", tone) for n in range(4000)]
    audio = encode_edition(paragraphs, TAGS)
    assert len(audio.chapters) == 4000  # captions and EPUB overlays keep every paragraph
    path = tmp_path / "long.mp3"
    path.write_bytes(audio.mp3)
    id3 = ID3(path)
    (toc,) = id3.getall("CTOC")
    chapters = sorted(id3.getall("CHAP"), key=lambda c: c.start_time)
    assert len(toc.child_element_ids) == len(chapters) == 250  # 4000 / ceil(4000 / 255) = 16 per chapter
    assert chapters[0].start_time == 0
    assert all(a.end_time == b.start_time for a, b in itertools.pairwise(chapters))  # no second left out
    assert chapters[-1].end_time == round(audio.chapters[-1].end * 1000 / SAMPLE_RATE)
    assert str(chapters[1].sub_frames["TIT2"]) == "16. Paragraph 16 of the release. (17-32)"
    assert id3.getall("USLT")[0].text.count("\n\n") == 3999  # the transcript keeps every paragraph
