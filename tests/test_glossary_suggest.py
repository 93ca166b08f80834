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


def test_whole_names_not_fragments() -> None:
    """The fragments a reviewer saw ("AI-", "Companies A", "Nine Korean", "Korea-U", "Boston and Washington")."""
    release = _release(
        "Nine Korean organizations received awards. Its use of artificial intelligence (AI) won praise.",
        "Kim wants its AI-driven model to lead. He will visit Boston and Washington, D.C. He aims high.",
        "He will sign an MOU with Company E and hold talks with Companies A and S.",
        'His keynote is titled "The Engine Driving the Korea-U.S. Alliance." Fourteen Nigerian officials came.',
        "Um Ki-man, Director of Gyeonggi Province's Family Policy Division, spoke at the Gyeonggi Business & "
        "Science Accelerator.",
    )
    found = {s.text: s for s in suggest([release], GLOSSARY)}
    assert {"Boston", "Washington", "D.C.", "Um Ki-man", "Gyeonggi Business & Science Accelerator"} <= set(
        found
    )
    assert "Engine Driving the Korea-U.S. Alliance" in found  # "U.S." kept whole
    # The pinned name stays inside the longer name it belongs to, as the text writes it.
    assert "Director of Gyeonggi Province's Family Policy Division" in found
    assert not any("Director of the" in t or t == "Family Policy Division" for t in found)
    for noise in ("AI", "AI-", "Company E", "Companies A", "Korean", "Nine Korean", "Nigerian", "He", "S"):
        assert noise not in found, noise
    for s in found.values():
        assert s.text in " ".join(release.paragraphs)  # every suggestion is a phrase of the text
