"""Sizes, lengths and counts as a reader of the language writes them (CLDR through Babel).

A resident on a phone plan decides from the size whether to download a 6 MB bundle now; "4" next to a
language says nothing until it says "4 releases" in that language, with that language's plural.
"""

from __future__ import annotations

from ..dates import babel_locale

PLURAL_KEYS = ("one", "few", "many", "other")  # the CLDR categories ui.yaml has a releases_* string for


def file_size(size: int, bcp47: str) -> str:
    """``size`` bytes as "312 kB" or "1,2 MB" (decimal units, one decimal from 1 MB on)."""
    from babel.units import format_unit

    locale = babel_locale(bcp47)
    if size >= 1_000_000:
        return format_unit(size / 1_000_000, "digital-megabyte", "short", format="#,##0.#", locale=locale)
    return format_unit(max(1, round(size / 1000)), "digital-kilobyte", "short", locale=locale)


def duration(seconds: float) -> tuple[str, str]:
    """(shown, ISO 8601) for a length of audio: ("3:07", "PT3M7S"); hours only when there are any."""
    total = max(0, int(seconds))  # whole seconds, as players show it
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    shown = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    iso = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{secs}S"
    return shown, iso


def plural_category(count: int, bcp47: str) -> str:
    """The CLDR plural category of ``count`` in the language ("one", "few", "many" or "other").

    "two" and "zero" (no configured language uses them for integers) fall back to "other".
    """
    category = babel_locale(bcp47).plural_form(count)
    return category if category in PLURAL_KEYS else "other"
