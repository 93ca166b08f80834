"""What gets spoken: glossary spoken forms, each language by its own voice, no voice -> a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from ggmulti.config import load_config
from ggmulti.glossary.load import load_glossary
from ggmulti.model import Origin, Release, Segment, TranslatedRelease, TranslatedSegment
from ggmulti.segment import join_sentences
from ggmulti.speech.espeak import EspeakEngine
from ggmulti.speech.stage import NoAudio, SpokenEdition, SpokenForms, speak_editions

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = load_glossary(ROOT / "glossary")


def test_spoken_forms_replace_approved_forms() -> None:
    en = SpokenForms(GLOSSARY, "en", "en")
    assert en.apply("KOICA and Gyeonggi Province's WEF plan") == "Koika and Gyeong-gi Province's W E F plan"
    vi = SpokenForms(GLOSSARY, "en", "vi")  # KOICA is kept as written in every language (dnt)
    assert vi.apply("Tỉnh Gyeonggi hợp tác với KOICA.") == "Tỉnh Gyeonggi hợp tác với Koika."
    hi = SpokenForms(GLOSSARY, "en", "hi")
    assert hi.apply("KOICA और WEF") == "कोइका और डब्ल्यू ई एफ"
    zh = SpokenForms(GLOSSARY, "en", "zh")  # no spoken forms for Chinese: text unchanged
    assert zh.apply("京畿道与韩国国际协力团合作。") == "京畿道与韩国国际协力团合作。"


def test_sentences_are_joined_as_written() -> None:
    assert join_sentences(["Xin chào.", "Tạm biệt."]) == "Xin chào. Tạm biệt."
    assert join_sentences(["京畿道表示。", "金东兖说。"]) == "京畿道表示。金东兖说。"


def _segment(
    release: str, paragraph: int, index: int, text: str, lang: str, origin: Origin
) -> TranslatedSegment:
    return TranslatedSegment(Segment(release, paragraph, index, "source"), text, lang, origin)


def _edition(lang: str, paragraphs: list[list[tuple[str, str]]]) -> TranslatedRelease:
    release = Release("r1", "Title", "2025-10-02", "en", ("p",), "test")
    title = _segment("r1", -1, 0, paragraphs[0][0][0], paragraphs[0][0][1], Origin.MEMORY)
    paras = tuple(
        tuple(
            _segment("r1", p, i, text, seg_lang, Origin.MEMORY if seg_lang == lang else Origin.UNTRANSLATED)
            for i, (text, seg_lang) in enumerate(para)
        )
        for p, para in enumerate(paragraphs[1:])
    )
    return TranslatedRelease(release, lang, title, paras)


@pytest.fixture(scope="module")
def engine() -> EspeakEngine:
    return EspeakEngine()


def test_a_partial_edition_reads_untranslated_sentences_with_their_own_voice(engine: EspeakEngine) -> None:
    config = load_config(ROOT / "ggmulti.toml")
    vi = _edition("vi", [[("Tiêu đề", "vi")], [("Xin chào.", "vi"), ("KOICA helps.", "en")]])
    lo = _edition("lo", [[("ຫົວຂໍ້", "lo")], [("ສະບາຍດີ.", "lo")]])
    th_partial = _edition("vi", [[("Tiêu đề", "vi")], [("Xin chào.", "vi"), ("สวัสดี", "th")]])
    th_partial = TranslatedRelease(
        Release("r2", "T", None, "en", ("p",), "test"), "vi", th_partial.title, th_partial.paragraphs
    )
    with engine:
        out = speak_editions(config, GLOSSARY, [vi, lo, th_partial], engine)
    spoken = out[("r1", "vi")]
    assert isinstance(spoken, SpokenEdition)
    assert [v.split()[2] for v in spoken.voices] == ["gmw/en,", "aav/vi,"]  # "espeak-ng 1.52.0 ID, rate N"
    assert [c.text for c in spoken.audio.chapters] == ["Tiêu đề", "Xin chào. KOICA helps."]
    # Each sentence is read on its own: its key, written text and place in the MP3 are known exactly.
    timings = spoken.timings
    assert [(t.key, t.text) for t in timings] == [
        ("r1:title", "Tiêu đề"),
        ("r1:p0:s0", "Xin chào."),
        ("r1:p0:s1", "KOICA helps."),
    ]
    assert timings[1].end == timings[2].start and all(t.start < t.end for t in timings)
    second = spoken.audio.chapters[1]
    assert (timings[1].start, timings[2].end) == (second.speech_start / 22050, second.speech_end / 22050)
    cues = spoken.audio.vtt.decode().split("\n\n")[1:]
    assert [c.split("\n")[0] for c in cues if c] == [t.key for t in timings]
    assert cues[2].split("\n")[2] == "KOICA helps."  # the cue shows the written form, not "Koika"
    assert out[("r1", "lo")] == NoAudio("no audio: no espeak-ng voice exists for Lao (lo)")
    reason = out[("r2", "vi")]
    assert isinstance(reason, NoAudio) and "Thai (th) is not used" in reason.reason
