"""Finding the facts in one sentence: amounts, percentages, durations, dates, times, phones, links.

Language-aware: each language's digits, separators (CLDR via Babel), number words, month names and
unit words; a span taken by one extractor is invisible to the next, so "24 giờ" read as a duration
is not read again as a clock time.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

import regex
from babel.core import UnknownLocaleError
from babel.dates import get_month_names
from babel.numbers import get_decimal_symbol, get_group_symbol

from ..errors import QaInputError
from ..glossary.match import unspaced
from ..glossary.pin import ALTERNATIVE, PRIMARY
from .qa_model import MAX_SEGMENT_CHARS, Reading, Span, Value
from .qa_tables import (
    AM_WORDS,
    CURRENCY_AFTER,
    CURRENCY_BEFORE,
    DAY_PREFIX,
    EN_DECADES,
    EN_SCALES,
    EN_WORDS,
    HAN_BIG,
    HAN_DIGITS,
    HAN_SMALL,
    HOUR_WORD,
    KO_BIG,
    KO_SMALL,
    MAGNITUDES_SPACED,
    MAGNITUDES_UNSPACED,
    MONTH_FIRST,
    MONTH_NAME_EXTRAS,
    MONTH_PREFIX,
    NUM_AFTER,
    NUM_BEFORE,
    OWN_MONTH_PATTERNS,
    PERCENT_AFTER,
    PM_WORDS,
    RANGE_CONN,
    SMALL_WORDS,
    TIME_POST,
    TIME_PRE,
    TLDS,
    YEAR_PREFIX,
)
from .qa_units import COUNT_UNITS, unit_words

# ----------------------------------------------------------------------------------------- parsing


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


def _int(text: str) -> int:
    return int(_ascii_digits(text))


def _is_year(n: int) -> bool:
    return 1900 <= n <= 2100 or 2400 <= n <= 2700  # Common Era, or Buddhist Era (Thai, Lao)


def parse_number(token: str, decimal: str = ".") -> tuple[Decimal, tuple[Decimal, ...]]:
    """The value of a digit token with any separators, and its other readings when ambiguous.

    Shape decides first, the locale's decimal symbol (CLDR) second: a lone separator followed by exactly
    three digits is grouping ("150,000", "150.000"), and also a decimal when that separator is the
    locale's decimal symbol (Lao "50,000" stays ambiguous, English "50,000" does not); "1,5" is a decimal;
    "1,50,000" is Indian grouping; with both "." and "," the last one is the decimal separator.
    """
    t = regex.sub(r"[\u00a0\u202f' ]", "", _ascii_digits(token))
    seps = [c for c in t if c in ".,"]
    if not seps:
        return Decimal(t), ()
    if regex.fullmatch(r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?", t):
        return Decimal(t.replace(",", "")), ()
    if len(set(seps)) == 2:
        dec = t[max(t.rfind("."), t.rfind(",")) :]
        head = t[: -len(dec)].replace(".", "").replace(",", "")
        return Decimal(head + "." + dec[1:]), ()
    sep = seps[0]
    groups = t.split(sep)
    if len(groups) > 2 or (len(groups[-1]) == 3 and groups[0] != "0"):
        if all(len(g) == 3 for g in groups[1:]):
            grouped = Decimal("".join(groups))
            if len(groups) == 2 and sep == decimal:
                return grouped, (Decimal(groups[0] + "." + groups[1]),)
            return grouped, ()
        head = "".join(groups[:-1])
        return Decimal(head + "." + groups[-1]), ()
    return Decimal(groups[0] + "." + groups[1]), ()


def _number_pattern(lang: str) -> str:
    try:
        space_grouped = get_group_symbol(lang).isspace()
    except (UnknownLocaleError, ValueError):
        space_grouped = False
    group = r"[,.\u00a0\u202f']" + ("| " if space_grouped else "")
    group = f"(?:{group})"
    return (
        rf"(?:\d{{1,2}}(?:,\d{{2}})+,\d{{3}}(?:\.\d+)?"
        rf"|\d{{1,3}}(?:{group}\d{{3}})+(?:[.,]\d+)?"
        rf"|\d+(?:[.,]\d+)?)"
    )


def _cjk_value(run: str) -> tuple[Decimal, bool] | None:
    """Value of a run like 15万, 4900万, 1.5亿, 二十六, 一千五百, 1억 5천만; None when not a number."""
    tokens = regex.findall(r"\d+(?:[.,]\d+)*|\S", run)
    leading = {*HAN_BIG, *KO_SMALL, *KO_BIG, *HAN_SMALL} - {"十", "拾"}
    while tokens and tokens[0] in leading:
        tokens.pop(0)  # 万一, 千万 (idioms) and Korean units need a number before them
    if not tokens:
        return None
    spelled = not any(t[0].isdecimal() and t not in HAN_DIGITS for t in tokens)
    total, section, last_big = Decimal(0), Decimal(0), 0
    current: Decimal | None = None
    prev_digit = False
    for tok in tokens:
        if tok in HAN_DIGITS:
            d = Decimal(HAN_DIGITS[tok])
            current = current * 10 + d if (prev_digit and current is not None) else d
            prev_digit = True
            continue
        prev_digit = False
        if tok[0].isdecimal():
            current = parse_number(tok)[0]
        elif tok in HAN_SMALL or tok in KO_SMALL:
            unit = HAN_SMALL.get(tok) or KO_SMALL[tok]
            section += (current if current is not None else Decimal(1)) * unit
            current = None
        elif tok in HAN_BIG or tok in KO_BIG:
            big = HAN_BIG.get(tok) or KO_BIG[tok]
            section += current if current is not None else Decimal(0)
            if section == 0 and total == 0:  # a bare 万 counts one; in 100万亿 the 亿 scales what came before
                section = Decimal(1)
            if big > last_big:
                total = (total + section) * big
                last_big = big
            else:
                total += section * big
            section, current = Decimal(0), None
    return total + section + (current if current is not None else Decimal(0)), spelled


def _en_words_value(words: list[str]) -> int:
    total, current = 0, 0
    for w in words:
        if w in EN_WORDS:
            current += EN_WORDS[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w in EN_SCALES:
            total += max(current, 1) * EN_SCALES[w]
            current = 0
    return total + current


def _month_names(lang: str) -> dict[str, int]:
    """Month names from CLDR (format and stand-alone, wide and abbreviated) plus spelling variants."""
    names: dict[str, int] = {}
    if lang in OWN_MONTH_PATTERNS:
        return names
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            try:
                table = get_month_names(width, context, locale=lang)
            except (UnknownLocaleError, ValueError):
                return dict(MONTH_NAME_EXTRAS.get(lang, {}))
            for month, name in table.items():
                name = name.rstrip(".")
                if not regex.search(r"\d", name) and len(name) >= 3:
                    names.setdefault(name, month)
    names |= MONTH_NAME_EXTRAS.get(lang, {})
    for name, month in list(names.items()):  # nukta written or not, composed or not
        for variant in (unicodedata.normalize("NFD", name), name.replace("\u093c", "")):
            names.setdefault(variant, month)
    return names


def _alternation(words: Iterable[str]) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


# ----------------------------------------------------------------------------------------- extraction


class _Scanner:
    """Runs extractors in order over one text; a span taken by one is invisible to the next."""

    def __init__(
        self, text: str, ignore: Sequence[Span], compile_: Callable[[str, int], regex.Pattern[str]]
    ) -> None:
        self.text = text
        self.compile = compile_
        self.taken = [0] * (len(text) + 1)
        for start, end in ignore:
            self.take(start, end)
        self.values: list[Value] = []

    def free(self, start: int, end: int) -> bool:
        return not any(self.taken[start:end])

    def take(self, start: int, end: int) -> None:
        for i in range(max(start, 0), min(end, len(self.text))):
            self.taken[i] = 1

    def scan(
        self, pattern: str, emit: Callable[[regex.Match[str]], list[Value] | None], flags: int = 0
    ) -> None:
        for m in self.compile(pattern, flags).finditer(self.text):
            if m.end() == m.start() or not self.free(m.start(), m.end()):
                continue
            found = emit(m)
            if found is None:
                continue
            self.values.extend(found)
            self.take(m.start(), m.end())


def _valid_date(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


def _date(m: regex.Match[str], month: int, day: int, year: int, alts: tuple[Reading, ...] = ()) -> Value:
    return Value("date", (month, day, year), m.group(0), m.start(), m.end(), alternatives=alts)


def _han_or_int(text: str) -> int:
    if text[0].isdecimal():
        return _int(text)
    found = _cjk_value(text)
    return int(found[0]) if found else 0


class Extractor:
    """Value extraction for one language; build once per language and reuse for every segment."""

    def __init__(self, lang: str) -> None:
        self.lang = lang.lower().split("-")[0].split("_")[0]
        self.number = _number_pattern(self.lang)
        try:
            self.decimal = get_decimal_symbol(self.lang)
        except (UnknownLocaleError, ValueError):
            self.decimal = "."
        self.months = _month_names(self.lang)
        self.month_alt = _alternation(self.months)
        self.long_month_alt = _alternation(n for n in self.months if len(n) >= 4 and n != "May")
        self.mag_spaced = _alternation(MAGNITUDES_SPACED)
        self.mag_unspaced = _alternation(MAGNITUDES_UNSPACED)
        self.en_word_alt = _alternation((*EN_WORDS, *EN_SCALES))
        self.en_scale_alt = _alternation(EN_SCALES)
        self.en_decade_alt = _alternation(EN_DECADES)
        self.small_alt = _alternation(SMALL_WORDS.get(self.lang, {}))
        units = unit_words(self.lang)
        self.count_alt = _alternation(w for w, unit in units.items() if unit in COUNT_UNITS)
        self._compiled: dict[tuple[str, int], regex.Pattern[str]] = {}

    def _re(self, pattern: str, flags: int = 0) -> regex.Pattern[str]:
        """Patterns compiled once per extractor (the extractor lives as long as its build)."""
        key = (pattern, flags)
        if key not in self._compiled:
            self._compiled[key] = regex.compile(pattern, flags)
        return self._compiled[key]

    def extract(self, text: str, ignore: Sequence[Span] = ()) -> tuple[Value, ...]:
        if len(text) > MAX_SEGMENT_CHARS:
            raise QaInputError(
                f"segment of {len(text):,} characters is over the QA limit of {MAX_SEGMENT_CHARS:,}: "
                f"{text[:60]!r}..."
            )
        s = _Scanner(text, ignore, self._re)
        for style in (PRIMARY, ALTERNATIVE):  # pinning tokens are not quantities
            s.scan(style.pattern().pattern, lambda m: [], regex.IGNORECASE)
        self._links(s)
        self._numeric_dates(s)
        self._phones(s)
        self._named_dates(s)
        self._counts(s)
        self._times(s)
        self._cjk_numbers(s)
        self._numbers(s)
        self._words(s)
        return tuple(sorted(s.values, key=lambda v: (v.start, v.end)))

    # -- links, phones

    def _links(self, s: _Scanner) -> None:
        def url(m: regex.Match[str]) -> list[Value]:
            raw = m.group(0).rstrip(".,;:!?)]}'\"")
            norm = regex.sub(r"^(?:https?://)?(?:www\.)?", "", raw.lower()).rstrip("/")
            return [Value("url", norm, raw, m.start(), m.start() + len(raw))]

        s.scan(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", self._email)
        s.scan(r"(?:https?://|www\.)[^\s<>\"'（）「」『』、，。]+", url, regex.IGNORECASE)
        s.scan(rf"(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{TLDS})(?:/[^\s]*)?(?![\w-])", url)

    @staticmethod
    def _email(m: regex.Match[str]) -> list[Value]:
        return [Value("email", m.group(0).lower(), m.group(0), m.start(), m.end())]

    def _phones(self, s: _Scanner) -> None:
        def phone(m: regex.Match[str]) -> list[Value] | None:
            raw = m.group(0)
            digits = _ascii_digits(regex.sub(r"\D", "", raw))
            groups = regex.findall(r"\d+", raw)
            hyphen = bool(regex.search(r"\d[-‐–]\d", raw))
            if not 7 <= len(digits) <= 15 or not (hyphen or raw.startswith(("+", "("))):
                return None
            if len(groups) == 2 and all(len(g) == 4 and _is_year(_int(g)) for g in groups):
                return None  # 2010-2025 is a span of years
            alts: tuple[Reading, ...] = ("0" + digits[2:],) if digits.startswith("82") else ()
            return [Value("phone", digits, raw, m.start(), m.end(), alternatives=alts)]

        s.scan(
            r"(?<![\d\p{L}])(?:\+\d{1,3}[\s-]?)?(?:\(\d{1,4}\)\s?)?\d{1,4}(?:[\s‐–-]\d{2,4}){1,4}(?![\d\p{L}])",
            phone,
        )

    # -- dates

    def _numeric_dates(self, s: _Scanner) -> None:
        def ymd(m: regex.Match[str]) -> list[Value] | None:
            y, mo, d = _int(m["y"]), _int(m["m"]), _int(m["d"])
            return [_date(m, mo, d, y)] if _is_year(y) and _valid_date(mo, d) else None

        def dmy(m: regex.Match[str]) -> list[Value] | None:
            a, b, y = _int(m["a"]), _int(m["b"]), _int(m["y"]) if m["y"] else 0
            month, day = (a, b) if self.lang in MONTH_FIRST else (b, a)
            if y and not _is_year(y):
                return None
            readings = [(mo, d, y) for mo, d in ((month, day), (day, month)) if _valid_date(mo, d)]
            if not readings:
                return None
            return [
                Value("date", readings[0], m.group(0), m.start(), m.end(), alternatives=tuple(readings[1:]))
            ]

        s.scan(
            r"(?<![\d.])(?P<y>\d{4})\s*[-./년年]\s*(?P<m>\d{1,2})\s*[-./월月]\s*(?P<d>\d{1,2})(?:\s*[.일日号])?(?!\d)",
            ymd,
        )
        s.scan(r"(?<![\d/.])(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4})(?!\d)", dmy)
        s.scan(rf"{DAY_PREFIX}(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})(?![\d/])(?P<y>)", dmy)

    def _named_dates(self, s: _Scanner) -> None:
        lang = self.lang

        def days(m: regex.Match[str], month: int, year: int) -> list[Value] | None:
            day = _han_or_int(m["d"])
            if not _valid_date(month, day):
                return None
            out = [_date(m, month, day, year)]
            for extra in ("d0", "d2"):
                if m.groupdict().get(extra):
                    other = _han_or_int(m[extra])
                    if not _valid_date(month, other):
                        return None
                    out.append(_date(m, month, other, year))
            return out

        def named(m: regex.Match[str]) -> list[Value] | None:
            month = self.months.get(m["m"]) or self.months.get(m["m"].capitalize()) or 0
            return days(m, month, _int(m["y"]) if m["y"] else 0)

        def numbered(m: regex.Match[str]) -> list[Value] | None:
            return days(m, _han_or_int(m["m"]), _int(m["y"]) if m["y"] else 0)

        def month_only(m: regex.Match[str]) -> list[Value] | None:
            raw = m["m"]
            month = self.months.get(raw) or self.months.get(raw.capitalize()) or _han_or_int(raw)
            if not 1 <= month <= 12:
                return None
            return [Value("month", (month, _int(m["y"]) if m["y"] else 0), m.group(0), m.start(), m.end())]

        day = r"\d{1,2}"
        year_tail = rf"(?:,?\s*{YEAR_PREFIX}?\s*(?P<y>\d{{4}}))?(?!\d)"
        if lang in ("zh", "ja"):
            han = r"[\d一二三四五六七八九十]{1,3}"
            s.scan(
                rf"(?:(?P<y>\d{{4}})\s*年\s*)?(?P<m>{han})\s*月\s*(?P<d>{han})\s*[日号號]?"
                rf"(?:\s*(?:至|到|-|–|~|～)\s*(?P<d2>{han})\s*[日号號])?",
                numbered,
            )
            s.scan(rf"(?:(?P<y>\d{{4}})\s*年\s*)?(?P<m>{han})\s*月(?![\d日号])", month_only)
        elif lang == "ko":
            s.scan(
                rf"(?:(?P<y>\d{{4}})\s*년\s*)?(?P<m>{day})\s*월\s*(?P<d>{day})\s*(?:일)?"
                rf"(?:\s*(?:부터|~|～|-|–)\s*(?P<d2>{day})\s*일(?:까지)?)?",
                numbered,
            )
            s.scan(rf"(?:(?P<y>\d{{4}})\s*년\s*)?(?P<m>{day})\s*월(?!\s*\d)", month_only)
        elif lang == "vi":
            s.scan(
                rf"(?:(?P<d0>{day})\s*(?:{RANGE_CONN})\s*(?:ngày\s*)?)?(?P<d>{day})\s+tháng\s+(?P<m>{day})(?!\d)"
                rf"(?:\s*(?:năm|,|/)\s*(?P<y>\d{{4}}))?",
                numbered,
                regex.IGNORECASE,
            )
            s.scan(
                rf"tháng\s+(?P<m>{day})(?!\d)(?:\s*(?:năm|/)\s*(?P<y>\d{{4}}))?", month_only, regex.IGNORECASE
            )
        elif lang == "mn":
            s.scan(rf"(?P<m>{day})(?:-?р)?\s*сар(?:ын)?\s+(?P<d>{day})(?!\d){year_tail}", numbered)
            s.scan(rf"(?P<m>{day})(?:-?р)?\s*сар(?:ын|д)?(?P<y>)", month_only)
        if not self.month_alt:
            return
        names = f"(?P<m>{self.month_alt})"
        flags = 0 if lang == "en" else regex.IGNORECASE
        month_first = (
            rf"{names}\.?\s+(?P<d>{day})(?:st|nd|rd|th)?(?!\d)"
            rf"(?:\s*(?:-|–|—|to|through|until|and|hanggang)\s*(?P<d2>{day})(?:st|nd|rd|th)?(?!\d))?"
            rf"(?:,?\s+(?P<y>\d{{4}}))?(?!\d)"
        )
        day_first = (
            rf"(?:(?P<d0>{day})(?:st|nd|rd|th)?\s*(?:{RANGE_CONN})\s*(?:{DAY_PREFIX})?)?"
            rf"(?P<d>{day})(?:st|nd|rd|th|-)?\.?\s*(?:of\s+|{MONTH_PREFIX})?{names}\.?{year_tail}"
        )
        for pattern in (month_first, day_first) if lang in MONTH_FIRST else (day_first, month_first):
            s.scan(pattern, named, flags)
        if unspaced(lang):  # a bare month name could be part of another word (ມີນາ in ມີນາຍພາສາ)
            s.scan(rf"{MONTH_PREFIX}{names}{year_tail}", month_only, flags)
        else:
            long_names = self.long_month_alt
            s.scan(
                rf"(?<![\p{{L}}\p{{M}}])(?P<m>{long_names})(?![\p{{L}}\p{{M}}])(?:,?\s+(?P<y>\d{{4}}))?",
                month_only,
                flags,
            )

    # -- counts with a unit: durations, ages, people

    def _counts(self, s: _Scanner) -> None:
        """ "24 hours", "24 giờ", "24小时", "24 घंटे": a count of 24, compared as the number 24.

        Read before clock times; a clock-hour word ("giờ") stays a time where it reads as one:
        followed by minutes or a part of the day ("9 giờ 30", "9 giờ sáng"), or after "lúc" (at).
        """
        if not self.count_alt:
            return
        edge = "" if unspaced(self.lang) else r"(?![\p{L}\p{M}])"
        pattern = rf"{NUM_BEFORE}(?P<n>{self.number}){NUM_AFTER}[\s-]?(?P<u>{self.count_alt}){edge}"
        clock_after = self._re(rf"\s*(?:\d|phút|rưỡi|半|{TIME_POST})", regex.IGNORECASE)
        clock_before = self._re(r"(?:lúc|at|vào lúc)\s*$", regex.IGNORECASE)
        hour_word = self._re(rf"(?:{HOUR_WORD})$", regex.IGNORECASE)

        def emit(m: regex.Match[str]) -> list[Value] | None:
            if hour_word.match(m["u"]) and (
                clock_after.match(s.text, m.end())
                or clock_before.search(s.text[max(0, m.start() - 12) : m.start()])
            ):
                return None
            value, alts = parse_number(m["n"], self.decimal)
            found = self._emit_number(s, m.start(), m.end("n"), value, False, alts)
            return [replace(v, surface=m.group(0)) for v in found]  # "24 giờ": the unit shown in messages

        s.scan(pattern, emit, regex.IGNORECASE)

    # -- times

    def _times(self, s: _Scanner) -> None:
        def emit(m: regex.Match[str]) -> list[Value] | None:
            hour, minute = _int(m["h"]), _int(m["mi"]) if m["mi"] else 0
            if m.groupdict().get("half"):
                minute = 30
            if hour > 24 or minute > 59:
                return None
            marks = {(m["pre"] or "").lower(), (m["post"] or "").lower()}
            am, pm = bool(marks & AM_WORDS), bool(marks & PM_WORDS)
            if pm and hour < 12:
                hour += 12
            elif am and hour == 12:
                hour = 0
            explicit = am or pm or hour == 0 or hour > 12 or m["h"].startswith("0")
            alts: tuple[Reading, ...] = ()
            if not explicit:
                alts = ((hour + 12, minute),) if hour < 12 else ((0, minute),)
            return [Value("time", (hour % 24, minute), m.group(0), m.start(), m.end(), alternatives=alts)]

        pre = rf"(?:(?P<pre>{TIME_PRE})\s*)?"
        post = rf"(?:\s*(?P<post>{TIME_POST}))?"
        s.scan(
            rf"{pre}(?<![\d:])(?P<h>\d{{1,2}})\s?[:：](?P<mi>[0-5]\d)(?![\d:]){post}", emit, regex.IGNORECASE
        )
        s.scan(
            rf"{pre}(?P<h>\d{{1,2}})\s*(?:{HOUR_WORD})(?:\s*(?P<mi>\d{{1,2}})(?!\d)\s*(?:분|分|phút)?|\s*(?P<half>半|반|rưỡi))?{post}",
            emit,
            regex.IGNORECASE,
        )
        s.scan(
            r"(?<!\d)(?P<h>\d{1,2})\s*(?P<post>a\.m\.|p\.m\.|am|pm)(?![\p{L}])(?P<pre>)(?P<mi>)",
            emit,
            regex.IGNORECASE,
        )
        if self.lang == "th":
            s.scan(r"(?<!\d)(?P<h>\d{1,2})\.(?P<mi>[0-5]\d)\s*(?P<post>น\.)(?P<pre>)", emit)

    # -- numbers

    def _emit_number(self, s: _Scanner, start: int, end: int, value: Decimal, spelled: bool,
                     alts: tuple[Reading, ...] = ()) -> list[Value]:  # fmt: skip
        text = s.text
        kind = "number"
        if start >= 3 and text[start - 3 : start] == "百分之":
            kind, start = "percent", start - 3
        tail = self._re(PERCENT_AFTER, regex.IGNORECASE).match(text[end:])
        if tail:
            kind, end = "percent", end + tail.end()
        surface_start, surface_end = start, end
        if kind == "number":
            after = self._re(CURRENCY_AFTER, regex.IGNORECASE).match(text[end:])
            before = self._re(CURRENCY_BEFORE).search(text[max(0, start - 6) : start])
            surface_end += after.end() if after else 0
            surface_start -= len(before.group(0)) if before else 0
        if value == 1 and self._re(r"\s?(?:인당|명당)").match(text[end:]):
            spelled = True  # 1인당 is "per person", rarely written with a number in a translation
        if self.lang in ("th", "lo") and value == value.to_integral() and 2400 <= value <= 2700:
            alts = (*alts, value - 543)  # Buddhist Era year
        s.take(start, end)
        value = value.quantize(1) if value == value.to_integral() else value.normalize()
        return [Value(kind, value, text[surface_start:surface_end], start, end, spelled, alts)]

    def _cjk_numbers(self, s: _Scanner) -> None:
        han = "".join((*HAN_DIGITS, *HAN_SMALL, *HAN_BIG))
        units = "".join((*HAN_SMALL, *HAN_BIG, *KO_SMALL, *KO_BIG))
        big = "".join((*HAN_BIG, *KO_BIG))
        elem = rf"(?:{self.number}|[{han}])"
        seq = rf"(?:\d[\d.,]*\s?[{units}]|{elem})(?:{elem}|[{units}])*"
        pattern = rf"{NUM_BEFORE}{seq}(?:(?<=[{big}])\s{seq})*"

        def emit(m: regex.Match[str]) -> list[Value] | None:
            run = m.group(0).rstrip()
            if not regex.search(rf"[{han}{units}]", run):
                return None  # plain digits: the generic number extractor reads them
            if run[0] in "".join((*KO_SMALL, *KO_BIG)):
                return None
            found = _cjk_value(run)
            if found is None:
                return None
            value, spelled = found
            alts: tuple[Reading, ...] = ()
            after = s.text[m.end() : m.end() + 1]
            if after in ("几", "幾", "多", "余", "餘") and spelled:
                alts = tuple(value + k for k in range(1, 10))  # 十几 teens, 三十多 thirty-odd
            return self._emit_number(s, m.start(), m.start() + len(run), value, spelled, alts)

        s.scan(pattern, emit)

    def _numbers(self, s: _Scanner) -> None:
        spaced, unspaced = self.mag_spaced, self.mag_unspaced
        mag = rf"(?:\s?(?P<mag>(?:{spaced})(?![\p{{L}}\p{{M}}])|{unspaced}))"
        pattern = rf"{NUM_BEFORE}(?P<n>{self.number}){NUM_AFTER}(?:{mag})*"

        def emit(m: regex.Match[str]) -> list[Value]:
            value, alts = parse_number(m["n"], self.decimal)
            scale = 0
            for word in m.captures("mag"):
                scale += MAGNITUDES_SPACED.get(word.lower(), MAGNITUDES_UNSPACED.get(word, 0))
            factor = Decimal(10) ** scale
            readings = tuple(a * factor for a in alts if isinstance(a, Decimal))
            return self._emit_number(s, m.start(), m.end(), value * factor, False, readings)

        s.scan(pattern, emit, regex.IGNORECASE)

    def _words(self, s: _Scanner) -> None:
        if self.lang == "en":
            word = self.en_word_alt
            run = rf"\b(?:a\s+(?=(?:{self.en_scale_alt})\b))?(?:{word})(?:(?:\s+and\s+|[\s-]+)(?:{word}))*\b"

            def emit(m: regex.Match[str]) -> list[Value]:
                words = regex.findall(r"[a-z]+", m.group(0).lower())
                return self._emit_number(s, m.start(), m.end(), Decimal(_en_words_value(words)), True)

            s.scan(run, emit, regex.IGNORECASE)

            def decade(m: regex.Match[str]) -> list[Value]:
                base = EN_DECADES[m.group(0).lower()]
                alts = tuple(Decimal(base + k) for k in range(1, 10))
                return self._emit_number(s, m.start(), m.end(), Decimal(base), True, alts)

            s.scan(rf"\b(?:{self.en_decade_alt})\b", decade, regex.IGNORECASE)
        table = SMALL_WORDS.get(self.lang)
        if table:
            words = self.small_alt

            def small(m: regex.Match[str]) -> list[Value]:
                return self._emit_number(s, m.start(), m.end(), Decimal(table[m.group(0).lower()]), True)

            s.scan(rf"(?<![\p{{L}}\p{{M}}])(?:{words})(?![\p{{L}}\p{{M}}])", small, regex.IGNORECASE)


def extract_values(text: str, lang: str, ignore: Sequence[Span] = ()) -> tuple[Value, ...]:
    """Every fact in ``text`` (language ``lang``), skipping the ``ignore`` spans (glossary names)."""
    return Extractor(lang).extract(text, ignore)
