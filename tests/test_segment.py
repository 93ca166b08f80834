"""Sentence splitting: stable, offline, and joining the sentences gives the paragraph back."""

from __future__ import annotations

import pytest

from ggmulti.model import TITLE_PARAGRAPH, Release
from ggmulti.segment import segment_release, split_sentences, title_segment


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Kim met Dr. Lee. They talked.", ["Mr. Kim met Dr. Lee.", "They talked."]),
        ("The U.S. team won. It was great.", ["The U.S. team won.", "It was great."]),
        ("Growth was 3.5 percent. Next year more.", ["Growth was 3.5 percent.", "Next year more."]),
        ('He said "Yes." Then he left.', ['He said "Yes."', "Then he left."]),
        ("Is it? Yes! It is.", ["Is it?", "Yes!", "It is."]),
        ("J. Smith spoke. Everyone listened.", ["J. Smith spoke.", "Everyone listened."]),
        ("On Oct. 1 the campaign began. It ended.", ["On Oct. 1 the campaign began.", "It ended."]),
        ("Sales rose (by 5%). Costs fell.", ["Sales rose (by 5%).", "Costs fell."]),
        ("No terminator at all", ["No terminator at all"]),
        ("  spaced   out.   Text  ", ["spaced out.", "Text"]),
        ("", []),
        ("   ", []),
    ],
)
def test_split_english(text: str, expected: list[str]) -> None:
    assert split_sentences(text, "en") == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("今天天气很好。我们去公园吧！好吗？", "zh", ["今天天气很好。", "我们去公园吧！", "好吗？"]),
        ("今日は晴れです。公園に行きましょう。", "ja", ["今日は晴れです。", "公園に行きましょう。"]),
        ("Привет. Как дела?", "ru", ["Привет.", "Как дела?"]),
        ("यह पहला वाक्य है। यह दूसरा है।", "hi", ["यह पहला वाक्य है।", "यह दूसरा है।"]),
    ],
)
def test_split_other_scripts(text: str, lang: str, expected: list[str]) -> None:
    assert split_sentences(text, lang) == expected


def test_joining_sentences_restores_the_paragraph() -> None:
    text = (
        "Governor Kim visited Boston on Oct. 28. He met Dr. Park at 3 p.m. The talks went well! Why? Trust."
    )
    assert " ".join(split_sentences(text, "en")) == text


def test_split_is_deterministic() -> None:
    text = "One. Two! Three? Four."
    assert all(split_sentences(text, "en") == split_sentences(text, "en") for _ in range(5))


def _release(*paragraphs: str) -> Release:
    return Release(
        id="r",
        title="A title. With a period",
        date=None,
        source_lang="en",
        paragraphs=paragraphs,
        source_ref="r.md",
    )


def test_segment_keys_are_stable_when_other_paragraphs_change() -> None:
    before = segment_release(_release("First one. First two.", "Second one. Second two."))
    after = segment_release(_release("First one changed entirely.", "Second one. Second two."))
    assert [s.key for s in before[1]] == [s.key for s in after[1]] == ["r:p1:s0", "r:p1:s1"]
    assert [s.text for s in before[1]] == [s.text for s in after[1]]
    assert [s.key for s in before[0]] == ["r:p0:s0", "r:p0:s1"]


def test_title_is_one_segment_never_split() -> None:
    seg = title_segment(_release("Body."))
    assert seg.paragraph == TITLE_PARAGRAPH
    assert seg.key == "r:title"
    assert seg.text == "A title. With a period"
