"""Dates in the reader's calendar, file sizes, audio lengths and "4 releases" in the reader's language (CLDR)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ggmulti import dates
from ggmulti.config import DEFAULT_LANGUAGES, builtin_language
from ggmulti.render.units import duration, file_size, plural_category


def test_thai_dates_are_in_the_buddhist_era() -> None:
    assert dates.default_calendar("th") == "buddhist"
    assert dates.long_date("2025-12-09", "th") == "9 ธันวาคม พ.ศ. 2568"
    assert dates.long_date("2025-01-01", "th-TH") == "1 มกราคม พ.ศ. 2568"  # B.E. = C.E. + 543 all year
    assert "2568" in dates.period_label("2025-11", "th") and "2025" not in dates.period_label("2025-11", "th")


@pytest.mark.parametrize("code", [c for c in DEFAULT_LANGUAGES if c != "th"])
def test_every_other_configured_language_keeps_the_gregorian_calendar(code: str) -> None:
    lang = builtin_language(code)
    assert lang is not None
    assert dates.default_calendar(lang.bcp47) == "gregorian"
    assert "2025" in dates.long_date("2025-12-09", lang.bcp47) or code in ("my", "ne")  # native digits


def test_a_date_is_the_releases_own_day_whatever_the_machines_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        assert dates.long_date("2025-03-01", "th") == "1 มีนาคม พ.ศ. 2568"
    monkeypatch.delenv("TZ")
    time.tzset()


def test_sizes_are_written_the_readers_way() -> None:
    assert file_size(312_400, "en") == "312 kB"
    assert file_size(1_234_567, "vi") == "1,2 MB"
    assert file_size(6_000_000, "ru") == "6 МБ"
    assert file_size(10, "en") == "1 kB"  # never "0 kB" for a file that exists


def test_durations_are_whole_seconds_as_players_show_them() -> None:
    assert duration(97.9) == ("1:37", "PT1M37S")
    assert duration(5.0) == ("0:05", "PT5S")
    assert duration(3725.2) == ("1:02:05", "PT1H2M5S")


def test_plural_categories_follow_cldr() -> None:
    assert [plural_category(n, "ru") for n in (1, 3, 5, 21)] == ["one", "few", "many", "one"]
    assert [plural_category(n, "en") for n in (1, 4)] == ["one", "other"]
    assert {plural_category(n, code) for n in (1, 4) for code in ("ja", "zh-Hans", "th")} == {"other"}
    assert plural_category(2, "fil") == "one"  # Filipino counts 1, 2, 3 with the "one" form


def test_the_thai_index_of_the_demo_dates_2025_releases_2568(demo_output: Path) -> None:
    page = (demo_output / "th" / "index.html").read_text(encoding="utf-8")
    shown = re.findall(r'<time datetime="(2025-[0-9-]+)">([^<]+)</time>', page)
    assert len(shown) >= 10
    assert all(text.endswith("พ.ศ. 2568") and "2025" not in text for _iso, text in shown), shown[:3]
