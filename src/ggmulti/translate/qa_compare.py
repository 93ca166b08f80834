"""Comparing the facts of a source and its translation: a maximum matching, then one finding per kind.

Rules (so reference translations raise no false alarm) are in qa.py's docstring.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .qa_model import QaFinding, Reading, Value

# ----------------------------------------------------------------------------------------- comparing

_CHECK_BY_KIND = {
    "number": "number-mismatch",
    "percent": "number-mismatch",
    "date": "date-mismatch",
    "month": "date-mismatch",
    "time": "time-mismatch",
    "phone": "phone-mismatch",
    "url": "url-mismatch",
    "email": "email-mismatch",
}


@dataclass(frozen=True)
class _Atom:
    """One comparable unit; a date's year is compared as a number of its own."""

    kind: str
    readings: frozenset[Reading]
    spelled: bool
    origin: Value
    shown: Reading


def _atoms(values: Iterable[Value]) -> list[_Atom]:
    out = []
    for v in values:
        if v.kind in ("date", "month"):
            parts = [r for r in v.readings() if isinstance(r, tuple)]
            width = 2 if v.kind == "date" else 1  # (month, day) or (month,): the year is compared apart
            shown = v.value[:width] if isinstance(v.value, tuple) else v.value
            keys: frozenset[Reading] = frozenset(r[:width] for r in parts)
            out.append(_Atom(v.kind, keys, v.spelled, v, shown))
            year = parts[0][-1] if parts else 0
            if year:
                years: set[Reading] = {Decimal(year)}
                if 2400 <= year <= 2700:
                    years.add(Decimal(year - 543))
                out.append(_Atom("number", frozenset(years), False, v, Decimal(year)))
        else:
            out.append(_Atom(v.kind, v.readings(), v.spelled, v, v.value))
            if v.spelled and v.alternatives:  # "thirties" may be written "30-39": both ends are covered
                out.append(out[-1])
    return out


def _compatible(a: _Atom, b: _Atom) -> bool:
    if a.kind == b.kind:
        return bool(a.readings & b.readings)
    # "3 giờ" (time) may be "3 hours" (number) and "9~18시" leaves a bare 9 beside a time
    times, numbers = (a, b) if a.kind == "time" else (b, a)
    if times.kind != "time" or numbers.kind != "number":
        return False
    hours = {Decimal(r[0]) for r in times.readings if isinstance(r, tuple) and r[1] == 0}
    return bool(hours & numbers.readings)


def _match(src: list[_Atom], tgt: list[_Atom]) -> tuple[list[_Atom], list[_Atom]]:
    """Maximum matching (Kuhn), required source values first; returns the unmatched on each side."""
    order = sorted(range(len(src)), key=lambda i: (src[i].spelled, src[i].kind == "time"))
    adjacency = {
        i: sorted(
            (j for j in range(len(tgt)) if _compatible(src[i], tgt[j])),
            key=lambda j: (tgt[j].kind != src[i].kind, tgt[j].spelled, src[i].shown != tgt[j].shown),
        )
        for i in order
    }
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in adjacency[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    matched = {i for i in order if augment(i, set())}
    return [src[i] for i in order if i not in matched], [t for j, t in enumerate(tgt) if j not in owner]


def _show(atom: _Atom) -> str:
    value = atom.shown
    if isinstance(value, Decimal):
        text = f"{value:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    elif atom.kind == "date" and isinstance(value, tuple):
        text = f"{value[0]:02d}-{value[1]:02d}"
    elif atom.kind == "month" and isinstance(value, tuple):
        text = f"month {value[0]}"
    elif atom.kind == "time" and isinstance(value, tuple):
        text = f"{value[0]:02d}:{value[1]:02d}"
    else:
        text = str(value)
    if atom.kind == "percent":
        text += "%"
    return f"{text} ({atom.origin.surface})"


def value_findings(src: list[Value], tgt: list[Value]) -> list[QaFinding]:
    missing, extra = _match(_atoms(src), _atoms(tgt))
    findings: list[QaFinding] = []
    for check in dict.fromkeys(_CHECK_BY_KIND.values()):
        gone = [a for a in missing if _CHECK_BY_KIND[a.kind] == check]
        added = [a for a in extra if _CHECK_BY_KIND[a.kind] == check and not a.spelled]
        required = [a for a in gone if not a.spelled]
        if required or added:
            left = ", ".join(_show(a) for a in (required or gone))  # words only when nothing else is left
            right = ", ".join(_show(a) for a in added) if added else ""
            if left and right:
                message = f"source has {left}, target has {right}"
            elif left:
                message = f"source has {left}, target has no such value"
            else:
                message = f"target has {right}, source has no such value"
            findings.append(QaFinding(check, "error", message))
            continue
        worded = [a for a in gone if all(isinstance(r, Decimal) and r >= 11 for r in a.readings)]
        worded = [a for a in worded if len(a.readings) == 1]
        if worded:
            shown = ", ".join(_show(a) for a in worded)
            findings.append(
                QaFinding(check, "warning", f"source has {shown} in words, target has no such value")
            )
    return findings


# ----------------------------------------------------------------------------------------- other checks
