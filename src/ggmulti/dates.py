"""Dates and periods in the reader's language, from CLDR (Babel): "2 tháng 10, 2025", "2025年10月2日"."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale


def babel_locale(bcp47: str) -> Locale:
    """The CLDR locale for a language tag; English where CLDR has none (the page says so elsewhere)."""
    from babel import Locale, UnknownLocaleError

    tag = bcp47.replace("-", "_")
    for candidate in (tag, tag.split("_")[0], {"tl": "fil"}.get(tag.split("_")[0], "")):
        if not candidate:
            continue
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse("en")


def long_date(iso: str, bcp47: str) -> str:
    """A release date as readers of the language write it (CLDR 'long' format)."""
    from babel.dates import format_date

    return format_date(dt.date.fromisoformat(iso), "long", locale=babel_locale(bcp47))


def period_label(period: str, bcp47: str) -> str:
    """A bundle period id ("2025-11", "2025-Q4", "2025") as a heading: "November 2025", "2025年11月"."""
    from babel.dates import format_skeleton

    locale = babel_locale(bcp47)
    year, _, rest = period.partition("-")
    if not rest:
        return format_skeleton("y", dt.date(int(year), 1, 1), locale=locale)
    if rest.startswith("Q"):
        return format_skeleton("yQQQQ", dt.date(int(year), 3 * int(rest[1:]) - 2, 1), locale=locale)
    return format_skeleton("yMMMM", dt.date(int(year), int(rest), 1), locale=locale)
