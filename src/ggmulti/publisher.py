"""The publisher's name in each language: the glossary's forms of the entry whose English form is
``[publisher] name``, so a glossary rename reaches every output (site title, footers, feeds, covers,
PDF bylines, ID3 artist, EPUB publisher). Without such an entry or form, the English name, marked so.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import Config
from .glossary.match import capitalised
from .glossary.model import Glossary, Term


@dataclass(frozen=True)
class Name:
    text: str  # as it stands inside a phrase ("Bản tin báo chí tỉnh Gyeonggi")
    lang: str  # the language it is written in (the edition's, or "en" when the glossary lacks it)

    @property
    def alone(self) -> str:
        """Standing alone (a footer, an author field): a cased script starts with a capital."""
        return capitalised(self.text, self.lang)


def _entry(config: Config, glossary: Glossary | None) -> Term | None:
    wanted = config.publisher.name.casefold()
    if glossary is None:
        return None
    return next((t for t in glossary.terms if t.forms.get("en", "").casefold() == wanted), None)


def publisher_name(config: Config, glossary: Glossary | None, lang: str) -> Name:
    term = _entry(config, glossary)
    form = term.forms.get(lang) if term is not None else None
    return Name(form, lang) if form else Name(config.publisher.name, "en")
