"""`glossary suggest`: names the sources use that the glossary does not pin yet, with counts and an example."""

from __future__ import annotations

from pathlib import Path

from ggmulti.glossary.model import Glossary, Term
from ggmulti.glossary.suggest import suggest
from ggmulti.model import Release

GLOSSARY = Glossary(
    (Term(id="gyeonggi-province", kind="places", forms={"en": "Gyeonggi Province", "vi": "tỉnh Gyeonggi"}),)
)


def _release(*paragraphs: str) -> Release:
    return Release("r1", "A Title In Title Case", "2025-11-01", "en", paragraphs, "r1.md")


def test_unpinned_names_acronyms_and_titled_people_are_suggested_with_counts() -> None:
    found = suggest(
        [
            _release(
                "Gyeonggi Province and the Korea Frontiers Forum met in Pangyo. Governor Kim Dong-yeon spoke.",
                "KOICA joined the Korea Frontiers Forum again. It costs KRW 150,000.",
            )
        ],
        GLOSSARY,
    )
    by_text = {s.text: s for s in found}
    assert by_text["Korea Frontiers Forum"].count == 2
    assert "Pangyo" in by_text["Korea Frontiers Forum"].example  # the sentence it was first seen in
    assert "KOICA" in by_text and "Governor Kim Dong-yeon" in by_text
    assert "Gyeonggi Province" not in by_text  # pinned already
    assert "KRW" not in by_text  # a currency, not a name
    assert found[0].text == "Korea Frontiers Forum"  # most frequent first


def test_nothing_to_suggest_when_everything_is_pinned(tmp_path: Path) -> None:
    assert suggest([_release("Gyeonggi Province opened a centre.")], GLOSSARY) == []
