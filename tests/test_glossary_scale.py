"""`glossary check` on large glossaries: the indexed overlap check finds what comparing every pair finds,
a 20,000-entry glossary reports every planted problem, and invisible forms are refused with file:line."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from ggmulti.config import load_config
from ggmulti.errors import GlossaryError
from ggmulti.glossary.check import Problem, overlaps
from ggmulti.glossary.load import check_directory, load_glossary, load_texts
from ggmulti.glossary.match import Matcher, _body, _bounds, cased, contains_form, normalise
from ggmulti.glossary.model import Glossary, Term
from ggmulti.model import TermHit

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = {code: cfg.script for code, cfg in load_config(ROOT / "ggmulti.toml").languages.items()}


def _gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "glossary_gen", ROOT / "tests" / "fixtures" / "glossary_gen.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["glossary_gen"] = module
    spec.loader.exec_module(module)
    return module


def every_pair(glossary: Glossary) -> list[Problem]:
    """The overlap check as it was: every ordered pair of forms through contains_form."""
    found: list[Problem] = []
    by_lang: dict[str, list[tuple[str, Term]]] = defaultdict(list)
    for term in glossary.terms:
        for lang in set(term.forms) | set(term.variants):
            by_lang[lang].extend((f, term) for f in term.source_forms(lang))
    for lang, forms in sorted(by_lang.items()):
        for short, st_ in forms:
            for long, lt in forms:
                if st_.id != lt.id and len(short) < len(long) and contains_form(long, short, lang):
                    found.append(
                        Problem(
                            lt.file,
                            lt.line,
                            f"overlap ({lang}): '{short}' ({st_.id}) is inside '{long}' ({lt.id}); "
                            "the longer form wins where both match",
                            error=False,
                        )
                    )
    return found


def test_overlaps_match_every_pair_on_a_generated_glossary(tmp_path: Path) -> None:
    folder = _gen().generate(400, seed=7).write(tmp_path / "g")
    glossary, _ = check_directory(folder, SCRIPTS)
    assert len(glossary.terms) == 400
    expected = every_pair(glossary)
    assert len(expected) >= 24  # the planted annexes, in every language, at least
    assert overlaps(glossary) == expected


PIECES = ["Gyeonggi", "gyeonggi", "Province", "Provinces", "s", "S", "ss", "Centre", "-do", "'s", "2", "x"]
UNSPACED_PIECES = ["京畿", "道", "京", "厅", "s", "道厅"]


@st.composite
def glossaries(draw: st.DrawFn) -> Glossary:
    terms = []
    for i in range(draw(st.integers(1, 7))):
        forms: dict[str, str] = {}
        variants: dict[str, tuple[str, ...]] = {}
        for lang, pieces, sep in (
            ("en", PIECES, st.sampled_from([" ", "  ", ""])),
            ("zh", UNSPACED_PIECES, st.just("")),
        ):
            made = [
                draw(sep).join(draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=4)))
                for _ in range(draw(st.integers(0, 3)))
            ]
            if made:
                forms[lang] = made[0]
                if made[1:]:
                    variants[lang] = tuple(made[1:])
        terms.append(Term(id=f"t{i % 5}", kind="places", forms=forms or {"en": "x"}, variants=variants))
    return Glossary(tuple(terms))


@settings(derandomize=True, max_examples=300, deadline=None)
@given(glossaries())
def test_overlaps_match_every_pair(glossary: Glossary) -> None:
    """Plurals, possessives, case, doubled spaces, forms that are only "s", repeated ids and forms."""
    assert overlaps(glossary) == every_pair(glossary)


def test_twenty_thousand_entries_report_every_planted_problem(tmp_path: Path) -> None:
    gen = _gen().generate(20_000, seed=1)
    glossary, problems = check_directory(gen.write(tmp_path / "g"), SCRIPTS)
    assert len(glossary.terms) == 20_000
    errors = [p.message for p in problems if p.error]
    notes = {p.message for p in problems if not p.error}
    assert gen.overlaps and gen.duplicate_ids and gen.shared_forms and gen.invisible
    for lang, short_id, short, long_id, long in gen.overlaps:
        assert (
            f"overlap ({lang}): '{short}' ({short_id}) is inside '{long}' ({long_id}); "
            "the longer form wins where both match"
        ) in notes
    expected = [f"duplicate id '{i}'" for i in gen.duplicate_ids]
    expected += [f"en form '{form.casefold()}' belongs to " for form, _, _ in gen.shared_forms]
    expected += [f"{i}: vi form " for i in gen.invisible] + [f"{i}: ko form " for i in gen.invisible]
    for start in expected:
        assert any(e.startswith(start) for e in errors), start
    # Nothing else is wrong with the generated entries.
    assert len(errors) == len(expected), "\n".join(errors)


@pytest.mark.parametrize(
    ("lang", "form", "why"),
    [
        ("vi", "\u200b", "has no visible letter or digit (U+200B)"),
        ("vi", "\u200d\u2060", "has no visible letter or digit (U+200D U+2060)"),
        ("ko", "\u3164", "has no visible letter or digit (U+3164)"),  # Hangul filler: a letter not shown
        ("vi", "—", "has no visible letter or digit (U+2014)"),
        ("vi", "...", "has no visible letter or digit (U+002E U+002E U+002E)"),
        ("vi", "\u200bSuwon", "starts or ends with an invisible character (U+200B)"),
        ("vi", "Suwon\u200d", "starts or ends with an invisible character (U+200D)"),
        ("vi", "\ufeffSuwon", "starts or ends with an invisible character (U+FEFF)"),
        ("vi", "Suwon\u00ad", "starts or ends with an invisible character (U+00AD)"),
    ],
)
def test_invisible_forms_are_refused_with_file_and_line(
    tmp_path: Path, lang: str, form: str, why: str
) -> None:
    (tmp_path / "a.yaml").write_text(
        "kind: places\nentries:\n  - id: fine\n    forms: {en: Suwon City}\n"
        f"  - id: hidden\n    forms: {{en: Ansan, {lang}: {json.dumps(form)}}}\n",
        encoding="utf-8",
    )
    _, problems = check_directory(tmp_path, SCRIPTS)
    assert [str(p) for p in problems if p.error] == [
        f"{tmp_path / 'a.yaml'}:5: error: hidden: {lang} form {form!r} {why}"
    ]
    with pytest.raises(GlossaryError, match=f"hidden: {lang} form"):
        load_glossary(tmp_path, SCRIPTS)


def test_invisible_variants_and_spoken_forms_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "kind: places\nentries:\n  - id: hidden\n    forms: {en: Ansan}\n"
        '    variants: {en: ["\u200b"]}\n    spoken: {en: "An-san\u200b"}\n',
        encoding="utf-8",
    )
    _, problems = check_directory(tmp_path, SCRIPTS)
    errors = [p.message for p in problems if p.error]
    assert errors == [
        "hidden: en form '\\u200b' has no visible letter or digit (U+200B)",
        "hidden: spoken en form 'An-san\\u200b' starts or ends with an invisible character (U+200B)",
    ]


def test_joiners_inside_a_form_are_kept(tmp_path: Path) -> None:
    """Sinhala conjuncts need ZWJ between letters; only the ends of a form must show."""
    (tmp_path / "a.yaml").write_text(
        "kind: places\nentries:\n  - id: lanka\n    forms: {en: Sri Lanka, si: ශ්\u200dරී ලංකා}\n",
        encoding="utf-8",
    )
    _, problems = check_directory(tmp_path, SCRIPTS)
    assert [p for p in problems if p.error] == []


def alternation_hits(glossary: Glossary, lang: str, text: str) -> list[TermHit]:
    """Matcher as it was: one regex alternation of every form, longest first."""
    forms: dict[str, tuple[str, str]] = {}
    for term in glossary.terms:
        for form in term.source_forms(lang):
            forms.setdefault(normalise(form, lang), (term.id, form))
    ordered = sorted(forms.values(), key=lambda item: (-len(item[1]), item[1]))
    if not ordered:
        return []
    before, after = _bounds(lang)
    alternation = "|".join(f"(?P<t{i}>{_body(form, lang)})" for i, (_, form) in enumerate(ordered))
    pattern = regex.compile(f"{before}(?:{alternation}){after}", regex.IGNORECASE if cased(lang) else 0)
    return [
        TermHit(ordered[int(str(m.lastgroup)[1:])][0], m.start(), m.end(), m.group())
        for m in pattern.finditer(text)
    ]


MATCH_PIECES = ["Gyeonggi", "Province", "Centre", "-do", "s", "KOICA", "İstanbul", "ıi", "Straße", "ΣΑΣ", "ﬆ"]
TEXT_PIECES = [
    *MATCH_PIECES,
    "gyeonggi",
    "GYEONGGI",
    "provinces",
    "'s",
    "’s",
    "es",
    "istanbul",
    "ISTANBUL",
    "STRASSE",
    "σας",
    "ﬅ",
    "\u1fd3",
    "\u0390",
    " ",
    "  ",
    "\n",
    "\u00a0",
    "\u3000",
    "x",
    ",",
    "京畿",
    "道",
]


@st.composite
def matcher_cases(draw: st.DrawFn) -> tuple[Glossary, str, str]:
    lang = draw(st.sampled_from(["en", "vi", "zh", "ko"]))
    pieces = MATCH_PIECES + (["京畿", "道", "京", "厅"] if lang in ("zh", "ko") else [])
    terms = []
    for i in range(draw(st.integers(1, 6))):
        made = [
            draw(st.sampled_from([" ", "  ", ""])).join(
                draw(st.lists(st.sampled_from(pieces), min_size=1, max_size=3))
            )
            for _ in range(draw(st.integers(1, 3)))
        ]
        terms.append(Term(id=f"t{i}", kind="places", forms={lang: made[0]}, variants={lang: tuple(made[1:])}))
    text = "".join(draw(st.lists(st.sampled_from(TEXT_PIECES), max_size=25)))
    return Glossary(tuple(terms)), lang, text


@settings(derandomize=True, max_examples=500, deadline=None)
@given(matcher_cases())
def test_matcher_finds_what_the_alternation_finds(case: tuple[Glossary, str, str]) -> None:
    glossary, lang, text = case
    assert Matcher(glossary, lang).find(text) == alternation_hits(glossary, lang, text)


def test_matcher_on_generated_text_finds_what_the_alternation_finds() -> None:
    glossary, _ = load_texts(_gen().generate(600, seed=5).files)
    for lang in ("en", "zh", "vi", "lo", "hi", "ko"):
        forms = [t.forms[lang] for t in glossary.terms if lang in t.forms]
        text = " and ".join(forms[::7]) + ", ".join(f.upper() + "'s" for f in forms[1::9])
        expected = alternation_hits(glossary, lang, text)
        assert len(expected) > 50
        assert Matcher(glossary, lang).find(text) == expected
