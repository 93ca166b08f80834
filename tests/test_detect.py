"""Language check: seeded langdetect, per paragraph; mismatch is an error, a stray paragraph a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from ggmulti.cli import main
from ggmulti.config import load_config
from ggmulti.detect import LanguageChecker
from ggmulti.ingest import ingest
from ggmulti.model import Release, Severity

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "ggmulti.toml"

EN_1 = "Gyeonggi Province opened a new support center for foreign residents in Suwon on Monday."
EN_2 = "The center offers free interpretation, legal advice and Korean language classes every weekday."
EN_3 = "Officials said the province will open two more centers next year in Ansan and Hwaseong."
ZH = "京畿道于周一在水原为外国居民开设了新的支援中心，提供免费口译、法律咨询和韩语课程。"


def _md(folder: Path, name: str, rid: str, lang: str, *paragraphs: str) -> Path:
    path = folder / name
    body = "\n\n".join(paragraphs)
    path.write_text(f"---\nid: {rid}\ntitle: A test release\nlang: {lang}\n---\n\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def checker() -> LanguageChecker:
    config = load_config(CONFIG)
    return LanguageChecker({code: cfg.langdetect for code, cfg in config.languages.items()})


def _release(lang: str, *paragraphs: str) -> Release:
    return Release(
        id="rel-1", title="T", date=None, source_lang=lang, paragraphs=paragraphs, source_ref="rel.md"
    )


def test_english_release_in_english_has_no_findings(checker: LanguageChecker) -> None:
    report = checker.check(_release("en", EN_1, EN_2, EN_3))
    assert report.detected == "en"
    assert report.findings == ()
    assert [p.lang for p in report.paragraphs] == ["en", "en", "en"]


def test_english_release_declared_vietnamese_is_an_error_naming_release_and_paragraph(
    checker: LanguageChecker,
) -> None:
    report = checker.check(_release("vi", EN_1, EN_2))
    (finding,) = report.findings
    assert finding.severity is Severity.ERROR
    text = str(finding)
    assert "rel-1" in text and "rel.md" in text
    assert "paragraph 1" in text
    assert "'vi'" in text and "'en'" in text


def test_chinese_paragraph_in_english_release_is_a_warning(checker: LanguageChecker) -> None:
    report = checker.check(_release("en", EN_1, ZH, EN_2))
    (finding,) = report.findings
    assert finding.severity is Severity.WARNING
    assert "paragraph 2" in str(finding) and "'zh'" in str(finding)


def test_a_language_outside_the_configured_set_is_still_checked(checker: LanguageChecker) -> None:
    (finding,) = checker.check(_release("fr", EN_1, EN_2)).findings
    assert finding.severity is Severity.ERROR
    assert "'fr'" in str(finding) and "'en'" in str(finding)


def test_short_paragraphs_are_not_judged(checker: LanguageChecker) -> None:
    report = checker.check(_release("en", EN_1, "Suwon, 2025.", "京畿道。"))
    assert report.findings == ()
    assert report.paragraphs[1].lang is None and report.paragraphs[2].lang is None


def test_language_without_a_profile_is_reported_as_not_checked(checker: LanguageChecker) -> None:
    (finding,) = checker.check(_release("lo", EN_1)).findings
    assert finding.severity is Severity.WARNING
    assert "not checked" in str(finding)


def test_verdicts_are_the_same_on_every_run() -> None:
    config = load_config(CONFIG)
    profiles = {code: cfg.langdetect for code, cfg in config.languages.items()}
    # Borderline text (short, mixed) is where an unseeded langdetect flips between runs.
    releases = [
        _release("en", EN_1, ZH, EN_2),
        _release("vi", EN_1, EN_2),
        _release(
            "en", "Kim Dong-yeon Gyeonggi Suwon Ansan Hwaseong Pangyo KINTEX", "Gyeonggi-do Suwon-si 2025"
        ),
    ]
    first, second = (LanguageChecker(profiles) for _ in range(2))
    runs = [[c.check(r) for r in releases] for c in (first, second, first)]
    assert runs[0] == runs[1] == runs[2]
    assert any(f.severity is Severity.ERROR for report in runs[0] for f in report.findings)


def test_check_command_exits_1_on_a_mismatch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _md(tmp_path, "wrong.md", "wrong-lang", "vi", EN_1, EN_2)
    assert main(["--config", str(CONFIG), "check", str(src)]) == 1
    err = capsys.readouterr().err
    assert "wrong-lang" in err and "paragraph 1" in err and "error" in err
    assert "Traceback" not in err


def test_check_command_is_deterministic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _md(tmp_path, "mixed.md", "mixed", "en", EN_1, ZH, EN_2)
    outputs = []
    for _ in range(2):
        assert main(["--config", str(CONFIG), "check", str(src)]) == 0
        outputs.append(capsys.readouterr())
    assert outputs[0] == outputs[1]
    assert "warning" in outputs[0].err and "paragraph 2" in outputs[0].err


def test_publish_with_a_warning_succeeds_and_strict_makes_it_fatal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _md(tmp_path, "mixed.md", "mixed", "en", EN_1, ZH, EN_2)
    strict_out = tmp_path / "strict"
    code = main(
        [
            "--config",
            str(CONFIG),
            "publish",
            str(src),
            "--out",
            str(strict_out),
            "--lang",
            "en",
            "--strict",
            "-q",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "paragraph 2" in err and "mixed" in err
    assert not strict_out.exists()

    out = tmp_path / "lenient"
    assert main(["--config", str(CONFIG), "publish", str(src), "--out", str(out), "--lang", "en", "-q"]) == 0
    assert "paragraph 2" in capsys.readouterr().err
    assert (out / "en" / "mixed.html").is_file()


def test_publish_refuses_a_language_mismatch_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _md(tmp_path, "wrong.md", "wrong-lang", "vi", EN_1, EN_2)
    out = tmp_path / "out"
    assert main(["--config", str(CONFIG), "publish", str(src), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "wrong-lang" in err and "paragraph 1" in err
    assert not out.exists()


def test_examples_pass_the_language_check(checker: LanguageChecker) -> None:
    releases = ingest([REPO / "examples" / "releases"])
    findings = [f for r in releases for f in checker.check(r).findings]
    assert findings == []


@pytest.mark.parametrize("declared", ["zh", "en"])
def test_chinese_is_checked_in_a_site_that_does_not_publish_in_chinese(declared: str) -> None:
    """langdetect knows Chinese as zh-cn / zh-tw: a zh source is checked without zh configured."""
    english_only = LanguageChecker({"en": "en"})
    report = english_only.check(_release(declared, ZH, ZH))
    assert report.detected == "zh"
    if declared == "zh":
        assert report.findings == ()
    else:
        (finding,) = report.findings
        assert finding.severity is Severity.ERROR and "'zh'" in str(finding)
    (wrong,) = english_only.check(_release("zh", EN_1, EN_2)).findings
    assert wrong.severity is Severity.ERROR and "declared 'zh' but the text is 'en'" in str(wrong)
