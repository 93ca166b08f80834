"""`glossary suggest` precision on the sample releases: how many suggestions are names or titles.

Two cases: the shipped glossary (what a maintainer of this project sees) and an empty one (a new
project, where every name is still to add). Each suggestion is looked up in bench/suggest_labels.tsv,
judged by hand; one not listed there counts as not a name and is named in the note. Target: at
least 9 of 10 suggestions are names or titles a reviewer would add.
"""

from __future__ import annotations

import time
from pathlib import Path

from ggmulti.glossary.load import load_glossary
from ggmulti.glossary.model import Glossary
from ggmulti.glossary.suggest import suggest
from ggmulti.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]


def labels() -> dict[str, tuple[str, str]]:
    out = {}
    for line in (ROOT / "bench" / "suggest_labels.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            text, verdict, why = [*line.split("\t"), "", ""][:3]
            out[text] = (verdict, why)
    return out


def run() -> list[dict[str, object]]:
    releases = ingest([ROOT / "examples" / "releases"])
    judged = labels()
    rows: list[dict[str, object]] = []
    for case, glossary in (
        ("shipped glossary", load_glossary(ROOT / "glossary", {})),
        ("empty glossary", Glossary(())),
    ):
        start = time.perf_counter()
        found = suggest(releases, glossary)
        elapsed = time.perf_counter() - start
        names = [s.text for s in found if judged.get(s.text, ("", ""))[0] == "name"]
        noise = [s.text for s in found if judged.get(s.text, ("", ""))[0] == "noise"]
        unjudged = [s.text for s in found if s.text not in judged]
        rows.append(
            {
                "case": f"{case}, {len(releases)} sample releases",
                "metric": "precision (names or titles)",
                "value": len(names) / len(found) if found else 1.0,
                "unit": "ratio",
                "note": f"{len(names)}/{len(found)}; not names: {', '.join(noise) or 'none'}"
                + (f"; not judged yet: {', '.join(unjudged)}" if unjudged else ""),
            }
        )
        rows.append({"case": case, "metric": "time", "value": elapsed, "unit": "s"})
    return rows
