"""The input policy (ggmulti.inputs) as ingest uses it: folders, links, exclusions, typed front matter,
text that every later XML writer can hold, and markup read flat."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from ggmulti.cli import main
from ggmulti.errors import InputError
from ggmulti.ingest import html_to_paragraphs, ingest

REPO = Path(__file__).resolve().parents[1]
BODY = (
    "Gyeonggi Province opened a new support center for foreign residents in Suwon on Monday. "
    "The center offers free interpretation, legal advice and Korean language classes every weekday."
)


def doc(front: str, body: str = BODY) -> str:
    return f"---\n{front}\n---\n\n{body}\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def xml_compatible(text: str) -> bool:
    """What lxml (XLIFF export, feeds, PDF tags) accepts as element text."""
    try:
        etree.Element("x").text = text
    except ValueError:
        return False
    return True


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every path ingest opens with os.open, resolved."""
    paths: list[str] = []
    real_open = os.open

    def recording(path: str | os.PathLike[str], flags: int, *args: int, **kw: object) -> int:
        paths.append(os.path.realpath(path))
        return real_open(path, flags, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", recording)
    yield paths


# ---------------------------------------------------------------- folders, links, exclusions


def test_links_inside_the_folder_are_read_once_and_nothing_outside_is_opened(
    tmp_path: Path, opened: list[str]
) -> None:
    src = tmp_path / "src"
    write(src / "a.md", doc("id: a-release\ntitle: A"))
    write(src / "sub" / "b.md", doc("id: b-release\ntitle: B"))
    (src / "also-a.md").symlink_to(src / "a.md")
    (src / "sub-again").symlink_to(src / "sub", target_is_directory=True)
    releases = ingest([src, src / "a.md"])
    assert sorted(r.id for r in releases) == ["a-release", "b-release"]
    root = os.path.realpath(src)
    assert opened and all(p.startswith(root + os.sep) for p in opened), opened


def test_a_link_leading_outside_is_refused_before_anything_is_opened(
    tmp_path: Path, opened: list[str]
) -> None:
    secret = write(tmp_path / "secret.md", doc("id: secret\ntitle: Secret"))
    src = tmp_path / "src"
    write(src / "a.md", doc("id: a-release\ntitle: A"))
    (src / "z.md").symlink_to(secret)
    with pytest.raises(InputError, match=r"z\.md: symbolic link to a file outside"):
        ingest([src])
    assert str(secret.resolve()) not in opened


def test_a_link_to_nothing_is_an_error(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src / "a.md", doc("id: a-release\ntitle: A"))
    (src / "gone.md").symlink_to(src / "missing.md")
    with pytest.raises(InputError, match=r"gone\.md: symbolic link to nothing"):
        ingest([src])


def test_hidden_folders_and_files_are_not_sources(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src / "a.md", doc("id: a-release\ntitle: A"))
    write(src / ".git" / "notes.md", doc("id: hidden-folder\ntitle: H"))
    write(src / ".draft.md", doc("id: hidden-file\ntitle: H"))
    assert [r.id for r in ingest([src])] == ["a-release"]


def test_excluded_output_folder_inside_the_sources_is_not_read_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    write(src / "a.md", doc("id: a-release\ntitle: A release\nlang: en"))
    out = src / "site"
    argv = ["--config", str(REPO / "ggmulti.toml"), "publish", str(src / "a.md"), "--out", str(out)]
    assert main([*argv, "--lang", "en", "-q"]) == 0, capsys.readouterr().err
    assert list(out.rglob("*.xml"))  # the feeds a second run would trip on
    for exclude in (out, out.relative_to(tmp_path), Path(str(out) + "/")):
        here = os.getcwd()
        os.chdir(tmp_path)
        try:
            releases = ingest([src], exclude=(exclude,))
        finally:
            os.chdir(here)
        assert [r.id for r in releases] == ["a-release"], exclude


def test_an_excluded_folder_that_does_not_exist_yet_changes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src / "a.md", doc("id: a-release\ntitle: A"))
    assert [r.id for r in ingest([src], exclude=(src / "output",))] == ["a-release"]


# ---------------------------------------------------------------- typed front matter


@pytest.mark.parametrize(
    ("front", "title"),
    [
        ("title: 2025", "2025"),
        ("title: yes", "yes"),
        ("title: 1e3", "1e3"),
        ("title: 2025-11-12", "2025-11-12"),
        ("title: 'Budget: 7 * 7'", "Budget: 7 * 7"),
        ('title: "A\\tB"', "A B"),
    ],
)
def test_scalar_titles_are_the_text_as_written(tmp_path: Path, front: str, title: str) -> None:
    [release] = ingest([write(tmp_path / "a.md", doc(front))])
    assert release.title == title


@pytest.mark.parametrize("front", ["title:", "title: null", "title: ~"])
def test_an_empty_title_is_derived_from_the_text(tmp_path: Path, front: str) -> None:
    [release] = ingest([write(tmp_path / "a.md", doc(front))])
    assert release.title.startswith("Gyeonggi Province opened")


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2025-11-12", "2025-11-12"),
        ("2025-11-12T09:00:00+09:00", "2025-11-12"),
        ("2025-11-12 23:59:60 +0900", "2025-11-12"),
        ("'2025-11-12T09:00'", "2025-11-12"),
        ("2025-11-12t09:00:00.123Z", "2025-11-12"),
        ("'Wed, 12 Nov 2025 09:00:00 +0900'", "2025-11-12"),
        ("2024-02-29", "2024-02-29"),
    ],
)
def test_real_dates_in_every_accepted_form(tmp_path: Path, date: str, expected: str) -> None:
    [release] = ingest([write(tmp_path / "a.md", doc(f"date: {date}"))])
    assert release.date == expected


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2025-02-30", r"a\.md:2: impossible date '2025-02-30' \(day is out of range for month\)"),
        ("2025-02-29", "impossible date"),
        ("2025-13-01", "impossible date"),
        ("2025-11-12 24:00:00", r"impossible date .*hour must be in 0\.\.23"),
        ("'2025-11-12T23:61'", r"impossible date .*minute must be in 0\.\.59"),
        ("'2025-11-12T09:00+25:00'", "impossible date"),
        ("20251112", "unreadable date"),
        ("25:61", "unreadable date"),
        ("'2025-11-12 (Wed)'", "unreadable date"),
        ("'Sun, 30 Feb 2025 09:00:00 +0900'", "unreadable date"),
        ("[2025-11-12]", "date must be text, not a list"),
    ],
)
def test_impossible_or_unreadable_dates_are_one_line(tmp_path: Path, date: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as err:
        ingest([write(tmp_path / "a.md", doc(f"date: {date}"))])
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("title: &t A\nlang: *t", "anchors and aliases are not allowed"),
        ("title: [a, b]", "title must be text, not a list"),
        ("source_url: {a: b}", "source_url must be text, not a mapping"),
        ("? [a]\n: b", "keys must be plain text"),
        ("1: b", "keys must be plain text"),
        ("title: !!python/name:os.system x", "unsupported YAML tag"),
        ("title: !custom x", "unsupported YAML tag"),
        ("- title\n- date", "must be a mapping"),
        ("title: " + "[" * 9 + "x" + "]" * 9, "nested deeper than 8 levels"),
    ],
)
def test_front_matter_beyond_plain_values_is_refused(tmp_path: Path, front: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as err:
        ingest([write(tmp_path / "a.md", doc(front))])
    assert str(err.value).startswith(str(tmp_path / "a.md"))
    assert "\n" not in str(err.value)


def test_front_matter_just_under_the_cap_is_read(tmp_path: Path) -> None:
    title = "x" * (64 * 1024 - 20)
    [release] = ingest([write(tmp_path / "a.md", doc(f"title: {title}"))])
    assert release.title == title


def test_empty_front_matter_is_no_front_matter(tmp_path: Path) -> None:
    [release] = ingest([write(tmp_path / "a.md", "---\n\n---\n\n" + BODY + "\n")])
    assert release.id == "a" and release.paragraphs == (BODY,)


# ---------------------------------------------------------------- text every XML writer can hold

UNSAFE = "\x00\x01\x07\x0b\x1f\x7f\x85\ufffe\uffff\ufdd0\ufdef\U0001fffe\U0010ffff\ue000\u202e\u2066"


def test_controls_noncharacters_and_private_use_are_removed_from_bodies(tmp_path: Path) -> None:
    body = "".join(f"{word}{ch}" for word, ch in zip(BODY.split()[: len(UNSAFE)], UNSAFE, strict=False))
    path = tmp_path / "a.txt"
    path.write_bytes(("x" + body.replace("\x00", "") + "\n").encode("utf-8"))  # NUL: refused as binary
    [release] = ingest([path])
    text = release.title + "".join(release.paragraphs)
    assert not set(text) & set(UNSAFE)
    assert xml_compatible(text)
    assert "Gyeonggi" in text


def test_noncharacters_from_xml_character_references_are_removed(tmp_path: Path) -> None:
    # XML 1.0 allows U+FDD0 and U+1FFFF, so the parser passes them; ingestion must not.
    feed = (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>t</title><item><guid>g</guid>"
        "<title>Title&#xFDD0;&#x1FFFF;&#x85;</title>"
        f"<description>&lt;p&gt;{BODY}&amp;#xFFFF;&amp;#xFDD0;&amp;#x1;&lt;/p&gt;</description>"
        "</item></channel></rss>"
    )
    [release] = ingest([write(tmp_path / "a.xml", feed)])
    assert release.title == "Title"
    assert release.paragraphs == (BODY,)


def test_zero_width_joiners_stay(tmp_path: Path) -> None:
    [release] = ingest([write(tmp_path / "a.md", doc("title: क्\u200dष", "क्\u200dष " + BODY))])
    assert "\u200d" in release.title and "\u200d" in release.paragraphs[0]


# ---------------------------------------------------------------- markup read flat


def test_a_markdown_body_that_looks_like_xml_is_text_and_warns_nothing(tmp_path: Path) -> None:
    text = doc("title: T", "<?xml version='1.0' encoding='utf-8'?>\n<rss><channel>\n\n" + BODY)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        [release] = ingest([write(tmp_path / "a.md", text)])
    assert release.paragraphs == (BODY,)


@pytest.mark.parametrize(
    ("html", "paragraphs"),
    [
        ("<svg><p>hidden<svg>still</svg>hidden</svg>after", ("after",)),
        ("<p>kept</p><script>never closed <p>x", ("kept",)),
        ("<p>a</p><template><p>t</p></template><p>b", ("a", "b")),
        ("<div>one<div>two</div>three</div>", ("one", "two", "three")),
        ("a<br>b<br/>c<hr>d", ("a", "b", "c", "d")),
        ("<p>a</p></div></section><p>b</p>", ("a", "b")),
        ("<![CDATA[x]]><!-- <p>comment</p> --><p>text</p>", ("text",)),
        ("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", ("<script>alert(1)</script>",)),
        ("<meta charset='latin-1'><p>Tiếng Việt 京畿道</p>", ("Tiếng Việt 京畿道",)),
        ("", ()),
    ],
)
def test_html_text_is_collected_flat(html: str, paragraphs: tuple[str, ...]) -> None:
    assert html_to_paragraphs(html) == paragraphs


def test_nesting_far_beyond_any_stack_is_one_paragraph() -> None:
    depth = 100_000
    assert html_to_paragraphs("<div>" * depth + BODY + "</div>" * depth) == (BODY,)
    assert html_to_paragraphs("<b>" * depth + BODY) == (BODY,)
    assert html_to_paragraphs("<svg>" * depth + BODY + "</svg>" * depth + "tail") == ("tail",)


def _atom(depth: int, inner: str) -> str:
    return (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><entry><title>T</title>'
        '<id>x</id><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        + "<div>" * depth
        + inner
        + "</div>" * depth
        + "</div></content></entry></feed>"
    )


def test_atom_xhtml_nested_up_to_the_cap_is_read(tmp_path: Path) -> None:
    inner = f"<p>{BODY}</p><script>alert(1)</script><x:script xmlns:x='urn:x'>also</x:script><br/>end"
    [release] = ingest([write(tmp_path / "a.atom", _atom(495, inner))])
    assert release.paragraphs == (BODY, "end")


def test_xml_nested_beyond_the_cap_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"a\.atom: XML nested deeper than 500 elements"):
        ingest([write(tmp_path / "a.atom", _atom(1000, BODY))])
