"""Translation quality on the real zh->en model: does the score rank sentences as chrF does?

Reference set: bench/quality_refs.tsv (Chinese sentences in the releases' style, English references
written for this project). Reports the Spearman correlation of `ggmulti translate --json`'s per-sentence
score with sentence chrF (sacrebleu), corpus chrF with and without glossary pinning, the number check's
recall on injected number errors and its false alarms on the references.
"""

from __future__ import annotations

import importlib.util
import io
import json
import sys
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFS = Path(__file__).with_name("quality_refs.tsv")


def references() -> list[tuple[str, str]]:
    rows = []
    for line in REFS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            zh, en = line.split("\t")
            rows.append((zh.strip(), en.strip()))
    return rows


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1  # ties share their mean rank
        i = j + 1
    return ranks


def spearman(a: list[float], b: list[float]) -> float:
    """Spearman's rho: Pearson correlation of the ranks (ties averaged)."""
    ra, rb = _ranks(a), _ranks(b)
    n = len(ra)
    ma, mb = sum(ra) / n, sum(rb) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    va = sum((x - ma) ** 2 for x in ra) ** 0.5
    vb = sum((y - mb) ** 2 for y in rb) ** 0.5
    return cov / (va * vb) if va and vb else 0.0


def chrf(hypothesis: str, reference: str) -> float:
    import sacrebleu

    return float(sacrebleu.sentence_chrf(hypothesis, [reference]).score)


def translate_json(models_dir: Path, sources: list[str], *, glossary: bool = True) -> list[dict[str, object]]:
    """`ggmulti translate --json` in this process, on one line per source; its JSON Lines parsed."""
    from ggmulti.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.txt"
        path.write_text("\n".join(sources) + "\n", encoding="utf-8")
        args = ["--config", str(ROOT / "ggmulti.toml"), "translate", "--from", "zh", "--to", "en"]
        args += ["--models-dir", str(models_dir), "--no-cache", str(path)]
        args += ["--json"] + ([] if glossary else ["--no-glossary"])
        out = io.StringIO()
        with redirect_stdout(out):
            assert main(args) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def _models_dir(tmp: Path) -> Path:
    spec = importlib.util.spec_from_file_location(
        "fetch_test_model", ROOT / "scripts" / "fetch_test_model.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fetch_test_model"] = module
    spec.loader.exec_module(module)
    from ggmulti.translate.archive import install

    install(module.fetch(), root=tmp)
    return tmp


def number_check(rows: list[tuple[str, str]]) -> tuple[int, int, int, int]:
    """(false alarms, references, errors caught, errors injected) for the QA checks on zh->en."""
    from bench.qa_bench import mutants
    from ggmulti.translate.qa import QaChecker, errors

    checker = QaChecker("zh", "en")
    alarms = sum(1 for zh, en in rows if errors(checker.check(zh, en)))
    caught = injected = 0
    for zh, en in rows:
        for _kind, bad in mutants(en, checker.target.extract(en)):
            injected += 1
            caught += bool(errors(checker.check(zh, bad)))
    return alarms, len(rows), caught, injected


def run() -> list[dict[str, object]]:
    import sacrebleu

    rows = references()
    with tempfile.TemporaryDirectory() as tmp:
        models = _models_dir(Path(tmp))
        pinned = translate_json(models, [zh for zh, _ in rows])
        plain = translate_json(models, [zh for zh, _ in rows], glossary=False)
    scores = [float(str(o["score"])) for o in pinned]
    chrfs = [chrf(str(o["text"]), en) for o, (_zh, en) in zip(pinned, rows, strict=True)]
    refs = [[en for _zh, en in rows]]
    corpus_pinned = sacrebleu.corpus_chrf([str(o["text"]) for o in pinned], refs).score
    corpus_plain = sacrebleu.corpus_chrf([str(o["text"]) for o in plain], refs).score
    alarms, n, caught, injected = number_check(rows)
    below = sorted(scores)[len(scores) // 5]
    return [
        {"case": f"zh->en, {n} references", "metric": "Spearman(score, sentence chrF)",
         "value": round(spearman(scores, chrfs), 3), "note": "done-when >= 0.3"},
        {"case": "zh->en", "metric": "score range", "value": f"{min(scores):.2f}-{max(scores):.2f}",
         "note": f"20th percentile {below:.2f}"},
        {"case": "zh->en, glossary pinned", "metric": "corpus chrF", "value": round(corpus_pinned, 1)},
        {"case": "zh->en, no glossary", "metric": "corpus chrF", "value": round(corpus_plain, 1)},
        {"case": "number check, injected errors", "metric": "recall", "value": f"{caught}/{injected}"},
        {"case": "number check, references", "metric": "false alarms", "value": f"{alarms}/{n}"},
    ]  # fmt: skip


if __name__ == "__main__":
    for row in run():
        print(row)
