"""templates/ui.yaml: every configured language has every string, in its own script, with en's placeholders."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import regex
import yaml

from ggmulti.config import DEFAULT_LANGUAGES, builtin_language
from ggmulti.glossary.check import SCRIPT_NAMES

UI = Path(__file__).resolve().parents[1] / "src" / "ggmulti" / "templates" / "ui.yaml"

# Latin words a non-Latin-script string may carry: file formats and names readers see in English anyway.
BRAND_WORDS = frozenset({"PDF", "MP3", "RSS", "EPUB", "WebVTT", "zip"})
LATIN_WORD = r"\p{Script=Latin}[\p{Script=Latin}0-9]*"

# ISO 15924 code -> Unicode script names its letters may use: the table glossary check uses.
SCRIPTS = SCRIPT_NAMES


def _ui() -> dict[str, dict[str, str]]:
    data = yaml.safe_load(UI.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _without_placeholders(text: str) -> str:
    return "".join(literal for literal, _, _, _ in string.Formatter().parse(text))


def _foreign_letters(text: str, script: str) -> list[str]:
    """Letters outside ``script``; Common/Inherited letters (e.g. Uzbek ʻ U+02BB) belong to no script."""
    own = "".join(rf"\p{{scx={name}}}" for name in SCRIPTS[script])
    pattern = regex.compile(rf"[^{own}\p{{Script=Common}}\p{{Script=Inherited}}]")
    return [ch for ch in text if regex.match(r"[\p{L}\p{M}]", ch) and pattern.match(ch)]


def _script(code: str) -> str:
    lang = builtin_language(code)
    assert lang is not None, code
    return lang.script


UI_DATA = _ui()
EN = UI_DATA["en"]


@pytest.mark.parametrize("code", DEFAULT_LANGUAGES)
def test_every_configured_language_has_every_key_of_english(code: str) -> None:
    strings = UI_DATA.get(code)
    assert isinstance(strings, dict), f"ui.yaml has no strings for {code}"
    assert sorted(set(EN) - set(strings)) == [], f"{code} lacks keys"
    assert sorted(set(strings) - set(EN)) == [], f"{code} has keys English lacks"
    assert all(isinstance(v, str) and v.strip() for v in strings.values()), code


@pytest.mark.parametrize("code", DEFAULT_LANGUAGES)
def test_placeholders_match_english(code: str) -> None:
    for key, text in UI_DATA[code].items():
        assert _placeholders(text) == _placeholders(EN[key]), f"{code}.{key}: {text!r}"
        # str.format must accept the string with exactly en's names (no stray or unbalanced braces).
        text.format(**dict.fromkeys(_placeholders(EN[key]), "X"))


@pytest.mark.parametrize("code", DEFAULT_LANGUAGES)
def test_letters_are_in_the_languages_script(code: str) -> None:
    script = _script(code)
    for key, text in UI_DATA[code].items():
        literal = _without_placeholders(text)
        if script != "Latn":
            latin_words = set(regex.findall(LATIN_WORD, literal))
            assert latin_words <= BRAND_WORDS, (
                f"{code}.{key}: Latin words {sorted(latin_words - BRAND_WORDS)}"
            )
            literal = regex.sub(LATIN_WORD, "", literal)
        assert _foreign_letters(literal, script) == [], f"{code}.{key} ({script}): {text!r}"


@pytest.mark.parametrize("code", [c for c in DEFAULT_LANGUAGES if _script(c) != "Latn"])
def test_non_latin_strings_are_not_left_in_english(code: str) -> None:
    for key, text in UI_DATA[code].items():
        assert text != EN[key], f"{code}.{key} is the English string"
        # Something beyond the brand words is written in the language's own script.
        assert regex.search(rf"\p{{scx={SCRIPTS[_script(code)][0]}}}", _without_placeholders(text)), (
            f"{code}.{key}: {text!r}"
        )


def test_new_native_blocks_are_marked_for_review() -> None:
    lines = UI.read_text(encoding="utf-8").splitlines()
    for code in ("hi", "lo", "th", "km", "mn", "ru", "uz", "ne", "tl", "id", "my", "ja"):
        at = lines.index(f"{code}:")
        assert lines[at - 1] == f"# review: native ({code})", code


def test_the_checks_catch_wrong_script_and_english_leftovers() -> None:
    # The script check is what stops a Cyrillic string in the Lao block or an English label in Khmer.
    assert _foreign_letters("Сонсох", "Laoo") == list("Сонсох")
    assert _foreign_letters("ຟັງ", "Laoo") == []
    assert _foreign_letters("聞く・カタカナ", "Jpan") == []
    assert _foreign_letters("聞く", "Hans") == ["く"]
    assert _foreign_letters("Oʻzbekcha", "Latn") == []
    assert _placeholders("Releases of {period}") == {"period"}
