"""Per-language unit words (hours, days, months, years, percent, people, won) from CLDR, via Babel.

"24 hours", "24 giờ", "24小时", "24 घंटे" are a count of 24 with a unit, not a clock time: the QA
extractor reads "number + unit word" first, so the clock-time reader never sees "24 giờ". The words
come from CLDR's unit patterns ("{0} tiếng", "{0}/giờ", "{0}小时", "{0} घंटे"), its currency names
for KRW, and, for people (CLDR has no such unit), the short table below.
"""

from __future__ import annotations

import regex
from babel import Locale
from babel.core import UnknownLocaleError

# CLDR unit keys per unit; "-person" variants are ages ("{0} years old" in some locales).
CLDR_UNITS: dict[str, tuple[str, ...]] = {
    "minute": ("duration-minute",),
    "hour": ("duration-hour",),
    "day": ("duration-day", "duration-day-person"),
    "week": ("duration-week", "duration-week-person"),
    "month": ("duration-month", "duration-month-person"),
    "year": ("duration-year", "duration-year-person"),
    "percent": ("concentr-percent",),
}
# Counting words for people: CLDR has no unit for them. Written for this project.
PEOPLE: dict[str, tuple[str, ...]] = {
    "en": ("people", "persons", "person", "residents", "participants"),
    "vi": ("người",),
    "zh": ("人", "名"),
    "lo": ("ຄົນ", "ທ່ານ"),
    "hi": ("लोग", "लोगों", "व्यक्ति", "लोगो"),
}
# Narrow forms ("24h", "5y", "स") and one-letter words (Han characters are words) would read codes and parts of other words
# as units; "月" after a number is a month name (6月, June), read by the date extractor.
MIN_CHARS = 2
WIDTHS = ("long", "short")
NOT_UNITS = frozenset({"月"})


def _pattern_words(pattern: str, count: str) -> list[str]:
    """Unit words of one CLDR pattern: "{0} hours" -> hours, "{0}/giờ" -> giờ; "{0} per hour" -> none."""
    rest = pattern.replace("{0}", " ").strip()
    if count == "per":  # a rate; only "{0}/giờ" names the unit word itself
        if not rest.startswith("/"):
            return []
        rest = rest[1:].strip()
    short = len(rest) < MIN_CHARS and not regex.fullmatch(r"\p{Han}+", rest)
    if not rest or rest.endswith(".") or short:
        return []  # abbreviations ("ມ.", "ດ.") and single letters read parts of other words as units
    return [rest]


def unit_words(lang: str) -> dict[str, str]:
    """Word -> unit (hour, day, week, month, year, minute, percent, people, won) for ``lang``."""
    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return {}
    words: dict[str, str] = {}
    patterns = locale._data.get("unit_patterns", {})
    for unit, keys in CLDR_UNITS.items():
        for key in keys:
            widths = patterns.get(key, {})
            for width in WIDTHS:
                for count, pattern in widths.get(width, {}).items():
                    for word in _pattern_words(str(pattern), count):
                        if word not in NOT_UNITS and "%" not in word:
                            words.setdefault(word, unit)
    for word in PEOPLE.get(locale.language, ()):
        words.setdefault(word, "people")
    names = [locale.currencies.get("KRW"), locale.currency_symbols.get("KRW")]
    names += list(locale._data.get("currency_names_plural", {}).get("KRW", {}).values())
    for name in names:
        if name and len(name) >= MIN_CHARS:
            words.setdefault(str(name), "won")
    return words


COUNT_UNITS = frozenset({"minute", "hour", "day", "week", "month", "year", "people"})
