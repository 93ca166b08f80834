"""Term matching: longest first, tolerant of case and spacing, word boundaries only where words have spaces."""

from __future__ import annotations

from ggmulti.glossary.match import Matcher
from ggmulti.glossary.model import Glossary, Term

GLOSSARY = Glossary(
    (
        Term(
            "province",
            "places",
            {"en": "Gyeonggi Province", "zh": "京畿道", "lo": "ແຂວງກຽງກີ"},
            {"en": ("Gyeonggi-do",)},
        ),
        Term(
            "centre", "organizations", {"en": "Gyeonggi Province Centre for the Fourth Industrial Revolution"}
        ),
        Term("center", "programs", {"en": "Multicultural Family Support Center"}),
        Term("koica", "organizations", {"en": "KOICA"}, dnt=True),
        Term("kim", "people", {"en": "Dong Yeon Kim", "zh": "金东渊"}),
    )
)


def surfaces(lang: str, text: str) -> list[tuple[str, str]]:
    return [(h.term_id, h.surface) for h in Matcher(GLOSSARY, lang).find(text)]


def test_longest_form_wins() -> None:
    text = "The Gyeonggi Province Centre for the Fourth Industrial Revolution opened; Gyeonggi Province paid."
    assert surfaces("en", text) == [
        ("centre", "Gyeonggi Province Centre for the Fourth Industrial Revolution"),
        ("province", "Gyeonggi Province"),
    ]


def test_case_and_whitespace_tolerant_in_cased_languages() -> None:
    assert surfaces("en", "GYEONGGI   province and gyeonggi\nProvince") == [
        ("province", "GYEONGGI   province"),
        ("province", "gyeonggi\nProvince"),
    ]


def test_possessive_stays_outside_plural_inside() -> None:
    hits = Matcher(GLOSSARY, "en").find(
        "Gyeonggi Province's plan for two Multicultural Family Support Centers"
    )
    assert [(h.term_id, h.surface) for h in hits] == [
        ("province", "Gyeonggi Province"),
        ("center", "Multicultural Family Support Centers"),
    ]


def test_word_boundaries_in_spaced_scripts() -> None:
    assert surfaces("en", "KOICAN and XKOICA are not KOICA") == [("koica", "KOICA")]
    assert surfaces("en", "Gyeonggi-do") == [("province", "Gyeonggi-do")]


def test_unspaced_scripts_match_inside_runs() -> None:
    assert surfaces("zh", "京畿道知事金东渊表示，京畿道将继续支持") == [
        ("province", "京畿道"),
        ("kim", "金东渊"),
        ("province", "京畿道"),
    ]
    assert surfaces("lo", "ແຂວງກຽງກີໄດ້ປະກາດ") == [("province", "ແຂວງກຽງກີ")]


def test_no_forms_in_language_matches_nothing() -> None:
    assert surfaces("vi", "tỉnh Gyeonggi") == []
