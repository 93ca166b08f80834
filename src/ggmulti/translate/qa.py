"""QA checks on one translated segment: the facts residents act on must survive translation.

Amounts, ages, dates, times, phone numbers, links and addresses are extracted from both sides with
language-aware parsing and compared as values ("KRW 150,000" = "150.000 won" = "15万韩元" =
"1,50,000 वॉन"), so a reworded translation passes while a changed digit does not. Further checks: the
target left identical to the source, leftover pinning tokens (``T1``, ``ZX2``), machine-translation
stutter loops, and length-ratio outliers. Pure functions over strings; a caller decides what an error
blocks (review import) and where warnings are recorded.

Value matching rules, so reference translations do not raise false alarms:
- a number written in digits in the source must appear in the target (digits or words);
- a number written in digits in the target must come from the source (digits or words);
- numbers written in words ("three days", "三天") are not required in the target: translators
  rephrase small counts freely. A missing word-number of 11 or more is a warning;
- a token with an ambiguous separator ("50,000" in Lao, whose CLDR decimal is a comma) keeps every
  reading, and any reading may match.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import regex
from babel.core import UnknownLocaleError
from babel.dates import get_month_names
from babel.numbers import get_decimal_symbol, get_group_symbol

from ..errors import QaInputError
from ..glossary.match import cased, form_pattern, unspaced
from ..glossary.pin import ALTERNATIVE, PRIMARY, Pinner

Severity = Literal["error", "warning"]
Reading = Decimal | tuple[int, ...] | str
Span = tuple[int, int]

MAX_SEGMENT_CHARS = 20_000  # a segment is a sentence; anything longer is not one


@dataclass(frozen=True)
class Value:
    """A fact found in a text: ``kind`` number | percent | date | month | time | phone | url | email.

    ``value`` is normalised: Decimal for numbers and percents, (month, day, year or 0) for dates,
    (month, year or 0) for months, (hour 0-23, minute) for times, a string for the rest.
    """

    kind: str
    value: Reading
    surface: str
    start: int = 0
    end: int = 0
    spelled: bool = False  # written in words or CJK numerals: optional in a source, never "extra"
    alternatives: tuple[Reading, ...] = ()  # other readings of an ambiguous surface

    def readings(self) -> frozenset[Reading]:
        return frozenset((self.value, *self.alternatives))


@dataclass(frozen=True)
class QaFinding:
    check: str  # number-mismatch, date-mismatch, time-mismatch, ..., identical, placeholder-left, ...
    severity: Severity
    message: str


@dataclass(frozen=True)
class QaConfig:
    """Tunable thresholds; the defaults were measured on the project's reference translations."""

    # characters of the target per character of English, by language (ratio bands derive from it)
    density: Mapping[str, float] = field(
        default_factory=lambda: {
            "en": 1.0, "vi": 1.1, "zh": 0.4, "ja": 0.5, "ko": 0.5, "lo": 1.1, "th": 1.0, "km": 1.2,
            "my": 1.3, "hi": 1.05, "ne": 1.05, "ru": 1.1, "mn": 1.1, "uz": 1.15, "tl": 1.25, "id": 1.15,
        }
    )  # fmt: skip
    band: float = 2.0  # a ratio more than this factor from the expected one is an outlier
    pair_bands: Mapping[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    min_ratio_chars: int = 15  # shorter sources (headings, "About 80 people took part.") vary too much
    word_repeats: int = 4  # the same word this many times in a row is a loop
    phrase_repeats: int = 3  # the same 2..8-word phrase this many times in a row is a loop


DEFAULT_CONFIG = QaConfig()

# ----------------------------------------------------------------------------------------- tables

DIGIT = r"\d"  # the regex module's \d is every Unicode decimal digit: Devanagari, Lao, Thai, ...
# Latin/Cyrillic letters glued to a number make it a code (H5N1, ZX2), not a quantity; Han and other
# scripts written without spaces may touch a number directly (增加5万韩元).
NUM_BEFORE = r"(?<![\p{Latin}\p{Cyrillic}\p{N}_]|\p{N}[.,])"
NUM_AFTER = r"(?!\p{N}|[.,]\p{N})"

MAGNITUDES_SPACED: dict[str, int] = {
    # English
    "hundred": 2, "thousand": 3, "million": 6, "millions": 6, "billion": 9, "billions": 9,
    "trillion": 12, "trillions": 12, "bn": 9, "mn": 6, "tn": 12,
    # Vietnamese
    "trăm": 2, "nghìn": 3, "ngàn": 3, "triệu": 6, "tỷ": 9, "tỉ": 9,
    # Hindi, Nepali
    "सौ": 2, "हज़ार": 3, "हजार": 3, "लाख": 5, "करोड़": 7, "करोड": 7, "अरब": 9, "अर्ब": 9,
    "खरब": 11, "खर्ब": 11, "मिलियन": 6, "बिलियन": 9,
    # Indonesian, Tagalog
    "ratus": 2, "ribu": 3, "juta": 6, "miliar": 9, "triliun": 12, "libo": 3, "milyon": 6, "bilyon": 9,
    # Russian, Mongolian, Uzbek
    "тыс.": 3, "тыс": 3, "тысяча": 3, "тысячи": 3, "тысяч": 3, "млн": 6, "миллион": 6, "миллиона": 6,
    "миллионов": 6, "млрд": 9, "миллиард": 9, "миллиарда": 9, "миллиардов": 9, "трлн": 12,
    "мянга": 3, "мянган": 3, "сая": 6, "тэрбум": 9, "ming": 3, "mln": 6, "mlrd": 9, "milliard": 9,
}  # fmt: skip
MAGNITUDES_UNSPACED: dict[str, int] = {
    # Lao, Thai, Khmer, Myanmar: written against the next word
    "ພັນ": 3, "ໝື່ນ": 4, "ຫມື່ນ": 4, "ແສນ": 5, "ລ້ານ": 6, "ຕື້": 9,
    "พัน": 3, "หมื่น": 4, "แสน": 5, "ล้าน": 6,
    "ពាន់": 3, "ម៉ឺន": 4, "សែន": 5, "លាន": 6, "ប៊ីលាន": 9,
    "ထောင်": 3, "သောင်း": 4, "သိန်း": 5, "သန်း": 6, "ကုဋေ": 7,
}  # fmt: skip

HAN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6}
HAN_DIGITS |= {"七": 7, "八": 8, "九": 9}
HAN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
HAN_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8, "兆": 10**12}
KO_SMALL = {"십": 10, "백": 100, "천": 1000}
KO_BIG = {"만": 10**4, "억": 10**8, "조": 10**12}

EN_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
EN_SCALES = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
EN_DECADES = {"teens": 10, "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50}
EN_DECADES |= {"sixties": 60, "seventies": 70, "eighties": 80, "nineties": 90}
# Small counts that translators write out; only ever used to satisfy a number the other side has.
SMALL_WORDS: dict[str, dict[str, int]] = {
    "vi": {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10},
    "hi": {"एक": 1, "दो": 2, "तीन": 3, "चार": 4, "पाँच": 5, "पांच": 5, "छह": 6, "सात": 7, "आठ": 8, "नौ": 9, "दस": 10},
    "ne": {"एक": 1, "दुई": 2, "तीन": 3, "चार": 4, "पाँच": 5, "छ": 6, "सात": 7, "आठ": 8, "नौ": 9, "दस": 10},
    "id": {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8, "sembilan": 9, "sepuluh": 10},
}  # fmt: skip

PERCENT_AFTER = (
    r"\s?(?:%|％|percent|per cent|percentage points?|phần trăm|प्रतिशत|फ़ीसदी|फीसदी|퍼센트|프로|パーセント"
    r"|ເປີເຊັນ|เปอร์เซ็นต์|ភាគរយ|ရာခိုင်နှုန်း|persen|porsiyento|процент(?:а|ов)?|foiz|хувь)"
)
CURRENCY_AFTER = (
    r"\s?(?:won|원|韩元|韓元|ウォン|ວອນ|वॉन|วอน|វ៉ុន|вон|USD|VND|美元|dollars?|달러|ドル|ໂດລາ(?:ສະຫະລັດ)?"
    r"|(?:अमेरिकी\s)?डॉलर|ดอลลาร์|đô la|đồng|rupees?|रुपये|रुपए)"
)
CURRENCY_BEFORE = r"(?:KRW|USD|US\$|VND|\$|₩|¥|€|£|Rp\.?|₫)\s?$"

AM_WORDS = {"a.m.", "am", "上午", "早上", "凌晨", "午前", "오전", "सुबह", "sáng", "ເຊົ້າ", "ຕອນເຊົ້າ", "ໂມງເຊົ້າ"}
AM_WORDS |= {"ตอนเช้า", "เช้า"}
PM_WORDS = {
    "p.m.",
    "pm",
    "下午",
    "晚上",
    "傍晚",
    "午後",
    "오후",
    "शाम",
    "रात",
    "दोपहर",
    "chiều",
    "tối",
    "đêm",
}
PM_WORDS |= {"ແລງ", "ບ່າຍ", "ຕອນບ່າຍ", "ຕອນແລງ", "ໂມງແລງ", "ตอนบ่าย", "บ่าย", "ค่ำ", "中午", "trưa"}
TIME_PRE = "上午|下午|晚上|中午|早上|凌晨|傍晚|午前|午後|오전|오후|सुबह|शाम|दोपहर|रात|ຕອນເຊົ້າ|ຕອນບ່າຍ|ຕອນແລງ|ตอนเช้า|ตอนบ่าย"
TIME_POST = r"a\.m\.|p\.m\.|am\b|pm\b|sáng|chiều|tối|trưa|đêm|ໂມງເຊົ້າ|ໂມງແລງ|ເຊົ້າ|ແລງ|ບ່າຍ|เช้า|บ่าย|ค่ำ|बजे"
HOUR_WORD = r"시(?!간)|時(?!間)|时(?!间)|点|點|giờ|बजे|ໂມງ|โมง|o['’]clock"

RANGE_CONN = (
    r"-|–|—|~|to|and|through|until|đến|tới|và|से|और|व|ຫາ|ເຖິງ|ถึง|และ|по|и|hingga|sampai|dan|hanggang|ដល់"
)
DAY_PREFIX = r"(?:ngày|ວັນທີ|วันที่|ថ្ងៃទី|tanggal)\s*"
MONTH_PREFIX = r"(?:ເດືອນ|เดือน|ខែ)\s*"
YEAR_PREFIX = r"(?:năm|ປີ|ปี|พ\.ศ\.|ค\.ศ\.|ឆ្នាំ|tahun)"
MONTH_FIRST = {"en", "tl"}
OWN_MONTH_PATTERNS = {"zh", "ja", "ko", "vi", "mn"}  # months written with digits (10月, tháng 10, 10월)
MONTH_NAME_EXTRAS: dict[str, dict[str, int]] = {
    "en": {"Sept": 9},
    "hi": {"फरवरी": 2, "अक्तूबर": 10, "सितम्बर": 9, "नवम्बर": 11, "दिसम्बर": 12, "अगस्त": 8},
    "ne": {"अक्टुबर": 10, "नोभेम्बर": 11},
}
TLDS = "com|net|org|kr|gov|edu|int|info|io|vn|cn|la|in|th|kh|mn|ru|uz|np|ph|id|mm|jp|co"


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


# ----------------------------------------------------------------------------------------- comparing

_CHECK_BY_KIND = {
    "number": "number-mismatch",
    "percent": "number-mismatch",
    "date": "date-mismatch",
    "month": "date-mismatch",
    "time": "time-mismatch",
    "phone": "phone-mismatch",
    "url": "url-mismatch",
    "email": "email-mismatch",
}


@dataclass(frozen=True)
class _Atom:
    """One comparable unit; a date's year is compared as a number of its own."""

    kind: str
    readings: frozenset[Reading]
    spelled: bool
    origin: Value
    shown: Reading


def _atoms(values: Iterable[Value]) -> list[_Atom]:
    out = []
    for v in values:
        if v.kind in ("date", "month"):
            parts = [r for r in v.readings() if isinstance(r, tuple)]
            width = 2 if v.kind == "date" else 1  # (month, day) or (month,): the year is compared apart
            shown = v.value[:width] if isinstance(v.value, tuple) else v.value
            keys: frozenset[Reading] = frozenset(r[:width] for r in parts)
            out.append(_Atom(v.kind, keys, v.spelled, v, shown))
            year = parts[0][-1] if parts else 0
            if year:
                years: set[Reading] = {Decimal(year)}
                if 2400 <= year <= 2700:
                    years.add(Decimal(year - 543))
                out.append(_Atom("number", frozenset(years), False, v, Decimal(year)))
        else:
            out.append(_Atom(v.kind, v.readings(), v.spelled, v, v.value))
            if v.spelled and v.alternatives:  # "thirties" may be written "30-39": both ends are covered
                out.append(out[-1])
    return out


def _compatible(a: _Atom, b: _Atom) -> bool:
    if a.kind == b.kind:
        return bool(a.readings & b.readings)
    # "3 giờ" (time) may be "3 hours" (number) and "9~18시" leaves a bare 9 beside a time
    times, numbers = (a, b) if a.kind == "time" else (b, a)
    if times.kind != "time" or numbers.kind != "number":
        return False
    hours = {Decimal(r[0]) for r in times.readings if isinstance(r, tuple) and r[1] == 0}
    return bool(hours & numbers.readings)


def _match(src: list[_Atom], tgt: list[_Atom]) -> tuple[list[_Atom], list[_Atom]]:
    """Maximum matching (Kuhn), required source values first; returns the unmatched on each side."""
    order = sorted(range(len(src)), key=lambda i: (src[i].spelled, src[i].kind == "time"))
    adjacency = {
        i: sorted(
            (j for j in range(len(tgt)) if _compatible(src[i], tgt[j])),
            key=lambda j: (tgt[j].kind != src[i].kind, tgt[j].spelled, src[i].shown != tgt[j].shown),
        )
        for i in order
    }
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in adjacency[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    matched = {i for i in order if augment(i, set())}
    return [src[i] for i in order if i not in matched], [t for j, t in enumerate(tgt) if j not in owner]


def _show(atom: _Atom) -> str:
    value = atom.shown
    if isinstance(value, Decimal):
        text = f"{value:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    elif atom.kind == "date" and isinstance(value, tuple):
        text = f"{value[0]:02d}-{value[1]:02d}"
    elif atom.kind == "month" and isinstance(value, tuple):
        text = f"month {value[0]}"
    elif atom.kind == "time" and isinstance(value, tuple):
        text = f"{value[0]:02d}:{value[1]:02d}"
    else:
        text = str(value)
    if atom.kind == "percent":
        text += "%"
    return f"{text} ({atom.origin.surface})"


def _value_findings(src: list[Value], tgt: list[Value]) -> list[QaFinding]:
    missing, extra = _match(_atoms(src), _atoms(tgt))
    findings: list[QaFinding] = []
    for check in dict.fromkeys(_CHECK_BY_KIND.values()):
        gone = [a for a in missing if _CHECK_BY_KIND[a.kind] == check]
        added = [a for a in extra if _CHECK_BY_KIND[a.kind] == check and not a.spelled]
        required = [a for a in gone if not a.spelled]
        if required or added:
            left = ", ".join(_show(a) for a in (required or gone))  # words only when nothing else is left
            right = ", ".join(_show(a) for a in added) if added else ""
            if left and right:
                message = f"source has {left}, target has {right}"
            elif left:
                message = f"source has {left}, target has no such value"
            else:
                message = f"target has {right}, source has no such value"
            findings.append(QaFinding(check, "error", message))
            continue
        worded = [a for a in gone if all(isinstance(r, Decimal) and r >= 11 for r in a.readings)]
        worded = [a for a in worded if len(a.readings) == 1]
        if worded:
            shown = ", ".join(_show(a) for a in worded)
            findings.append(
                QaFinding(check, "warning", f"source has {shown} in words, target has no such value")
            )
    return findings


# ----------------------------------------------------------------------------------------- other checks


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _identical(source: str, target: str, source_lang: str, target_lang: str) -> list[QaFinding]:
    if source_lang == target_lang or _norm(source) != _norm(target) or not regex.search(r"\p{L}", source):
        return []
    words = regex.findall(r"\p{L}+", source)
    severity: Severity = "error" if len(words) >= 3 else "warning"
    return [QaFinding("identical", severity, f"target is the source unchanged: {source[:80]!r}")]


def _placeholders(source: str, target: str) -> list[QaFinding]:
    findings = []
    for style in (PRIMARY, ALTERNATIVE):
        pat = style.pattern()
        have = Counter(style.token(int(n)) for n in pat.findall(source))
        left = Counter(style.token(int(n)) for n in pat.findall(target)) - have
        if left:
            tokens = ", ".join(sorted(left))
            findings.append(
                QaFinding("placeholder-left", "error", f"target still has pinning token(s) {tokens}")
            )
    generic = r"\{[\w.]*\}|%(?:\([\w]+\))?[sd]"
    src, tgt = Counter(regex.findall(generic, source)), Counter(regex.findall(generic, target))
    if src - tgt:
        gone = ", ".join(sorted(src - tgt))
        findings.append(QaFinding("placeholder-missing", "error", f"target lost placeholder(s) {gone}"))
    if tgt - src:
        added = ", ".join(sorted(tgt - src))
        findings.append(
            QaFinding("placeholder-left", "error", f"target has placeholder(s) {added} not in the source")
        )
    return findings


_UNIT = r"[\p{Han}\p{Hiragana}\p{Katakana}]|[\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]\p{M}*|[\p{L}\p{N}][\p{L}\p{M}\p{N}]*"


def _repeats(tokens: list[str], config: QaConfig, unspaced: bool) -> tuple[str, int] | None:
    """The longest-running repeated n-gram, as (text, times), when over the loop threshold."""
    longest = 12 if unspaced else 8
    best: tuple[str, int] | None = None
    for n in range(1, longest + 1):
        need = config.word_repeats if n == 1 else config.phrase_repeats
        if unspaced:  # one character is not a word: 谢谢 twice is polite, not a loop
            need = 6 if n == 1 else (4 if n <= 3 else config.phrase_repeats)
        i = 0
        while i + n <= len(tokens):
            times = 1
            while tokens[i + times * n : i + (times + 1) * n] == tokens[i : i + n]:
                times += 1
            if times >= need and (best is None or times * n > best[1] * len(best[0])):
                joiner = "" if unspaced else " "
                best = (joiner.join(tokens[i : i + n]), times)
            i += max(times - 1, 1) * n if times > 1 else 1
    return best


def _repetition(source: str, target: str, target_lang: str, config: QaConfig) -> list[QaFinding]:
    tokens = [t.casefold() for t in regex.findall(_UNIT, target)]
    found = _repeats(tokens, config, unspaced(target_lang))
    if found is None:
        return []
    text, times = found
    src_tokens = [t.casefold() for t in regex.findall(_UNIT, source)]
    in_source = _repeats(src_tokens, config, False) or _repeats(src_tokens, config, True)
    if in_source is not None and in_source[0] == text:
        return []
    return [QaFinding("repetition", "error", f"target repeats {text!r} {times} times in a row")]


def _visible(text: str) -> int:
    return len(regex.sub(r"\s", "", text))


def length_band(source_lang: str, target_lang: str, config: QaConfig = DEFAULT_CONFIG) -> tuple[float, float]:
    """The accepted target/source character ratio for a pair (e.g. en->zh about 0.2-0.8)."""
    if (source_lang, target_lang) in config.pair_bands:
        return config.pair_bands[(source_lang, target_lang)]
    expected = config.density.get(target_lang, 1.0) / config.density.get(source_lang, 1.0)
    return expected / config.band, expected * config.band


def _length(
    source: str, target: str, source_lang: str, target_lang: str, config: QaConfig
) -> list[QaFinding]:
    src, tgt = _visible(source), _visible(target)
    need = config.min_ratio_chars * config.density.get(source_lang, 1.0)
    if src < need or tgt == 0:
        return []
    low, high = length_band(source_lang, target_lang, config)
    ratio = tgt / src
    if low <= ratio <= high:
        return []
    return [
        QaFinding(
            "length-ratio",
            "warning",
            f"target/source length {ratio:.2f} ({tgt}/{src} characters) is outside "
            f"{low:.2f}-{high:.2f} for {source_lang}->{target_lang}",
        )
    ]


# ----------------------------------------------------------------------------------------- entry points


class QaChecker:
    """The checks for one language pair; build once per pair and reuse for every segment."""

    def __init__(self, source_lang: str, target_lang: str, config: QaConfig = DEFAULT_CONFIG) -> None:
        self.source_lang = source_lang.lower().split("-")[0]
        self.target_lang = target_lang.lower().split("-")[0]
        self.config = config
        self.source = Extractor(self.source_lang)
        self.target = self.source if self.target_lang == self.source_lang else Extractor(self.target_lang)

    def check(
        self, source: str, target: str, source_ignore: Sequence[Span] = (), target_ignore: Sequence[Span] = ()
    ) -> tuple[QaFinding, ...]:
        if not source.strip():
            return ()
        if not target.strip():
            return (QaFinding("empty", "error", "target is empty"),)
        src_values = self.source.extract(source, source_ignore)
        tgt_values = self.target.extract(target, target_ignore)
        findings = _identical(source, target, self.source_lang, self.target_lang)
        findings += _placeholders(source, target)
        findings += _value_findings(list(src_values), list(tgt_values))
        findings += _repetition(source, target, self.target_lang, self.config)
        findings += _length(source, target, self.source_lang, self.target_lang, self.config)
        return tuple(findings)


def check_segment(
    source: str,
    target: str,
    source_lang: str,
    target_lang: str,
    *,
    source_ignore: Sequence[Span] = (),
    target_ignore: Sequence[Span] = (),
    config: QaConfig = DEFAULT_CONFIG,
) -> tuple[QaFinding, ...]:
    """Every QA finding for one segment pair; ``*_ignore`` spans (glossary names, tokens) hold no facts."""
    return QaChecker(source_lang, target_lang, config).check(source, target, source_ignore, target_ignore)


def errors(findings: Iterable[QaFinding]) -> tuple[QaFinding, ...]:
    return tuple(f for f in findings if f.severity == "error")


def term_spans(pinner: Pinner, source: str, target: str) -> tuple[list[Span], list[Span]]:
    """Where the glossary's names stand on each side: their digits are part of a name, not a fact.

    Source spans are the pinner's hits; target spans are the occurrences of their approved forms.
    """
    hits = pinner.hits(source)
    src = [(h.start, h.end) for h in hits]
    forms = {form for h in hits if (form := pinner.approved(h)) is not None}
    flags = regex.IGNORECASE if cased(pinner.target_lang) else 0
    tgt = [
        m.span()
        for form in sorted(forms)
        for m in regex.finditer(form_pattern(form, pinner.target_lang), target, flags)
    ]
    return src, tgt
