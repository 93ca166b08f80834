"""Glossary values: terms as loaded, hits in a text, and the outcome of pinning each hit."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Term:
    """One approved entry. ``forms[lang]`` is the approved form in that language."""

    id: str
    kind: str  # the file it lives in: places, people, organizations, programs, ...
    forms: dict[str, str]
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)
    spoken: dict[str, str] = field(default_factory=dict)
    dnt: bool = False  # do not translate: every language keeps the source form (e.g. KOICA)
    note: str = ""
    review: tuple[str, ...] = ()  # languages whose forms still need a native reviewer
    file: str = ""
    line: int = 0

    def source_forms(self, lang: str) -> tuple[str, ...]:
        """Everything that counts as this term in a text written in ``lang``."""
        main = (self.forms[lang],) if lang in self.forms else ()
        return main + self.variants.get(lang, ())

    def target_form(self, source_lang: str, target_lang: str) -> str | None:
        """The approved rendering in ``target_lang``; None when the glossary has none (reported, not guessed)."""
        if self.dnt:
            return self.forms.get(source_lang)
        return self.forms.get(target_lang)


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]

    def by_id(self) -> dict[str, Term]:
        return {t.id: t for t in self.terms}
