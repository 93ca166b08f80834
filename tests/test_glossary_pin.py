"""Every pinning layer, driven by engines that lose or duplicate placeholders on purpose."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import regex

from ggmulti.glossary.model import Glossary, Term
from ggmulti.glossary.pin import Pinner
from ggmulti.model import Layer, Origin, Release
from ggmulti.translate.api import Resources, Unavailable
from ggmulti.translate.stage import TranslationStage

GLOSSARY = Glossary(
    (
        Term("province", "places", {"en": "Gyeonggi Province", "vi": "tỉnh Gyeonggi", "zh": "京畿道"}),
        Term("koica", "organizations", {"en": "KOICA"}, dnt=True),
        Term("care", "programs", {"en": "AI Care", "vi": "Chăm sóc AI"}),
        Term("no-vi", "programs", {"en": "Korea Frontiers", "zh": "韩国前沿"}),
    )
)


class FakeEngine:
    """Uppercases text (a visible 'translation') and lets a rule damage each hypothesis."""

    engine = "fake"
    model_sha256 = "0" * 64

    def __init__(self, damage: Callable[[str, int], str] = lambda text, rank: text) -> None:
        self.damage = damage
        self.calls: list[list[str]] = []

    def hypotheses(self, texts: Sequence[str], n: int) -> list[list[str]]:
        self.calls.append(list(texts))
        return [[self.damage(f"<{t.lower()}>", rank) for rank in range(n)] for t in texts]

    def translate(self, texts: Sequence[str]) -> list[str]:
        return [h[0] for h in self.hypotheses(texts, 1)]


def pin(
    engine: FakeEngine, texts: list[str], target: str = "vi"
) -> list[tuple[str, list[tuple[str, Layer | None]]]]:
    out = Pinner(GLOSSARY, "en", target).translate(texts, engine)
    return [(p.text, [(c.term_id, c.layer) for c in p.checks]) for p in out]


def test_placeholder_layer_restores_approved_forms_in_one_batch() -> None:
    engine = FakeEngine()
    texts = ["Gyeonggi Province and KOICA met.", "No terms here.", "gyeonggi province's AI Care grew."]
    result = pin(engine, texts)
    assert len(engine.calls) == 1 and engine.calls[0][0] == "T1 and T2 met."
    assert result[0] == (
        "<tỉnh Gyeonggi and KOICA met.>",
        [("province", Layer.PLACEHOLDER), ("koica", Layer.PLACEHOLDER)],
    )
    assert result[1] == ("<no terms here.>", [])
    assert result[2][0] == "<tỉnh Gyeonggi's Chăm sóc AI grew.>"


def test_lost_placeholder_falls_back_to_other_hypotheses() -> None:
    engine = FakeEngine(lambda text, rank: text.replace("t1", "") if rank == 0 else text)
    [(text, checks)] = pin(engine, ["Gyeonggi Province met KOICA."])
    assert text == "<tỉnh Gyeonggi met KOICA.>"
    assert checks == [("province", Layer.HYPOTHESIS), ("koica", Layer.HYPOTHESIS)]


def test_duplicated_placeholder_is_rejected_too() -> None:
    engine = FakeEngine(lambda text, rank: text.replace("t1", "t1 t1") if rank < 2 else text)
    [(text, checks)] = pin(engine, ["Gyeonggi Province grew."])
    assert text.count("tỉnh Gyeonggi") == 1 and checks == [("province", Layer.HYPOTHESIS)]


def test_alternative_protection_when_every_hypothesis_loses_the_token() -> None:
    engine = FakeEngine(lambda text, rank: regex.sub(r"\bt\d\b", "", text))
    [(text, checks)] = pin(engine, ["Gyeonggi Province grew."])
    assert "tỉnh Gyeonggi" in text and checks == [("province", Layer.ALTERNATIVE)]
    assert any("ZX1" in t for call in engine.calls for t in call)


def test_split_layer_translates_around_terms_when_all_protection_fails() -> None:
    engine = FakeEngine(lambda text, rank: regex.sub(r"\b(t|zx)\d\b", "", text))
    [(text, checks)] = pin(engine, ["Gyeonggi Province and KOICA met in Suwon."])
    assert checks == [("province", Layer.SPLIT), ("koica", Layer.SPLIT)]
    assert text.startswith("Tỉnh Gyeonggi") and "KOICA" in text and "met in suwon" in text


def test_term_without_approved_form_is_reported_missed_not_guessed() -> None:
    engine = FakeEngine()
    out = Pinner(GLOSSARY, "en", "vi").translate(["Korea Frontiers started."], engine)
    [check] = out[0].checks
    assert not check.pinned and check.layer is None and "no approved vi form" in check.reason


def test_placeholder_already_in_source_skips_that_style() -> None:
    engine = FakeEngine()
    [(text, checks)] = pin(engine, ["Gate T1 of Gyeonggi Province."])
    assert "tỉnh Gyeonggi" in text and checks == [("province", Layer.ALTERNATIVE)]


def test_unspaced_target_drops_token_padding() -> None:
    class Echo(FakeEngine):
        def hypotheses(self, texts: Sequence[str], n: int) -> list[list[str]]:
            return [[t.replace("met", "会见了") for _ in range(n)] for t in texts]

    out = Pinner(GLOSSARY, "en", "zh").translate(["Gyeonggi Province met KOICA"], Echo())
    assert out[0].text == "京畿道会见了KOICA"


def test_memory_translation_checked_for_approved_form() -> None:
    pinner = Pinner(GLOSSARY, "en", "vi")
    ok = pinner.check_existing("Gyeonggi Province helps.", "tỉnh Gyeonggi hỗ trợ.", Layer.MEMORY)
    bad = pinner.check_existing("Gyeonggi Province helps.", "Kyonggi hỗ trợ.", Layer.MEMORY)
    assert [c.pinned for c in ok] == [True] and ok[0].layer is Layer.MEMORY
    assert [c.pinned for c in bad] == [False] and "lacks the approved form" in bad[0].reason


def test_stage_batches_a_language_and_counts_terms() -> None:
    engine = FakeEngine()
    releases = [
        Release(
            f"r{i}",
            "Gyeonggi Province news",
            "2025-11-01",
            "en",
            ("Gyeonggi Province and KOICA met. They talked.", "Korea Frontiers grew."),
            "test",
        )
        for i in range(3)
    ]
    stage = TranslationStage(Resources(translators={("en", "vi"): engine}, glossary=GLOSSARY))
    out = stage.run(releases, "vi")
    assert len(engine.calls) == 1 and len(engine.calls[0]) == 3 * 4  # title + 3 sentences, one batch
    tr = out["r0"]
    assert not isinstance(tr, Unavailable)
    assert tr.title.origin is Origin.MACHINE and tr.title.text == "<tỉnh Gyeonggi news>"
    checks = [c for s in (tr.title, *tr.paragraphs[0], *tr.paragraphs[1]) for c in s.terms]
    assert sum(c.pinned for c in checks) == 3 and len(checks) == 4  # Korea Frontiers has no vi form
    assert isinstance(stage.run(releases, "lo")["r0"], Unavailable)


def test_lao_target_keeps_its_own_spaces_and_drops_token_padding() -> None:
    glossary = Glossary((Term("province", "places", {"en": "Gyeonggi Province", "lo": "ແຂວງ ກຽງກີ"}),))

    class Lao(FakeEngine):
        def hypotheses(self, texts: Sequence[str], n: int) -> list[list[str]]:
            return [["ສະບາຍດີ T1 ປະກາດ ແຜນການ ໃໝ່" for _ in range(n)] for _ in texts]

    out = Pinner(glossary, "en", "lo").translate(["Hello, Gyeonggi Province announced a new plan."], Lao())
    assert out[0].text == "ສະບາຍດີແຂວງ ກຽງກີປະກາດ ແຜນການ ໃໝ່"
