"""The languages ggmulti knows out of the box, and what their scripts mean for text handling.

Traits come from the ISO 15924 script, never from a list of language codes: a language added in
ggmulti.toml with script "Thai" or "Cyrl" behaves like the others written in it.
"""

from __future__ import annotations

from dataclasses import dataclass

# The province's community languages, plus English (the usual source) and a few scripts the PDF
# checks cover. A project's ggmulti.toml may override any field or add a language.
# Fields: English name, native name, BCP 47 tag, ISO 15924 script, Noto font family,
# espeak-ng voice id (None: espeak-ng has no voice for it), langdetect profile (None: none exists).
BUILTIN: dict[str, tuple[str, str, str, str, str, str | None, str | None]] = {
    "en": ("English", "English", "en", "Latn", "Noto Sans", "en", "en"),
    "vi": ("Vietnamese", "Tiếng Việt", "vi", "Latn", "Noto Sans", "vi", "vi"),
    "zh": ("Chinese (Simplified)", "简体中文", "zh-Hans", "Hans", "Noto Sans CJK SC", "cmn", "zh-cn"),
    "lo": ("Lao", "ພາສາລາວ", "lo", "Laoo", "Noto Sans Lao", None, None),
    "hi": ("Hindi", "हिन्दी", "hi", "Deva", "Noto Sans Devanagari", "hi", "hi"),
    "th": ("Thai", "ภาษาไทย", "th", "Thai", "Noto Sans Thai", "th", "th"),
    "km": ("Khmer", "ភាសាខ្មែរ", "km", "Khmr", "Noto Sans Khmer", None, None),
    "mn": ("Mongolian", "Монгол хэл", "mn", "Cyrl", "Noto Sans", None, None),
    "ru": ("Russian", "Русский", "ru", "Cyrl", "Noto Sans", "ru", "ru"),
    "uz": ("Uzbek", "Oʻzbekcha", "uz", "Latn", "Noto Sans", "uz", None),
    "ne": ("Nepali", "नेपाली", "ne", "Deva", "Noto Sans Devanagari", "ne", "ne"),
    "tl": ("Tagalog", "Tagalog", "tl", "Latn", "Noto Sans", None, "tl"),
    "id": ("Indonesian", "Bahasa Indonesia", "id", "Latn", "Noto Sans", "id", "id"),
    "my": ("Burmese", "မြန်မာဘာသာ", "my", "Mymr", "Noto Sans Myanmar", "my", None),
    "ja": ("Japanese", "日本語", "ja", "Jpan", "Noto Sans CJK JP", "ja", "ja"),
    "ko": ("Korean", "한국어", "ko", "Kore", "Noto Sans CJK KR", "ko", "ko"),
    "bn": ("Bengali", "বাংলা", "bn", "Beng", "Noto Sans Bengali", "bn", "bn"),
    "si": ("Sinhala", "සිංහල", "si", "Sinh", "Noto Sans Sinhala", "si", None),
}


# Scripts written without spaces between words: a word (or glossary name) may sit anywhere in a run.
_UNSPACED_WORDS = frozenset({"Hans", "Hant", "Jpan", "Laoo", "Thai", "Khmr", "Mymr"})
# Scripts whose sentences end with their own marks and follow each other without a space.
_UNSPACED_SENTENCES = frozenset({"Hans", "Hant", "Jpan", "Khmr", "Mymr", "Mong"})
# Scripts with upper and lower case.
_CASED = frozenset({"Latn", "Cyrl", "Grek", "Armn"})


# Scripts written right to left: pages, PDFs, EPUBs and bundle indexes get dir="rtl".
_RIGHT_TO_LEFT = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr", "Yezi"})


@dataclass(frozen=True)
class Traits:
    script: str  # ISO 15924, e.g. "Latn", "Laoo"

    @property
    def spaced(self) -> bool:
        """Words are separated by spaces (so a name must not touch letters on either side)."""
        return self.script not in _UNSPACED_WORDS

    @property
    def cased(self) -> bool:
        return self.script in _CASED

    @property
    def sentence_space(self) -> bool:
        """A space follows a sentence's final mark (not in Chinese, Japanese, Khmer, Burmese)."""
        return self.script not in _UNSPACED_SENTENCES

    @property
    def direction(self) -> str:
        """``rtl`` for scripts written right to left (Arabic for Urdu and Persian, Hebrew, ...), else ``ltr``."""
        return "rtl" if self.script in _RIGHT_TO_LEFT else "ltr"

    @property
    def word_joiner(self) -> str:
        return " " if self.spaced else ""


def traits(code: str) -> Traits:
    """Traits of a language code or tag ("zh", "mn-Mong"): an explicit script subtag wins, then the table.

    An unknown language is taken as spaced and uncased, the cautious reading for matching and joining.
    """
    parts = code.replace("_", "-").split("-")
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            return Traits(part.title())
    row = BUILTIN.get(parts[0].lower())
    return Traits(row[3] if row else "Zyyy")
