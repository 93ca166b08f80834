"""A segment longer than the model's input window is split (clause marks first, then the token limit)
and translated whole: nothing silently cut off by CTranslate2's input or decoding limits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ggmulti.translate.argos import ArgosEngine
from ggmulti.translate.models import find_model
from ggmulti.translate.window import WINDOW, split_tokens

# One unpunctuated run of Chinese (a sentence of a press release with its marks removed), repeated.
RUN = "京畿道今天宣布将在水原市开设新的外国居民支援中心该中心每个工作日提供免费翻译法律咨询和韩语课程"


def chars(text: str) -> list[str]:
    return list(text)


@given(st.text(alphabet=st.sampled_from(list("ab ,，、;中文")), max_size=600), st.integers(3, 40))
def test_pieces_keep_every_token_in_order_within_the_window(text: str, window: int) -> None:
    pieces = split_tokens(text, chars(text), chars, window)
    assert all(0 < len(p) <= window for p in pieces) or not text
    assert [t for p in pieces for t in p] == list(text)


def test_cuts_fall_on_clause_marks_when_there_are_any() -> None:
    text = "甲" * 50 + "，" + "乙" * 50 + "、" + "丙" * 50
    pieces = split_tokens(text, chars(text), chars, 110)
    assert ["".join(p) for p in pieces] == ["甲" * 50 + "，" + "乙" * 50 + "、", "丙" * 50]


def test_a_clause_past_the_window_is_cut_at_the_token_limit() -> None:
    text = "甲" * 250
    assert [len(p) for p in split_tokens(text, chars(text), chars, 100)] == [100, 100, 50]


class Spy:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.inputs: list[int] = []

    def translate_batch(self, tokens: list[list[str]], **kwargs: Any) -> Any:
        self.inputs += [len(t) for t in tokens]
        return self.inner.translate_batch(tokens, **kwargs)


def test_an_unpunctuated_paragraph_past_the_window_is_translated_whole(zh_en_models_dir: Path) -> None:
    """1,500 characters with no mark: one decode would stop at 256 output tokens; here none is cut."""
    model = find_model("zh", "en", zh_en_models_dir)
    assert model is not None
    engine = ArgosEngine(model)
    engine._load()
    spy = Spy(engine._translator)
    engine._translator = spy
    paragraph = (RUN * 40)[:1500]
    (out,) = engine.translate([paragraph])
    tokens = len(engine.tokenize([paragraph])[0])
    assert len(spy.inputs) >= tokens // WINDOW  # every piece went to the model ...
    assert max(spy.inputs) <= WINDOW and sum(spy.inputs) >= tokens  # ... within the window, all of it
    words = out.split()
    assert len(words) > 2 * engine.options.max_decoding_length  # more than any single decode can give
    assert "Suwon" in out and out.count("Suwon") >= 10  # the whole run, not its first sentence
    assert engine.score(paragraph) is not None


@pytest.mark.parametrize("text", ["", "   "])
def test_blank_input_needs_no_model(text: str) -> None:
    assert split_tokens(text, chars(text), chars) == [list(text)]
