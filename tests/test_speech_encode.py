"""MP3 + ID3 + WebVTT from paragraph speech: checked the way a player and ffprobe see them."""

from __future__ import annotations

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
    SAMPLE_RATE,
    Tags,
    encode_edition,
    iso639_2,
)
from ggmulti.speech.espeak import EspeakEngine
from ggmulti.speech.voice import Speech

PARAGRAPHS = [
    "Tỉnh Gyeonggi tăng hỗ trợ cho trẻ em nước ngoài",
    "Tỉnh Gyeonggi sẽ tăng thêm 50.000 won vào khoản hỗ trợ hằng tháng.",
    "Phụ huynh nộp đơn tại nhà trẻ <của mình> & nhận hỗ trợ.",
]
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
def spoken() -> list[tuple[str, Speech]]:
    with EspeakEngine() as engine, engine.session() as session:
        voice = session.voice("vi", "vi", 160)
        return [(p, voice.speak(p)) for p in PARAGRAPHS]


@pytest.fixture(scope="module")
def encoded(spoken: list[tuple[str, Speech]], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Encoded]:
    audio = encode_edition(spoken, TAGS)
    path = tmp_path_factory.mktemp("mp3") / "edition.mp3"
    path.write_bytes(audio.mp3)
    yield Encoded(path, audio.vtt.decode("utf-8"), audio)


def test_ffprobe_shows_format_duration_language_and_one_chapter_per_paragraph(
    encoded: Encoded, spoken: list[tuple[str, Speech]]
) -> None:
    info = ffprobe(encoded.path)
    (stream,) = info["streams"]  # type: ignore[misc]
    assert stream["codec_name"] == "mp3" and stream["channels"] == 1
    assert stream["sample_rate"] == "22050" and stream["bit_rate"] == "40000"
    fmt = info["format"]
    assert isinstance(fmt, dict)
    expected = sum(s.seconds for _, s in spoken) + GAP_SECONDS * (len(spoken) - 1)
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
    audio = encode_edition([("one", silence), ("two", Speech(burst.tobytes(), SAMPLE_RATE))], TAGS)
    path = tmp_path / "burst.mp3"
    path.write_bytes(audio.mp3)
    samples = decode(path)
    heard = int(np.argmax(np.abs(samples) > 6000))
    expected = audio.chapters[1].speech_start + at
    assert audio.chapters[1].speech_start == SAMPLE_RATE + round(GAP_SECONDS * SAMPLE_RATE) + ENCODER_DELAY
    assert abs(heard - expected) < 40, (heard, expected)  # within 2 ms; without the delay it is off by 50 ms


def test_webvtt_has_one_cue_per_paragraph_timed_to_its_speech(encoded: Encoded) -> None:
    blocks = encoded.vtt.strip().split("\n\n")
    assert blocks[0] == "WEBVTT"
    cues = blocks[1:]
    assert len(cues) == len(PARAGRAPHS)
    chapters = encoded.audio.chapters  # type: ignore[attr-defined]
    previous_end = 0.0
    for i, (cue, text, chapter) in enumerate(zip(cues, PARAGRAPHS, chapters, strict=True), start=1):
        ident, timing, body = cue.split("\n")
        assert ident == str(i)
        start, _, end = timing.partition(" --> ")
        seconds = [
            sum(float(x) * m for x, m in zip(t.split(":"), (3600, 60, 1), strict=True)) for t in (start, end)
        ]
        assert abs(seconds[0] - chapter.speech_start / SAMPLE_RATE) < 0.001
        assert abs(seconds[1] - chapter.speech_end / SAMPLE_RATE) < 0.001
        assert previous_end <= seconds[0] < seconds[1]
        previous_end = seconds[1]
        assert body == text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_encoding_is_deterministic(spoken: list[tuple[str, Speech]], encoded: Encoded) -> None:
    again = encode_edition(spoken, TAGS)
    assert again.mp3 == encoded.path.read_bytes()
    assert again.vtt.decode() == encoded.vtt


def test_language_codes() -> None:
    assert [iso639_2(x) for x in ("vi", "zh-Hans", "hi", "en", "xx")] == ["vie", "zho", "hin", "eng", "und"]
