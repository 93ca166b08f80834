"""The block a publish ends with: built languages one line each, the rest folded by reason, the fix, the path."""

from __future__ import annotations

from pathlib import Path

from ggmulti.config import load_config
from ggmulti.manifest import EditionEntry
from ggmulti.model import EditionStatus
from ggmulti.summary import count_by_language, result_lines

ROOT = Path(__file__).resolve().parents[1]


def _entry(status: EditionStatus, reason: str = "") -> EditionEntry:
    return EditionEntry(status=status, reason=reason)


def test_languages_with_nothing_published_share_one_line_per_reason() -> None:
    config = load_config(ROOT / "ggmulti.toml")
    none = "no translation model for en->{} and no approved translations"
    editions = [
        ("a", "en", _entry(EditionStatus.PUBLISHED)),
        ("b", "en", _entry(EditionStatus.PUBLISHED)),
        ("a", "vi", _entry(EditionStatus.PUBLISHED)),
        (
            "b",
            "vi",
            _entry(EditionStatus.SKIPPED, "no approved translations of this release and no en->vi model"),
        ),
        ("a", "th", _entry(EditionStatus.SKIPPED, none.format("th"))),
        ("b", "th", _entry(EditionStatus.SKIPPED, none.format("th"))),
        ("a", "km", _entry(EditionStatus.SKIPPED, none.format("km"))),
        ("b", "km", _entry(EditionStatus.SKIPPED, none.format("km"))),
    ]
    lines = result_lines(count_by_language(editions), config.languages, "en", Path("out"))
    assert lines[0] == "Published in 2 of 4 language(s):"
    assert lines[1].split() == ["en", "English", "2", "published"]
    assert lines[2].split()[:2] == ["vi", "Tiếng"] and lines[2].endswith("1 published, 1 not translated")
    assert "ggmulti review export --lang vi" in lines[3]
    (folded,) = [line for line in lines if line.startswith("Not published in")]
    assert folded == "Not published in th, km: no translation model for en->L and no approved translations"
    assert lines[-1].startswith(f"Open {Path('out') / 'index.html'}")


def test_wide_native_names_are_padded_by_the_cells_they_take() -> None:
    config = load_config(ROOT / "ggmulti.toml")
    editions = [("a", code, _entry(EditionStatus.PUBLISHED)) for code in ("zh", "vi", "lo")]
    lines = result_lines(count_by_language(editions), config.languages, "en", Path("out"))[1:4]
    from rich.cells import cell_len

    assert len({cell_len(line.split(" 1 published")[0]) for line in lines}) == 1, lines
