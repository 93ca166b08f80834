"""Partial editions only when mostly translated: [build] min_translated (issue 24)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import html

from ggmulti.cli import main
from ggmulti.config import load_config
from ggmulti.model import Origin, Release, Segment, TranslatedRelease, TranslatedSegment
from ggmulti.speech.stage import spoken_language
from projects import WINTER_ID, WINTER_RELEASE

ROOT = Path(__file__).resolve().parents[1]
RID = WINTER_ID
NEW = WINTER_RELEASE
VI_TITLE = "Tỉnh Gyeonggi mở rộng hỗ trợ sưởi ấm mùa đông"


def _project(tmp_path: Path, min_translated: float | None) -> Path:
    (tmp_path / "memory").mkdir()
    (tmp_path / "new.md").write_text(NEW, encoding="utf-8")
    setting = f"min_translated = {min_translated}\n" if min_translated is not None else ""
    (tmp_path / "ggmulti.toml").write_text(
        f"""[build]
languages = ["vi", "en"]
formats = ["html"]
{setting}[paths]
glossary = "{ROOT / "glossary"}"
memory = "memory"
[translation]
models_dir = "no-models"
cache = "cache/translations.sqlite"
""",
        encoding="utf-8",
    )
    return tmp_path / "ggmulti.toml"


def _approve_title(config: Path, tmp_path: Path) -> None:
    """A translator approves only the title, through the real review round trip."""
    xlf = tmp_path / "vi.xlf"
    cli = ["--config", str(config), "review"]
    assert main([*cli, "export", "--lang", "vi", str(tmp_path / "new.md"), "-o", str(xlf)]) == 0
    text = xlf.read_text(encoding="utf-8")
    text = text.replace(f'id="{RID}:title"', f'id="{RID}:title" approved="yes"', 1)
    text = re.sub(
        r"(<source>Gyeonggi Province Expands Winter Heating Support</source>)",
        rf'\1<target state="translated">{VI_TITLE}</target>',
        text,
        count=1,
    )
    xlf.write_text(text, encoding="utf-8")
    assert main([*cli, "import", str(xlf), str(tmp_path / "new.md")]) == 0


def _publish(config: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    assert main(["--config", str(config), "publish", str(tmp_path / "new.md"), "--out", str(out), "-q"]) == 0
    return out


def test_a_release_whose_only_approved_sentence_is_its_title_has_no_edition_but_is_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _project(tmp_path, None)  # the default, 0.8
    _approve_title(config, tmp_path)
    out = _publish(config, tmp_path)
    assert not (out / "vi" / f"{RID}.html").exists()
    manifest = json.loads((out / "manifest.json").read_bytes())
    vi = manifest["releases"][0]["editions"]["vi"]
    assert vi["status"] == "skipped" and vi["artifacts"] == []
    assert vi["reason"] == "1 of 3 sentences translated, below [build] min_translated = 0.8"
    assert vi["title"] == VI_TITLE and vi["title_lang"] == "vi"
    index = html.fromstring((out / "vi" / "index.html").read_bytes())
    (entry,) = index.xpath('//ul[@class="releases"]/li')
    link = entry.xpath("a")[0]
    assert link.text_content() == VI_TITLE and link.get("lang") is None  # the title as translated
    assert link.get("href") == f"../en/{RID}.html"  # ... linking the original
    assert entry.xpath('string(span[@class="badge"])') == "chưa được dịch"  # "not yet translated"
    assert (out / "en" / f"{RID}.html").is_file()


def test_at_or_above_the_threshold_the_edition_is_partial_and_labelled(tmp_path: Path) -> None:
    config = _project(tmp_path, 0.3)
    _approve_title(config, tmp_path)
    out = _publish(config, tmp_path)
    manifest = json.loads((out / "manifest.json").read_bytes())
    assert manifest["releases"][0]["editions"]["vi"]["status"] == "partial"
    index = html.fromstring((out / "vi" / "index.html").read_bytes())
    (entry,) = index.xpath('//ul[@class="releases"]/li')
    assert entry.xpath("a/@href") == [f"{RID}.html"]
    assert entry.xpath('string(span[@class="badge"])') == "dịch một phần"  # "partly translated"
    page = (out / "vi" / f"{RID}.html").read_text(encoding="utf-8")
    assert "chưa được dịch và được hiển thị bằng ngôn ngữ gốc" in page  # the untranslated notice


@pytest.mark.parametrize("value", ["1.5", "-0.1", '"most"'])
def test_min_translated_is_validated(tmp_path: Path, value: str) -> None:
    path = tmp_path / "ggmulti.toml"
    path.write_text(f'[build]\nlanguages = ["vi"]\nmin_translated = {value}\n', encoding="utf-8")
    with pytest.raises(Exception, match=r"build\.min_translated|\[build\] min_translated"):
        load_config(path)


def _segment(i: int, text: str, lang: str, origin: Origin) -> TranslatedSegment:
    return TranslatedSegment(Segment("r", 0, i, text), text, lang, origin)


def test_the_mp3_language_is_the_editions_only_when_most_of_what_it_speaks_is() -> None:
    release = Release("r", "T", None, "en", ("x",), "r.md")
    english = "Each household can receive up to KRW 200,000 between December and February."
    vietnamese = "Mỗi hộ có thể nhận tối đa 200.000 won từ tháng 12 đến tháng 2."
    title = _segment(-1, "Hỗ trợ sưởi ấm", "vi", Origin.MEMORY)

    def edition(*segs: TranslatedSegment) -> TranslatedRelease:
        return TranslatedRelease(release, "vi", title, (segs,))

    mostly_vi = edition(
        _segment(0, vietnamese, "vi", Origin.MEMORY), _segment(1, english, "en", Origin.UNTRANSLATED)
    )
    assert spoken_language(mostly_vi) == "vi"
    mostly_en = edition(*(_segment(i, english, "en", Origin.UNTRANSLATED) for i in range(3)))
    assert spoken_language(mostly_en) == "en"
    half = edition(  # as much English as Vietnamese (title included): no one language speaks most
        _segment(0, "x" * (len(english) - len(title.text)), "vi", Origin.MEMORY),
        _segment(1, english, "en", Origin.UNTRANSLATED),
    )
    assert spoken_language(half) == "mul"


def test_the_summary_is_about_todays_release_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _project(tmp_path, None)
    _approve_title(config, tmp_path)
    capsys.readouterr()
    argv = ["--config", str(config), "publish", str(tmp_path / "new.md"), "--out", str(tmp_path / "out")]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{RID} (new): Gyeonggi Province Expands Winter Heating Support"
    assert lines[1:4] == [
        "    en: published",
        "    vi: not translated (1 of 3 sentences translated, below [build] min_translated = 0.8)",
        f"        fix: ggmulti review export --lang vi {tmp_path / 'new.md'}",
    ]
    assert lines[4] == "catalogue: 1 release(s), 1 edition(s) in 1 language(s)"
    assert not any("missed" in line for line in lines)  # untranslated sentences miss no glossary term

    assert main([*argv, "--json"]) == 0  # again: nothing new today, the catalogue line stands
    summary = json.loads(capsys.readouterr().out)
    assert summary == {
        "releases": [],
        "catalogue": {"releases": 1, "editions": 1, "languages": 1, "withdrawn": 0},
    }
    (tmp_path / "new.md").write_text(NEW.replace("this winter", "this coming winter"), encoding="utf-8")
    assert main([*argv, "--json"]) == 0
    (changed,) = json.loads(capsys.readouterr().out)["releases"]
    assert changed["id"] == RID and changed["change"] == "changed"
    assert "memory changed" not in changed["why"]  # an English wording fix touches no memory sentence
    assert [o["lang"] for o in changed["languages"]] == ["en", "vi"]


def test_memory_changed_only_when_the_approved_sentences_used_change() -> None:
    from ggmulti.glossary.model import Glossary
    from ggmulti.incremental import edition_inputs
    from ggmulti.manifest import EditionInputs

    config = load_config(ROOT / "ggmulti.toml")
    source = "Each household can receive up to KRW 200,000."
    approved = "Mỗi hộ có thể nhận tối đa 200.000 won."

    def inputs(*before: str, review: str = "") -> EditionInputs:
        """An edition whose last sentence comes from the memory, after ``before`` (untranslated)."""
        release = Release("r", "T", None, "en", (*before, source), "r.md")
        title = _segment(-1, "T", "en", Origin.UNTRANSLATED)
        paras = [(_segment(0, text, "en", Origin.UNTRANSLATED),) for text in before]
        memory = TranslatedSegment(
            Segment("r", len(before), 0, source), approved, "vi", Origin.MEMORY, review=review
        )
        tr = TranslatedRelease(release, "vi", title, (*[tuple(p) for p in paras], (memory,)))
        return edition_inputs(tr, Glossary(()), config, "t", (), ("html",))

    first = inputs("Gyeonggi will help households.")
    # an English paragraph added above the approved sentence moves its key, not what the memory says
    added = inputs("Gyeonggi will help households.", "The programme starts in December.")
    assert added.changes_since(first) == ["source changed", "segments changed"]
    flagged = inputs("Gyeonggi will help households.", review="the glossary form changed")
    assert flagged.changes_since(first) == ["memory changed"]  # a re-review flag is a memory change
