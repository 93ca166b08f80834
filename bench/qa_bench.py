"""QA checks on the project's approved translations: false alarms (target 0) and number-error recall.

Every unit of memory/en-*.xlf (human translations, approved) and of bench/qa_refs/en-*.xlf (reference
pairs written for this bench: durations, ages, percentages, ranges, clock times) goes through the
checks; any error there is a false alarm. Then each target holding a number written in digits gets
a number changed three ways (a digit changed, a digit dropped, a zero added): the first number in
memory/, every number in qa_refs/. Each mutant must be refused.
"""

from __future__ import annotations

import time
from pathlib import Path

from ggmulti.translate.memory import TranslationMemory
from ggmulti.translate.qa import QaChecker, Value, errors

ROOT = Path(__file__).resolve().parents[1]
PAIRS = [("en", "vi"), ("en", "zh"), ("en", "lo"), ("en", "hi")]
VALUE_CHECKS = {"number-mismatch", "date-mismatch", "time-mismatch", "phone-mismatch"}


SETS = [("memory", ROOT / "memory", False), ("durations", ROOT / "bench" / "qa_refs", True)]


def mutants(target: str, values: tuple[Value, ...], every: bool = False) -> list[tuple[str, str]]:
    """(kind of change, mutated target) for the first value written in digits (or each); none if none."""
    out: list[tuple[str, str]] = []
    for value in values:
        if value.spelled or value.kind not in ("number", "percent", "date", "time", "phone"):
            continue
        # positions inside the value's own span (surfaces may carry a currency word before the digits)
        digits = [i for i in range(value.start, value.end) if target[i].isdecimal()]
        if not digits:
            continue
        last = digits[-1]
        d = int(target[last])
        changed = target[:last] + str((d + 1) % 10) + target[last + 1 :]
        dropped = (
            target[:last] + target[last + 1 :] if len(digits) > 1 else target[:last] + "7" + target[last:]
        )
        zero = target[: last + 1] + "0" + target[last + 1 :]
        out += [("digit changed", changed), ("digit dropped", dropped), ("zero added", zero)]
        if not every:
            break
    return out


def _same_values(a: tuple[Value, ...], b: tuple[Value, ...]) -> bool:
    return sorted(map(repr, ((v.kind, v.value) for v in a))) == sorted(
        map(repr, ((v.kind, v.value) for v in b))
    )


def run() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    total_units = total_false = total_warn = noop = 0
    caught: dict[str, list[int]] = {}
    start = time.perf_counter()
    for (name, folder, every), (src_lang, tgt_lang) in ((s, p) for s in SETS for p in PAIRS):
        memory = TranslationMemory.load(folder / f"{src_lang}-{tgt_lang}.xlf", src_lang, tgt_lang)
        checker = QaChecker(src_lang, tgt_lang)
        false_alarms: list[str] = []
        warnings: list[str] = []
        for entry in memory.entries():
            findings = checker.check(entry.source, entry.target)
            total_units += 1
            false_alarms += [f"{f.check}: {f.message}" for f in errors(findings)]
            warnings += [f"{f.check}: {f.message}" for f in findings if f.severity == "warning"]
            values = checker.target.extract(entry.target)
            for kind, mutant in mutants(entry.target, values, every):
                if _same_values(checker.target.extract(mutant), values):
                    noop += 1  # "4.90" for "4.9", "00" for "0": the same value, so no error to find
                    continue
                hit = any(f.check in VALUE_CHECKS for f in errors(checker.check(entry.source, mutant)))
                tally = caught.setdefault(f"{tgt_lang} {name} {kind}", [0, 0])
                tally[0] += hit
                tally[1] += 1
        total_false += len(false_alarms)
        total_warn += len(warnings)
        rows.append(
            {
                "case": f"{name} {src_lang}-{tgt_lang}: {len(memory)} units",
                "metric": "false alarms (errors)",
                "value": len(false_alarms),
                "unit": "findings",
                "note": "; ".join(false_alarms)[:300],
            }
        )
        rows.append(
            {
                "case": f"{name} {src_lang}-{tgt_lang}: {len(memory)} units",
                "metric": "warnings",
                "value": len(warnings),
                "unit": "findings",
                "note": "; ".join(warnings)[:300],
            }
        )
    elapsed = time.perf_counter() - start
    for key in sorted(caught):
        hit, n = caught[key]
        rows.append(
            {
                "case": f"{' '.join(key.split()[:2])}: number mutated",
                "metric": f"recall, {key.split(' ', 2)[2]}",
                "value": hit / n if n else 0.0,
                "unit": "ratio",
                "note": f"{hit}/{n} mutants refused",
            }
        )
    all_hit = sum(h for h, _ in caught.values())
    all_n = sum(n for _, n in caught.values())
    rows.append(
        {
            "case": "all pairs",
            "metric": "recall on injected number errors",
            "value": all_hit / all_n if all_n else 0.0,
            "unit": "ratio",
            "note": f"{all_hit}/{all_n} mutants ({noop} value-preserving edits left out); "
            f"{total_false} false alarms, {total_warn} warnings on {total_units} units",
        }
    )
    rows.append({"case": "all pairs", "metric": "time for every check", "value": elapsed, "unit": "s"})
    return rows
