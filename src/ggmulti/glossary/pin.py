"""Pinning approved term forms through machine translation, in layers, recording the layer per hit.

1. placeholder: each term becomes a token the engine copies (``T1``), restored to the approved form;
2. hypothesis: if a token was lost or duplicated, the engine's lower-ranked hypotheses are tried;
3. alternative: a second token style (``ZX1``) for the segments still failing;
4. split: translate the text around the terms and join it with the approved forms.
A hit with no approved form in the target language is reported missed, never guessed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import regex

from ..model import Layer, TermCheck, TermHit
from .match import Matcher, capitalised, cased, unspaced
from .model import Glossary, Term

if TYPE_CHECKING:
    from ..translate.api import Translator

N_HYPOTHESES = 4


def _latin_edge(ch: str) -> bool:
    return bool(ch) and bool(regex.match(r"[\p{Latin}\p{N}]", ch))


@dataclass(frozen=True)
class Style:
    prefix: str

    def token(self, n: int) -> str:
        return f"{self.prefix}{n}"

    def pattern(self) -> regex.Pattern[str]:
        return regex.compile(rf"(?<![\p{{L}}\p{{N}}]){self.prefix}\s?(\d+)(?!\p{{N}})", regex.IGNORECASE)


PRIMARY = Style("T")
ALTERNATIVE = Style("ZX")


@dataclass(frozen=True)
class Protected:
    """A source text with its pinnable hits replaced by numbered tokens (``slots``)."""

    source: str
    text: str
    slots: tuple[TermHit, ...]  # hits with an approved target form, in token order (T1, T2, ...)
    style: Style | None  # None: the style's token already occurs in the source, so it cannot be used


@dataclass(frozen=True)
class PinnedText:
    text: str
    checks: tuple[TermCheck, ...]


class Pinner:
    """Terms of one language pair; built once per build and language, reused for every segment."""

    def __init__(
        self,
        glossary: Glossary,
        source_lang: str,
        target_lang: str,
        matcher: Callable[[], Matcher] | None = None,
        known: dict[str, list[TermHit]] | None = None,
    ) -> None:
        """``matcher``: where to get the source language's Matcher when one is needed (shared by the
        pinners of every target language); ``known``: hits already found, by text (a cache's answers)."""
        self.source_lang = source_lang
        self.target_lang = target_lang
        self._glossary = glossary
        self._make_matcher = matcher
        self._matcher: Matcher | None = None
        self.known: dict[str, list[TermHit]] = {} if known is None else known
        self.terms: dict[str, Term] = glossary.by_id()

    @property
    def matcher(self) -> Matcher:
        """Compiled on first use: a build whose hits all come from the cache never compiles one."""
        if self._matcher is None:
            make = self._make_matcher
            self._matcher = make() if make is not None else Matcher(self._glossary, self.source_lang)
        return self._matcher

    def hits(self, text: str) -> list[TermHit]:
        found = self.known.get(text)
        if found is None:
            found = self.known[text] = self.matcher.find(text)
        return list(found)

    def approved(self, hit: TermHit) -> str | None:
        return self.terms[hit.term_id].target_form(self.source_lang, self.target_lang)

    # ---------------------------------------------------------------- protection

    def protect(self, text: str, style: Style) -> Protected:
        hits = self.hits(text)
        slots = tuple(h for h in hits if self.approved(h) is not None)
        if not slots:
            return Protected(text, text, (), style)
        if style.pattern().search(text):
            return Protected(text, text, slots, None)
        pad = " " if unspaced(self.source_lang) else ""
        out, pos = [], 0
        for n, hit in enumerate(slots, start=1):
            out.append(text[pos : hit.start])
            out.append(f"{pad}{style.token(n)}{pad}")
            pos = hit.end
        out.append(text[pos:])
        return Protected(text, " ".join("".join(out).split()), slots, style)

    def restore(self, protected: Protected, output: str) -> str | None:
        """The output with approved forms in place, or None if any token is missing, duplicated or unknown."""
        if protected.style is None:
            return None
        if not protected.slots:
            return output
        pattern = protected.style.pattern()
        found = Counter(int(m.group(1)) for m in pattern.finditer(output))
        if found != Counter(range(1, len(protected.slots) + 1)):
            return None

        def put(m: regex.Match[str]) -> str:
            form = self.approved(protected.slots[int(m.group(2)) - 1])
            assert form is not None
            if not unspaced(self.target_lang):
                return f"{m.group(1)}{form}{m.group(3)}"
            # In scripts without word spaces the engine's spaces around a token are padding, except
            # between two Latin words or numbers ("KOICA 2025").
            before = m.string[m.start() - 1 : m.start()] if m.start() else ""
            after = m.string[m.end() : m.end() + 1]
            left = " " if m.group(1) and _latin_edge(before) and _latin_edge(form[0]) else ""
            right = " " if m.group(3) and _latin_edge(after) and _latin_edge(form[-1]) else ""
            return f"{left}{form}{right}"

        spaced = regex.compile(rf"(\s*){pattern.pattern}(\s*)", pattern.flags)
        return self._tidy(spaced.sub(put, output))

    def _tidy(self, text: str) -> str:
        return capitalised(" ".join(text.split()), self.target_lang)

    # ---------------------------------------------------------------- the layers

    def translate(self, texts: Sequence[str], translator: Translator) -> list[PinnedText]:
        """Translate ``texts`` in batches, one engine call per layer for all texts still unpinned."""
        results: list[PinnedText | None] = [None] * len(texts)
        primary = [self.protect(t, PRIMARY) for t in texts]

        outputs = translator.translate([p.text for p in primary])
        pending = []
        for i, (p, out) in enumerate(zip(primary, outputs, strict=True)):
            restored = self.restore(p, out)
            if restored is not None:
                results[i] = self._pinned(p, restored, Layer.PLACEHOLDER)
            else:
                pending.append(i)

        if pending:
            usable = [i for i in pending if primary[i].style is not None]
            if usable:
                nbest = translator.hypotheses([primary[i].text for i in usable], N_HYPOTHESES)
                for i, hyps in zip(usable, nbest, strict=True):
                    for hyp in hyps[1:]:
                        restored = self.restore(primary[i], hyp)
                        if restored is not None:
                            results[i] = self._pinned(primary[i], restored, Layer.HYPOTHESIS)
                            break
            pending = [i for i in pending if results[i] is None]

        if pending:
            alternative = {i: self.protect(texts[i], ALTERNATIVE) for i in pending}
            usable = [i for i in pending if alternative[i].style is not None]
            if usable:
                outs = translator.translate([alternative[i].text for i in usable])
                for i, out in zip(usable, outs, strict=True):
                    restored = self.restore(alternative[i], out)
                    if restored is not None:
                        results[i] = self._pinned(alternative[i], restored, Layer.ALTERNATIVE)
            pending = [i for i in pending if results[i] is None]

        if pending:
            for i, pinned in zip(
                pending, self._split([primary[i] for i in pending], translator), strict=True
            ):
                results[i] = pinned
        return [r for r in results if r is not None]

    def _split(self, items: Sequence[Protected], translator: Translator) -> list[PinnedText]:
        """Last layer: translate the pieces between terms on their own and join them with the approved forms."""
        pieces: list[list[str]] = []
        for p in items:
            parts, pos = [], 0
            for hit in p.slots:
                parts.append(p.source[pos : hit.start])
                pos = hit.end
            parts.append(p.source[pos:])
            pieces.append(parts)
        wanted = sorted({part.strip() for parts in pieces for part in parts if regex.search(r"\p{L}", part)})
        translated = {}
        if wanted:
            for piece, hyps in zip(wanted, translator.hypotheses(wanted, N_HYPOTHESES), strict=True):
                translated[piece] = self._plausible(piece, hyps)
        joiner = "" if unspaced(self.target_lang) else " "
        out = []
        for p, parts in zip(items, pieces, strict=True):
            chunks: list[str] = []
            for n, part in enumerate(parts):
                piece = translated.get(part.strip(), part.strip())
                if piece:
                    chunks.append(
                        piece.rstrip("。.")
                        if n < len(parts) - 1
                        and piece.endswith(("。", "."))
                        and not part.strip().endswith(("。", "."))
                        else piece
                    )
                if n < len(p.slots):
                    form = self.approved(p.slots[n])
                    assert form is not None
                    chunks.append(form)
            text = joiner.join(c for c in chunks if c)
            text = regex.sub(r"\s+([,.;:!?)\]])", r"\1", text)
            out.append(self._pinned(p, self._tidy(text), Layer.SPLIT))
        return out

    def _plausible(self, piece: str, hypotheses: Sequence[str]) -> str:
        """Short fragments make engines hallucinate whole sentences: take a hypothesis of sane length."""
        factor = 4 if unspaced(self.source_lang) else 2
        limit = factor * len(piece) + 12
        for hyp in hypotheses:
            if len(hyp) <= limit:
                return hyp
        return ""  # every hypothesis is a hallucination: leaving the fragment out is the lesser harm

    def _pinned(self, p: Protected, text: str, layer: Layer) -> PinnedText:
        checks = [TermCheck(h.term_id, h.surface, self.approved(h), True, layer) for h in p.slots]
        checks += self._unpinnable(p.source)
        return PinnedText(text, tuple(checks))

    def _unpinnable(self, source: str) -> list[TermCheck]:
        return [
            TermCheck(h.term_id, h.surface, None, False, None, f"no approved {self.target_lang} form")
            for h in self.hits(source)
            if self.approved(h) is None
        ]

    # ---------------------------------------------------------------- texts not made by the engine

    def check_existing(self, source: str, translation: str, layer: Layer) -> tuple[TermCheck, ...]:
        """Checks for a translation made elsewhere (approved memory, the source itself): is each form there?"""
        checks: list[TermCheck] = []
        need: Counter[str] = Counter()
        for hit in self.hits(source):
            form = self.approved(hit)
            if form is None:
                checks.append(
                    TermCheck(
                        hit.term_id, hit.surface, None, False, None, f"no approved {self.target_lang} form"
                    )
                )
                continue
            need[form] += 1
            have = (
                translation.count(form)
                if not cased(self.target_lang)
                else translation.casefold().count(form.casefold())
            )
            ok = have >= need[form]
            checks.append(
                TermCheck(
                    hit.term_id,
                    hit.surface,
                    form,
                    ok,
                    layer if ok else None,
                    "" if ok else f"translation lacks the approved form {form!r}",
                )
            )
        return tuple(checks)
