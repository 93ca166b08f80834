"""QA checks per segment: facts compared as values across languages; the other checks by example."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from ggmulti.errors import QaInputError
from ggmulti.translate.qa import (
    MAX_SEGMENT_CHARS,
    QaChecker,
    QaFinding,
    check_segment,
    errors,
    extract_values,
    length_band,
)

SETTINGS = settings(derandomize=True, max_examples=120, deadline=None)
SOURCE = "The amount will go up from KRW 100,000 to KRW 150,000 per child each month."


def _checks(findings: tuple[QaFinding, ...], severity: str = "error") -> list[str]:
    return [f.check for f in findings if f.severity == severity]


def _numbers(text: str, lang: str) -> list[Decimal]:
    return [v.value for v in extract_values(text, lang) if v.kind == "number"]  # type: ignore[misc]


# ------------------------------------------------------------------------------ the example


def test_vi_target_turning_150000_into_15000_is_an_error_naming_both_numbers() -> None:
    target = "Mức hỗ trợ sẽ tăng từ 100.000 won lên 15.000 won cho mỗi trẻ mỗi tháng."
    findings = check_segment(SOURCE, target, "en", "vi")
    assert [(f.check, f.severity) for f in findings] == [("number-mismatch", "error")]
    assert findings[0].message == "source has 150000 (KRW 150,000), target has 15000 (15.000 won)"


def test_vi_dot_thousands_and_a_reworded_translation_pass() -> None:
    faithful = "Mức hỗ trợ sẽ tăng từ 100.000 won lên 150.000 won cho mỗi trẻ mỗi tháng."
    reworded = "Mỗi tháng, mỗi trẻ sẽ nhận 150.000 won thay vì 100.000 won như trước đây."
    assert check_segment(SOURCE, faithful, "en", "vi") == ()
    assert check_segment(SOURCE, reworded, "en", "vi") == ()


def test_a_dropped_number_is_an_error() -> None:
    findings = check_segment(SOURCE, "Mức hỗ trợ sẽ tăng lên 150.000 won mỗi tháng.", "en", "vi")
    assert _checks(findings) == ["number-mismatch"]
    assert "100000 (KRW 100,000)" in findings[0].message


# ------------------------------------------------------------------------------ numbers per language


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("每名儿童每月15万韩元。", "zh", 150_000),
        ("出口洽谈金额约达4900万美元。", "zh", 49_000_000),
        ("预算为1.5亿元。", "zh", 150_000_000),
        ("共有二十六家企业。", "zh", 26),
        ("一千五百人参加。", "zh", 1500),
        ("총 1억 5천만 원을 지원한다.", "ko", 150_000_000),
        ("매달 15만 원을 받는다.", "ko", 150_000),
        ("예산은 3조 2천억 원이다.", "ko", 3_200_000_000_000),
        ("राशि 1,50,000 वॉन हो जाएगी।", "hi", 150_000),
        ("राशि १,५०,००० वॉन हो जाएगी।", "hi", 150_000),
        ("लगभग 4.9 करोड़ अमेरिकी डॉलर", "hi", 49_000_000),
        ("लगभग 10 लाख अमेरिकी डॉलर", "hi", 1_000_000),
        ("tăng lên 150.000 won", "vi", 150_000),
        ("khoảng 1,5 tỷ won", "vi", 1_500_000_000),
        ("49 triệu USD", "vi", 49_000_000),
        ("ອີກ ໑໕໐,໐໐໐ ວອນ", "lo", 150_000),
        ("ມູນຄ່າປະມານ 49 ລ້ານໂດລາສະຫະລັດ", "lo", 49_000_000),
        ("จำนวน ๑๕๐,๐๐๐ วอน", "th", 150_000),
        ("a budget of KRW 100 trillion", "en", 100_000_000_000_000),
        ("talks worth about USD 49 million", "en", 49_000_000),
        ("a fund of 1.5 billion won", "en", 1_500_000_000),
        ("twenty-six companies", "en", 26),
        ("one hundred and five visitors", "en", 105),
        ("150 000 вон в месяц", "ru", 150_000),
    ],
)
def test_numbers_are_read_as_values(text: str, lang: str, value: int) -> None:
    assert _numbers(text, lang) == [Decimal(value)]


def test_idioms_written_with_numerals_are_not_numbers() -> None:
    assert (
        check_segment(
            "京畿道千万不要忘记一对一洽谈。", "Gyeonggi must never forget one-on-one talks.", "zh", "en"
        )
        == ()
    )
    source = "경기도는 외국인 아동 1인당 월 15만 원을 지원한다."
    assert check_segment(source, "Gyeonggi supports KRW 150,000 a month per foreign child.", "ko", "en") == ()
    wrong = check_segment(source, "Gyeonggi supports KRW 15,000 a month per foreign child.", "ko", "en")
    assert [f.message for f in errors(wrong)] == [
        "source has 150000 (15만 원), target has 15000 (KRW 15,000)"
    ]


def test_chinese_wan_equals_english_thousands() -> None:
    assert check_segment(SOURCE, "每名儿童每月的支援金额将由10万韩元提高至15万韩元。", "en", "zh") == ()
    bad = check_segment(SOURCE, "每名儿童每月的支援金额将由10万韩元提高至1.5万韩元。", "en", "zh")
    assert _checks(bad) == ["number-mismatch"]
    assert "150000 (KRW 150,000)" in bad[0].message and "15000 (1.5万韩元)" in bad[0].message


def test_hindi_lakh_grouping_equals_english_grouping() -> None:
    target = "यह राशि प्रति बच्चा हर महीने 1,00,000 वॉन से बढ़कर 1,50,000 वॉन हो जाएगी।"
    assert check_segment(SOURCE, target, "en", "hi") == ()


def test_numbers_in_words_are_optional_in_the_source_but_may_not_change() -> None:
    assert (
        check_segment(
            "Over three days, talks took place.", "Trong ba ngày, các cuộc đàm phán diễn ra.", "en", "vi"
        )
        == ()
    )
    assert check_segment("Seventy companies joined.", "Có 70 doanh nghiệp đã tham gia.", "en", "vi") == ()
    wrong = check_segment("Seventy companies joined.", "Có 17 doanh nghiệp đã tham gia.", "en", "vi")
    assert _checks(wrong) == ["number-mismatch"]
    assert wrong[0].message == "source has 70 (Seventy), target has 17 (17)"


def test_percentages_are_compared_as_percentages() -> None:
    source = "The rate rose by 30% this year."
    assert check_segment(source, "Tỷ lệ tăng 30 phần trăm trong năm nay.", "en", "vi") == ()
    assert check_segment(source, "今年比率上升了30%。", "en", "zh") == ()
    findings = check_segment(source, "今年比率上升了3%。", "en", "zh")
    assert _checks(findings) == ["number-mismatch"]
    assert "30% (30%)" in findings[0].message


# ------------------------------------------------------------------------------ dates and times


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("It opens on October 2.", "en"),
        ("Sự kiện khai mạc ngày 2 tháng 10.", "vi"),
        ("活动于10月2日开幕。", "zh"),
        ("행사는 10월 2일에 열린다.", "ko"),
        ("कार्यक्रम 2 अक्टूबर को शुरू होगा।", "hi"),
        ("ງານຈະເປີດໃນວັນທີ 2 ຕຸລາ.", "lo"),
        ("งานจะเปิดในวันที่ 2 ตุลาคม", "th"),
        ("Открытие 2 октября.", "ru"),
        ("Acara dibuka pada 2 Oktober.", "id"),
    ],
)
def test_dates_normalise_to_month_and_day(text: str, lang: str) -> None:
    dates = [v.value for v in extract_values(text, lang) if v.kind == "date"]
    assert dates == [(10, 2, 0)]


def test_date_ranges_share_their_month() -> None:
    source = "The expo runs from November 20 to 22."
    for target, lang in [
        ("Hội chợ diễn ra từ ngày 20 đến ngày 22 tháng 11.", "vi"),
        ("博览会将于11月20日至22日举行。", "zh"),
        ("एक्सपो 20 से 22 नवंबर तक चलेगा।", "hi"),
        ("ງານຈະຈັດຂຶ້ນແຕ່ວັນທີ 20 ຫາ 22 ພະຈິກ.", "lo"),
    ]:
        assert check_segment(source, target, "en", lang) == (), (lang, target)
    wrong = check_segment(source, "博览会将于11月20日至23日举行。", "en", "zh")
    assert _checks(wrong) == ["date-mismatch"]
    assert "11-22" in wrong[0].message and "11-23" in wrong[0].message


def test_a_changed_month_or_year_is_caught() -> None:
    source = "The awards were held on November 12, 2025."
    assert check_segment(source, "Lễ trao giải được tổ chức ngày 12 tháng 11 năm 2025.", "en", "vi") == ()
    assert check_segment(source, "颁奖典礼于2025年11月12日举行。", "en", "zh") == ()
    assert _checks(check_segment(source, "颁奖典礼于2025年12月12日举行。", "en", "zh")) == ["date-mismatch"]
    assert _checks(check_segment(source, "颁奖典礼于2024年11月12日举行。", "en", "zh")) == ["number-mismatch"]


def test_times_across_languages() -> None:
    source = "Doors open at 9 a.m."
    for target, lang in [
        ("문은 오전 9시에 열린다.", "ko"),
        ("上午9点开门。", "zh"),
        ("Cửa mở lúc 9 giờ sáng.", "vi"),
        ("Doors open at 09:00.", "en"),
    ]:
        assert check_segment(source, target, "en", lang) == (), (lang, target)
    assert _checks(check_segment(source, "문은 오후 9시에 열린다.", "en", "ko")) == ["time-mismatch"]
    assert _checks(check_segment("At 10:30 a.m., they met.", "上午10时40分，他们见面。", "en", "zh")) == [
        "time-mismatch"
    ]


# ------------------------------------------------------------------------------ phones, links, spans


def test_phone_numbers_urls_and_emails_must_survive() -> None:
    source = "Call 031-8008-2345, write to help@gg.go.kr or visit https://www.gg.go.kr/foreign."
    good = "Gọi 031-8008-2345, gửi thư tới help@gg.go.kr hoặc truy cập https://www.gg.go.kr/foreign."
    assert check_segment(source, good, "en", "vi") == ()
    bad = "Gọi 031-8008-2346, gửi thư tới help@gg.go.kr hoặc truy cập https://www.gg.go.kr/foreing."
    assert sorted(_checks(check_segment(source, bad, "en", "vi"))) == ["phone-mismatch", "url-mismatch"]
    phones = [v.value for v in extract_values("Call +82-31-8008-2345.", "en") if v.kind == "phone"]
    assert phones == ["823180082345"]


def test_numbers_inside_ignored_spans_do_not_count() -> None:
    source = "The event was held at Pangyo Techno Valley 2."
    target = "Sự kiện được tổ chức tại Thung lũng Công nghệ Pangyo."  # the glossary form has no number
    assert _checks(check_segment(source, target, "en", "vi")) == ["number-mismatch"]
    start = source.index("Pangyo")
    ignored = check_segment(
        source, target, "en", "vi", source_ignore=[(start, start + len("Pangyo Techno Valley 2"))]
    )
    assert ignored == ()


# ------------------------------------------------------------------------------ the other checks


def test_target_identical_to_source() -> None:
    sentence = "Gyeonggi Province will add support for foreign children."
    assert [(f.check, f.severity) for f in check_segment(sentence, sentence, "en", "vi")] == [
        ("identical", "error")
    ]
    assert [(f.check, f.severity) for f in check_segment("KINTEX", "KINTEX", "en", "vi")] == [
        ("identical", "warning")
    ]
    assert check_segment(sentence, sentence, "en", "en") == ()
    assert check_segment("2025", "2025", "en", "vi") == ()


def test_leftover_pinning_tokens() -> None:
    findings = errors(check_segment("Gyeonggi Province met KOTRA.", "T1 đã gặp KOTRA.", "en", "vi"))
    assert [f.check for f in findings] == ["placeholder-left"]
    assert "T1" in findings[0].message
    assert _checks(check_segment("It met KOTRA.", "Nó đã gặp ZX2.", "en", "vi")) == ["placeholder-left"]
    assert _checks(check_segment("Hello {name}.", "Xin chào.", "en", "vi")) == ["placeholder-missing"]


def test_repetition_loops() -> None:
    source = "The province will support foreign residents."
    stutter = "Tỉnh sẽ hỗ trợ hỗ trợ hỗ trợ hỗ trợ cư dân nước ngoài."
    assert _checks(check_segment(source, stutter, "en", "vi")) == ["repetition"]
    loop = "京畿道将支持外国居民外国居民外国居民外国居民。"
    assert _checks(check_segment(source, loop, "en", "zh")) == ["repetition"]
    assert check_segment(source, "京畿道将支持外国居民。", "en", "zh") == ()
    assert check_segment("Ha ha ha ha, he said.", "Ha ha ha ha, anh ấy nói.", "en", "vi") == ()


def test_length_ratio_outliers_are_warnings() -> None:
    low, high = length_band("en", "zh")
    assert 0.15 < low < 0.3 and 0.5 < high < 0.9
    low, high = length_band("zh", "en")
    assert 1.0 < low < 2.0 and 4.0 < high < 6.0
    source = "Prices and childcare costs are rising, and the province wants to help foreign families cope."
    short = check_segment(source, "物价上涨。", "en", "zh")
    assert [(f.check, f.severity) for f in short] == [("length-ratio", "warning")]
    assert errors(short) == ()
    assert (
        check_segment(source, "当前物价和保育费用持续上涨，京畿道希望借此帮助外籍家庭减轻负担。", "en", "zh")
        == ()
    )


def test_empty_target_and_oversized_segment() -> None:
    assert _checks(check_segment("It began in 2023.", "  ", "en", "vi")) == ["empty"]
    with pytest.raises(QaInputError, match="over the QA limit"):
        check_segment("x" * (MAX_SEGMENT_CHARS + 1), "y", "en", "vi")


# ------------------------------------------------------------------------------ properties

LOCALES = ["en", "vi", "zh", "ko", "ja", "lo", "hi", "th", "km", "mn", "ru", "uz", "ne", "tl", "id", "my"]
AMOUNTS = st.one_of(
    st.integers(min_value=0, max_value=10**13).map(Decimal),
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
)


@SETTINGS
@given(lang=st.sampled_from(LOCALES), amount=AMOUNTS)
def test_a_number_formatted_by_a_locale_reads_back_to_its_value(lang: str, amount: Decimal) -> None:
    text = f"— {format_decimal(amount, locale=lang)} —"
    assert _numbers(text, lang) == [amount], text


NATIVE_ZERO = {"hi": "०", "ne": "०", "lo": "໐", "th": "๐", "km": "០", "my": "၀"}


@SETTINGS
@given(lang=st.sampled_from(sorted(NATIVE_ZERO)), amount=AMOUNTS)
def test_native_digits_read_back_to_the_same_value(lang: str, amount: Decimal) -> None:
    zero = ord(NATIVE_ZERO[lang])
    text = format_decimal(amount, locale=lang).translate({ord("0") + d: zero + d for d in range(10)})
    assert _numbers(f"— {text} —", lang) == [amount], text


def _cjk(n: int, big: tuple[str, str], space: str) -> str:
    yi, wan, rest = n // 10**8, (n // 10**4) % 10**4, n % 10**4
    parts = [f"{yi}{big[1]}" if yi else "", f"{wan}{big[0]}" if wan else "", str(rest) if rest else ""]
    return space.join(p for p in parts if p) or "0"


@SETTINGS
@given(n=st.integers(min_value=1, max_value=10**12 - 1))
def test_wan_and_yi_style_numbers_read_back(n: int) -> None:
    assert _numbers(f"共{_cjk(n, ('万', '亿'), '')}韩元", "zh") == [Decimal(n)]
    assert _numbers(f"총 {_cjk(n, ('만', '억'), ' ')} 원", "ko") == [Decimal(n)]


TEMPLATES = {
    "vi": "Mỗi trẻ sẽ nhận {} won mỗi tháng.",
    "zh": "每名儿童每月可获得{}韩元。",
    "lo": "ເດັກແຕ່ລະຄົນຈະໄດ້ຮັບ {} ວອນ ຕໍ່ເດືອນ.",
    "hi": "प्रत्येक बच्चे को हर महीने {} वॉन मिलेंगे।",
    "th": "เด็กแต่ละคนจะได้รับ {} วอนต่อเดือน",
    "ru": "Каждый ребёнок получит {} вон в месяц.",
    "id": "Setiap anak akan menerima {} won per bulan.",
}


@SETTINGS
@given(
    lang=st.sampled_from(sorted(TEMPLATES)),
    amount=st.integers(min_value=1, max_value=10**10),
    change=st.sampled_from(["digit", "times10", "drop", "plus"]),
    where=st.integers(min_value=0, max_value=20),
)
def test_an_injected_change_to_a_number_is_always_caught(
    lang: str, amount: int, change: str, where: int
) -> None:
    digits = str(amount)
    i = where % len(digits)
    if change == "digit":
        changed = digits[:i] + str((int(digits[i]) + 1) % 10) + digits[i + 1 :]
    elif change == "times10":
        changed = digits + "0"
    elif change == "drop":
        changed = (digits[:i] + digits[i + 1 :]) or "7"
    else:
        changed = str(amount + where + 1)
    wrong = int(changed)
    if wrong == amount:
        wrong = amount + 1
    source = f"Each child will receive KRW {amount:,} per month."
    checker = QaChecker("en", lang)
    right_text = TEMPLATES[lang].format(format_decimal(amount, locale=lang))
    wrong_text = TEMPLATES[lang].format(format_decimal(wrong, locale=lang))
    assert checker.check(source, right_text) == ()
    found = errors(checker.check(source, wrong_text))
    assert [f.check for f in found] == ["number-mismatch"], wrong_text
    assert f"{amount} (KRW {amount:,})" in found[0].message


def test_compound_chinese_magnitudes_multiply() -> None:
    """100万亿 is 100 x 10^4 x 10^8 (100 trillion), not 100 x 10^4 + 10^8."""
    from ggmulti.translate.qa import QaChecker, errors

    checker = QaChecker("zh", "en")
    assert not errors(checker.check("吸引100万亿韩元投资。", "Attract KRW 100 trillion in investment."))
    assert errors(checker.check("吸引100万亿韩元投资。", "Attract KRW 100 billion in investment."))


@pytest.mark.parametrize(
    ("lang", "target"),
    [
        ("vi", "Đường dây mở cửa 24 giờ mỗi ngày."),
        ("vi", "Đường dây mở cửa 24 tiếng mỗi ngày."),
        ("zh", "热线每天24小时开通。"),
        ("hi", "हेल्पलाइन दिन में 24 घंटे खुली रहती है।"),
        ("lo", "ສາຍດ່ວນເປີດ 24 ຊົ່ວໂມງຕໍ່ມື້."),
    ],
)
def test_a_duration_is_a_count_not_a_clock_time(lang: str, target: str) -> None:
    source = "The helpline is open 24 hours a day."
    assert QaChecker("en", lang).check(source, target) == ()
    (value,) = extract_values(target, lang)
    assert (value.kind, value.value) == ("number", Decimal(24))  # 24 hours, never 00:00
    wrong = target.replace("24", "25")
    assert _checks(QaChecker("en", lang).check(source, wrong)) == ["number-mismatch"]


def test_a_clock_hour_word_stays_a_time_where_it_reads_as_one() -> None:
    for text in ("Trung tâm mở cửa lúc 9 giờ.", "Trung tâm mở cửa từ 9 giờ sáng.", "Họp lúc 9 giờ 30."):
        kinds = [v.kind for v in extract_values(text, "vi")]
        assert kinds == ["time"], (text, kinds)
    source = "The centre opens at 9 a.m."
    assert _checks(QaChecker("en", "vi").check(source, "Trung tâm mở cửa lúc 10 giờ sáng.")) == [
        "time-mismatch"
    ]


def test_unit_words_come_from_cldr() -> None:
    from ggmulti.translate.qa_units import unit_words

    vi, zh, hi = unit_words("vi"), unit_words("zh"), unit_words("hi")
    assert vi["giờ"] == vi["tiếng"] == "hour" and vi["năm"] == "year" and vi["người"] == "people"
    assert zh["小时"] == "hour" and zh["个月"] == "month" and "月" not in zh  # 6月 is June
    assert hi["घंटे"] == "hour" and hi["प्रतिशत"] == "percent" and hi["दक्षिण कोरियाई वॉन"] == "won"
    assert "h" not in unit_words("en")  # narrow forms would read codes as durations
