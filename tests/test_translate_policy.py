"""[translation] min_score / publish_machine: which machine sentences need review and which are published."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from ggmulti.model import Origin, Release
from ggmulti.translate.api import Resources, Unavailable
from ggmulti.translate.stage import MachinePolicy, TranslationStage


class ScoredEngine:
    """Copies the text, but turns 150,000 into 15,000; confident (score -0.1) except on 'unsure' texts."""

    engine = "scored-fake"
    model_sha256 = None

    def translate(self, texts: Sequence[str]) -> list[str]:
        return [t.replace("150,000", "15,000") + " ok" for t in texts]

    def hypotheses(self, texts: Sequence[str], n: int) -> list[list[str]]:
        return [[t] for t in self.translate(texts)]

    def score(self, text: str) -> float | None:
        return -2.0 if "unsure" in text else -0.1


RELEASE = Release(
    "r", "News", "2025-11-01", "en", ("It pays KRW 150,000. It is fine. It is unsure.",), "test"
)


def run(policy: MachinePolicy) -> list[tuple[Origin, str, float | None, bool]]:
    stage = TranslationStage(Resources(translators={("en", "vi"): ScoredEngine()}), policy)
    tr = stage.run([RELEASE], "vi")["r"]
    assert not isinstance(tr, Unavailable)
    return [(s.origin, s.text, s.score, bool(policy.reasons(s))) for s in tr.paragraphs[0]]


def test_scores_and_checks_mark_sentences_for_review() -> None:
    (amount, fine, unsure) = run(MachinePolicy(min_score=0.35, publish="all"))
    assert amount[0] is Origin.MACHINE and amount[3]  # number changed: an error, needs review
    assert fine[0] is Origin.MACHINE and not fine[3] and fine[2] == pytest.approx(0.9048, abs=1e-3)
    assert unsure[0] is Origin.MACHINE and unsure[3] and unsure[2] is not None and unsure[2] < 0.35
    assert amount[2] is not None and fine[2] is not None and amount[2] < fine[2] / 1.9  # error halves it


def test_checked_holds_back_what_needs_review_and_none_holds_back_all() -> None:
    checked = run(MachinePolicy(publish="checked"))
    assert [o for o, *_ in checked] == [Origin.UNTRANSLATED, Origin.MACHINE, Origin.UNTRANSLATED]
    assert checked[0][1] == "It pays KRW 150,000."  # the source, shown as untranslated
    stage = TranslationStage(
        Resources(translators={("en", "vi"): ScoredEngine()}), MachinePolicy(publish="none")
    )
    nothing = stage.run([RELEASE], "vi")["r"]
    assert isinstance(nothing, Unavailable) and "publish_machine = 'none' (4 of 4" in nothing.reason
