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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import regex

from ..glossary.match import cased, form_pattern, unspaced
from ..glossary.pin import ALTERNATIVE, PRIMARY, Pinner
from .qa_compare import value_findings
from .qa_extract import Extractor, extract_values
from .qa_model import MAX_SEGMENT_CHARS, QaFinding, Reading, Severity, Span, Value

__all__ = [
    "DEFAULT_CONFIG",
    "MAX_SEGMENT_CHARS",
    "QaChecker",
    "QaConfig",
    "QaFinding",
    "Reading",
    "Severity",
    "Span",
    "Value",
    "check_segment",
    "errors",
    "extract_values",
    "length_band",
    "term_spans",
]


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
        findings += value_findings(list(src_values), list(tgt_values))
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
