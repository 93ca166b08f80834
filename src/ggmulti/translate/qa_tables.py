"""Word tables the QA extractors read numbers, amounts, times and dates with, per language.

Kept as data: the extractors (qa_extract.py) build their patterns from these once per language.
"""

from __future__ import annotations

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
