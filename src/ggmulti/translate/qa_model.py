"""The values and findings the QA checks pass between extraction, comparison and their callers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Severity = Literal["error", "warning"]
Reading = Decimal | tuple[int, ...] | str
Span = tuple[int, int]

MAX_SEGMENT_CHARS = 20_000  # a segment is a sentence; anything longer is not one


@dataclass(frozen=True)
class Value:
    """A fact found in a text: ``kind`` number | percent | date | month | time | phone | url | email.

    ``value`` is normalised: Decimal for numbers and percents, (month, day, year or 0) for dates,
    (month, year or 0) for months, (hour 0-23, minute) for times, a string for the rest.
    """

    kind: str
    value: Reading
    surface: str
    start: int = 0
    end: int = 0
    spelled: bool = False  # written in words or CJK numerals: optional in a source, never "extra"
    alternatives: tuple[Reading, ...] = ()  # other readings of an ambiguous surface

    def readings(self) -> frozenset[Reading]:
        return frozenset((self.value, *self.alternatives))


@dataclass(frozen=True)
class QaFinding:
    check: str  # number-mismatch, date-mismatch, time-mismatch, ..., identical, placeholder-left, ...
    severity: Severity
    message: str
