"""The few lines a publish ends with: what was built per language, what was not and the one fix, where to look.

A newcomer's first `make demo` and the press office's daily run read the same block, so languages with
nothing published are folded into one line per reason instead of one line each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.cells import cell_len

from .config import LanguageConfig
from .manifest import EditionEntry
from .model import EditionStatus


@dataclass(frozen=True)
class LanguageCounts:
    code: str
    published: int = 0
    partial: int = 0
    skipped: int = 0
    reasons: tuple[str, ...] = ()


def count_by_language(editions: Sequence[tuple[str, str, EditionEntry]]) -> list[LanguageCounts]:
    """Per language in build order: editions published, partial and not made, and why not."""
    counts: dict[str, dict[str, int]] = {}
    reasons: dict[str, dict[str, None]] = {}
    for _rid, lang, entry in editions:
        counts.setdefault(lang, {s.value: 0 for s in EditionStatus})[entry.status.value] += 1
        if entry.reason:
            reasons.setdefault(lang, {})[entry.reason] = None
    return [
        LanguageCounts(
            lang,
            c[EditionStatus.PUBLISHED.value],
            c[EditionStatus.PARTIAL.value],
            c[EditionStatus.SKIPPED.value],
            tuple(reasons.get(lang, {})),
        )
        for lang, c in counts.items()
    ]


def _generic(reason: str, code: str) -> str:
    """A reason with its language taken out, so languages that lack the same thing share one line."""
    return reason.replace(f"->{code}", "->L").replace(f"'{code}'", "'L'")


def result_lines(
    counts: Sequence[LanguageCounts], languages: Mapping[str, LanguageConfig], source_lang: str, out: Path
) -> list[str]:
    lines: list[str] = []
    built = [c for c in counts if c.published or c.partial]
    lines.append(f"Published in {len(built)} of {len(counts)} language(s):")
    for c in built:
        native = languages[c.code].native_name if c.code in languages else c.code
        parts = [f"{c.published} published"]
        if c.partial:
            parts.append(f"{c.partial} partial")
        if c.skipped:
            parts.append(f"{c.skipped} not translated")
        pad = " " * max(1, 16 - cell_len(native))  # CJK and Lao take two cells or one: pad by what shows
        lines.append(f"  {c.code:<4}{native}{pad}{', '.join(parts)}")
    gaps = [c for c in built if c.skipped or c.partial]
    if gaps:
        codes = ", ".join(c.code for c in gaps)
        example = gaps[0].code
        lines.append(
            f"  not yet translated in {codes}: translators approve them "
            f"(ggmulti review export --lang {example} SOURCE...) or install the {source_lang}->{example} model "
            "(ggmulti models install FILE.argosmodel)"
        )
    nothing: dict[str, list[str]] = {}
    for c in counts:
        if not (c.published or c.partial):
            why = _generic(c.reasons[0], c.code) if c.reasons else "nothing to publish"
            nothing.setdefault(why, []).append(c.code)
    for why, langs in nothing.items():
        lines.append(f"Not published in {', '.join(langs)}: {why}")
        lines.append(
            f"  fix: ggmulti models install FILE.argosmodel (the {source_lang}->L model), or approved "
            "translations (ggmulti review export --lang L); ggmulti doctor says what each language lacks"
        )
    lines.append(
        f"Open {out / 'index.html'} (the contract: {out / 'manifest.json'}; the report: {out / 'report.json'})"
    )
    return lines
