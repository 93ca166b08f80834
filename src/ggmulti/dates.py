"""Dates and periods in the reader's language, from CLDR: "2 tháng 10, 2025", "2025年10月2日", "2 ตุลาคม 2568".

Babel formats the Gregorian calendar only. Where CLDR says the language's readers use another calendar
by default (Thai: the Buddhist era, th-TH-u-ca-buddhist), ICU (PyICU's ``icu`` module) formats the date
in that calendar. Checked for every built-in language (ICU 7x, likely region added): only Thai has a
non-Gregorian default; Nepali's Bikram Sambat and the Burmese calendar are not in CLDR/ICU, and Japanese
era dates are an option (ja-JP-u-ca-japanese), not the default, so those stay Gregorian.
"""

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


def default_calendar(bcp47: str) -> str:
    """The calendar CLDR gives the language's readers by default ("gregorian", "buddhist", ...).

    A tag without a region gets its likely one first (th -> th_Thai_TH), as calendars go by region."""
    import icu

    locale = icu.Locale.addLikelySubtags(icu.Locale.forLanguageTag(bcp47))
    return str(icu.Calendar.createInstance(locale).getType())


def _icu_format(day: dt.date, bcp47: str, calendar: str, skeleton: str) -> str:
    """``day`` in ``calendar`` through ICU, in the locale's pattern best fitting ``skeleton``."""
    import icu

    likely = icu.Locale.addLikelySubtags(icu.Locale.forLanguageTag(bcp47))
    locale = icu.Locale(f"{likely.getName()}@calendar={calendar}")
    pattern = icu.DateTimePatternGenerator.createInstance(locale).getBestPattern(skeleton)
    formatter = icu.SimpleDateFormat(pattern, locale)
    formatter.setTimeZone(icu.TimeZone.getGMT())
    noon = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
    return str(formatter.format(noon.timestamp()))


def long_date(iso: str, bcp47: str) -> str:
    """A release date as readers of the language write it (CLDR 'long' format, in their calendar)."""
    day = dt.date.fromisoformat(iso)
    calendar = default_calendar(bcp47)
    if calendar != "gregorian":
        return _icu_format(day, bcp47, calendar, "GyMMMMd")  # the era named: "9 ธันวาคม พ.ศ. 2568"
    from babel.dates import format_date

    return format_date(day, "long", locale=babel_locale(bcp47))


def period_label(period: str, bcp47: str) -> str:
    """A bundle period id ("2025-11", "2025-Q4", "2025") as a heading: "November 2025", "2025年11月"."""
    from babel.dates import format_skeleton

    year, _, rest = period.partition("-")
    if not rest:
        skeleton, day = "y", dt.date(int(year), 1, 1)
    elif rest.startswith("Q"):
        skeleton, day = "yQQQQ", dt.date(int(year), 3 * int(rest[1:]) - 2, 1)
    else:
        skeleton, day = "yMMMM", dt.date(int(year), int(rest), 1)
    calendar = default_calendar(bcp47)
    if calendar != "gregorian":
        return _icu_format(day, bcp47, calendar, skeleton)
    return format_skeleton(skeleton, day, locale=babel_locale(bcp47))
