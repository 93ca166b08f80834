"""Ingestion: RSS 2.0, Atom, Markdown with front matter, folders, the seed text dump, stable ids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ggmulti.errors import InputError
from ggmulti.ingest import html_to_paragraphs, ingest
from ggmulti.segment import split_sentences

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
SEED = REPO / "tests" / "fixtures" / "text_dump.txt"  # the seed dump's format, in our own words
ID_RE = re.compile(r"^[a-z0-9-]+$")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>Press</title>
    <link>https://example.org/</link>
    <description>d</description>
    <language>en-us</language>
    <item>
      <title>Alpha &amp; Omega</title>
      <guid isPermaLink="false">tag:example.org,2025:alpha</guid>
      <link>https://example.org/news/alpha</link>
      <pubDate>Wed, 12 Nov 2025 09:00:00 +0900</pubDate>
      <description>Only a summary.</description>
      <content:encoded><![CDATA[<p>Full body one.</p><p>Full body <b>two</b>.</p>]]></content:encoded>
    </item>
    <item>
      <title>Escaped body</title>
      <guid>escaped-body-2025</guid>
      <pubDate>Mon, 03 Nov 2025 09:00:00 +0900</pubDate>
      <description>&lt;p&gt;First escaped.&lt;/p&gt;&lt;p&gt;Second &amp;amp; last.&lt;/p&gt;</description>
    </item>
    <item>
      <title>Cdata body</title>
      <link>https://example.org/news/cdata?id=7</link>
      <description><![CDATA[<div>Block one</div><div>Block two</div>]]></description>
    </item>
    <item>
      <title>No guid, no link</title>
      <description>Plain description text.</description>
    </item>
  </channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Atom press</title>
  <id>urn:example:feed</id>
  <updated>2025-11-02T10:00:00Z</updated>
  <entry>
    <title type="text">Xhtml entry</title>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2025-11-01T10:00:00Z</updated>
    <link rel="alternate" href="https://example.org/x"/>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>First xhtml paragraph.</p><p>Second <b>bold</b> paragraph.</p><script>alert(1)</script></div></content>
  </entry>
  <entry>
    <title>Html entry</title>
    <id>tag:example.org,2025:2</id>
    <published>2025-11-02T10:00:00Z</published>
    <updated>2025-11-05T10:00:00Z</updated>
    <content type="html">&lt;p&gt;One&lt;/p&gt;&lt;p onclick="evil()"&gt;Two&lt;br&gt;Three&lt;/p&gt;</content>
  </entry>
  <entry xml:lang="vi">
    <title>Text entry</title>
    <id>tag:example.org,2025:3</id>
    <updated>2025-11-03T10:00:00Z</updated>
    <content type="text">Plain &lt;b&gt;one&lt;/b&gt;.

Plain two.</content>
  </entry>
  <entry>
    <title>Summary only</title>
    <id>tag:example.org,2025:4</id>
    <updated>2025-11-04T10:00:00Z</updated>
    <summary>Just a summary.</summary>
  </entry>
</feed>
"""


# ---------------------------------------------------------------- RSS 2.0


@pytest.fixture
def rss(tmp_path: Path) -> list:
    return ingest([write(tmp_path, "press.xml", RSS)])


def test_rss_content_encoded_is_preferred_over_description(rss: list) -> None:
    alpha = rss[0]
    assert alpha.paragraphs == ("Full body one.", "Full body two.")
    assert alpha.title == "Alpha & Omega"
    assert alpha.date == "2025-11-12"
    assert alpha.source_lang == "en"  # from <language>en-us</language>
    assert alpha.source_url == "https://example.org/news/alpha"
    assert alpha.source_ref.endswith("press.xml#item 1")


def test_rss_escaped_html_body_is_reduced_to_paragraphs(rss: list) -> None:
    assert rss[1].paragraphs == ("First escaped.", "Second & last.")
    assert rss[1].date == "2025-11-03"


def test_rss_cdata_body_splits_at_blocks(rss: list) -> None:
    assert rss[2].paragraphs == ("Block one", "Block two")
    assert rss[2].date is None


def test_rss_ids_come_from_guid_then_link_then_title(rss: list) -> None:
    assert rss[0].id == "tag-example-org-2025-alpha"
    assert rss[1].id == "escaped-body-2025"  # a slug-shaped guid is kept as is
    assert rss[2].id.startswith("news-cdata-id-7")  # the link, made safe
    assert rss[3].id == "no-guid-no-link"  # the title
    assert all(ID_RE.match(r.id) for r in rss)


def test_rss_without_channel_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.xml", '<rss version="2.0"><item/></rss>')
    with pytest.raises(InputError, match="channel"):
        ingest([path])


def test_rss_without_items_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.xml", '<rss version="2.0"><channel><title>t</title></channel></rss>')
    with pytest.raises(InputError, match="no items"):
        ingest([path])


def test_rss_item_with_markup_only_title_gets_a_derived_title(tmp_path: Path) -> None:
    feed = RSS.replace("<title>Alpha &amp; Omega</title>", "<title>&lt;script&gt;x()&lt;/script&gt;</title>")
    releases = ingest([write(tmp_path, "f.xml", feed)])
    assert releases[0].title == "Full body one"
    assert "script" not in releases[0].title


def test_unknown_xml_root_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="neither"):
        ingest([write(tmp_path, "x.xml", "<html><body>hi</body></html>")])


# ---------------------------------------------------------------- Atom


@pytest.fixture
def atom(tmp_path: Path) -> list:
    return ingest([write(tmp_path, "press.atom", ATOM)])


def test_atom_xhtml_content_keeps_paragraphs_and_drops_scripts(atom: list) -> None:
    entry = atom[0]
    assert entry.paragraphs == ("First xhtml paragraph.", "Second bold paragraph.")
    assert entry.date == "2025-11-01"  # <updated> when there is no <published>
    assert entry.source_url == "https://example.org/x"
    assert entry.id.startswith("urn-uuid-1225c695")


def test_atom_html_content(atom: list) -> None:
    assert atom[1].paragraphs == ("One", "Two", "Three")
    assert atom[1].date == "2025-11-02"  # <published> wins over <updated>


def test_atom_text_content_is_text_not_markup(atom: list) -> None:
    entry = atom[2]
    assert entry.paragraphs == ("Plain <b>one</b>.", "Plain two.")
    assert entry.source_lang == "vi"  # entry xml:lang over the feed's


def test_atom_summary_when_there_is_no_content(atom: list) -> None:
    assert atom[3].paragraphs == ("Just a summary.",)
    assert atom[0].source_lang == "en"


# ---------------------------------------------------------------- Markdown with front matter


FULL_MD = """---
id: full-release-2025
title: "A Full Release"
date: 2025-10-01
lang: en
source_url: https://example.org/full
---

First paragraph of the release. It has two sentences.

Second paragraph, with *emphasis* and a [link](https://example.org/a).
"""


def test_markdown_with_every_front_matter_field(tmp_path: Path) -> None:
    (release,) = ingest([write(tmp_path, "full.md", FULL_MD)])
    assert release.id == "full-release-2025"
    assert release.title == "A Full Release"
    assert release.date == "2025-10-01"
    assert release.source_lang == "en"
    assert release.source_url == "https://example.org/full"
    assert release.paragraphs == (
        "First paragraph of the release. It has two sentences.",
        "Second paragraph, with emphasis and a link.",
    )


def test_markdown_missing_optional_fields(tmp_path: Path) -> None:
    text = "---\ntitle: Only a title\n---\n\nBody text here.\n"
    (release,) = ingest([write(tmp_path, "03-only-title.md", text)])
    assert release.id == "only-title"  # from the file name, without its numeric prefix
    assert release.title == "Only a title"
    assert release.date is None
    assert release.source_lang == "en"
    assert release.source_url is None


def test_markdown_title_derived_from_first_sentence_when_missing(tmp_path: Path) -> None:
    text = "---\nid: derived\n---\n\nThe province opened a new center on Monday. It serves residents.\n"
    (release,) = ingest([write(tmp_path, "d.md", text)])
    assert release.title == "The province opened a new center on Monday"


def test_markdown_without_front_matter(tmp_path: Path) -> None:
    (release,) = ingest([write(tmp_path, "plain.md", "# Heading\n\nA paragraph.\n")])
    assert release.paragraphs == ("Heading", "A paragraph.")
    assert release.title == "Heading"
    assert release.id == "plain"


def test_markdown_date_as_rfc822_string(tmp_path: Path) -> None:
    text = "---\ndate: 'Wed, 12 Nov 2025 09:00:00 +0900'\n---\n\nBody.\n"
    (release,) = ingest([write(tmp_path, "d.md", text)])
    assert release.date == "2025-11-12"


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("colour: red", "unknown front matter key"),
        ("date: not a date", "unreadable date"),
        ("source_url: javascript:alert(1)", "source_url must be an http"),
        ("id: Has Spaces", "lowercase letters"),
        ("id: UPPER", "lowercase letters"),
        ("- a\n- list", "must be a mapping"),
        ("title: [unclosed", "front matter"),
    ],
)
def test_markdown_front_matter_errors_name_the_file(tmp_path: Path, front: str, message: str) -> None:
    path = write(tmp_path, "bad.md", f"---\n{front}\n---\n\nBody.\n")
    with pytest.raises(InputError, match=message) as err:
        ingest([path])
    assert str(path) in str(err.value)
    assert "\n" not in str(err.value)


def test_unclosed_front_matter_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="never closed"):
        ingest([write(tmp_path, "u.md", "---\ntitle: x\n\nBody.\n")])


def test_front_matter_without_body_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no text"):
        ingest([write(tmp_path, "e.md", "---\ntitle: x\n---\n\n")])


# ---------------------------------------------------------------- folders and the sample corpus


def test_folder_reads_sources_recursively_and_ignores_readme_and_others(tmp_path: Path) -> None:
    write(tmp_path, "src/a.md", "---\nid: a\ntitle: A\n---\n\nText a.\n")
    write(tmp_path, "src/sub/b.md", "---\nid: b\ntitle: B\n---\n\nText b.\n")
    write(tmp_path, "src/README.md", "---\nid: readme\n---\n\nNot a release.\n")
    write(tmp_path, "src/.hidden.md", "---\nid: hidden\n---\n\nNot a release.\n")
    write(tmp_path, "src/notes.json", "{}")
    releases = ingest([tmp_path / "src"])
    assert sorted(r.id for r in releases) == ["a", "b"]


def test_folder_without_sources_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "src/notes.json", "{}")
    with pytest.raises(InputError, match="folder has no"):
        ingest([tmp_path / "src"])


def test_missing_source_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        ingest([tmp_path / "nope.md"])


def test_examples_markdown_has_ten_releases_with_front_matter_ids() -> None:
    releases = ingest([EXAMPLES / "releases"])
    assert len(releases) == 10
    assert len({r.id for r in releases}) == 10
    assert all(r.date and r.title and r.source_lang == "en" for r in releases)


def test_examples_feed_carries_the_same_releases_as_the_markdown() -> None:
    by_md = {r.id: r for r in ingest([EXAMPLES / "releases"])}
    by_feed = {r.id: r for r in ingest([EXAMPLES / "feed.xml"])}
    assert by_md.keys() == by_feed.keys()
    for rid, md in by_md.items():
        feed = by_feed[rid]
        assert (feed.title, feed.date, feed.paragraphs) == (md.title, md.date, md.paragraphs), rid


# ---------------------------------------------------------------- the seed text dump


@pytest.fixture(scope="module")
def seed_releases() -> list:
    assert SEED.is_file(), f"seed dump not found at {SEED}"
    return ingest([SEED])


def test_seed_dump_has_ten_releases_without_dates(seed_releases: list) -> None:
    assert len(seed_releases) == 10
    assert all(r.date is None for r in seed_releases)
    assert all(r.source_lang == "en" for r in seed_releases)
    assert len({r.id for r in seed_releases}) == 10
    assert all(ID_RE.match(r.id) and len(r.id) <= 80 for r in seed_releases)


def test_seed_dump_titles_are_short_and_from_the_first_sentence(seed_releases: list) -> None:
    for r in seed_releases:
        first_sentence = split_sentences(r.paragraphs[0], "en")[0]
        stem = r.title.removesuffix("…")
        assert stem and first_sentence.startswith(stem), r.title
        assert len(stem.split()) <= 12, r.title
        assert len(r.title) <= 120, r.title


def test_seed_dump_paragraphs_are_lines(seed_releases: list) -> None:
    raw_chunks = [c for c in SEED.read_text(encoding="utf-8").split("]]>") if c.strip()]
    for release, chunk in zip(seed_releases, raw_chunks, strict=True):
        lines = [" ".join(line.split()) for line in chunk.splitlines() if line.strip()]
        assert list(release.paragraphs) == lines


def test_text_dump_with_txt_suffix_and_no_separator(tmp_path: Path) -> None:
    releases = ingest([write(tmp_path, "one.txt", "Only release here. More text.\nSecond line.\n")])
    assert len(releases) == 1
    assert releases[0].title == "Only release here"
    assert releases[0].paragraphs == ("Only release here. More text.", "Second line.")


# ---------------------------------------------------------------- stable ids


def test_same_input_gives_same_ids(tmp_path: Path) -> None:
    feed = write(tmp_path, "f.xml", RSS)
    first = [r.id for r in ingest([feed, SEED, EXAMPLES / "releases"])]
    second = [r.id for r in ingest([feed, SEED, EXAMPLES / "releases"])]
    assert first == second


def test_guid_id_does_not_change_when_the_text_changes(tmp_path: Path) -> None:
    before = ingest([write(tmp_path, "a.xml", RSS)])
    after = ingest([write(tmp_path, "b.xml", RSS.replace("Full body one.", "Edited body."))])
    assert before[0].id == after[0].id


def test_duplicate_explicit_ids_across_files_are_an_error(tmp_path: Path) -> None:
    a = write(tmp_path, "a.md", "---\nid: same\n---\n\nText a.\n")
    b = write(tmp_path, "b.md", "---\nid: same\n---\n\nText b.\n")
    with pytest.raises(InputError, match="'same' is already used") as err:
        ingest([a, b])
    assert str(a) in str(err.value) and str(b) in str(err.value)


def test_duplicate_derived_ids_get_a_suffix(tmp_path: Path) -> None:
    a = write(tmp_path, "x/note.md", "Text a.\n")
    b = write(tmp_path, "y/note.md", "Text b.\n")
    assert [r.id for r in ingest([a, b])] == ["note", "note-2"]
    dump = write(tmp_path, "d.txt", "Same first line.\n]]>\nSame first line.\n]]>\nSame first line.\n")
    assert [r.id for r in ingest([dump])] == ["same-first-line", "same-first-line-2", "same-first-line-3"]


def test_derived_id_never_takes_an_explicit_id_whatever_the_order(tmp_path: Path) -> None:
    explicit = write(tmp_path, "e.md", "---\nid: note\n---\n\nExplicit.\n")
    derived = write(tmp_path, "d/note.md", "Derived.\n")
    for order in ([explicit, derived], [derived, explicit]):
        ids = {r.source_ref: r.id for r in ingest(order)}
        assert ids[str(explicit)] == "note"
        assert ids[str(derived)] == "note-2"


def test_the_same_guid_in_a_feed_and_a_markdown_file_is_an_error_in_any_order() -> None:
    for order in (
        [EXAMPLES / "feed.xml", EXAMPLES / "releases"],
        [EXAMPLES / "releases", EXAMPLES / "feed.xml"],
    ):
        with pytest.raises(InputError, match="asocio-digital-government-award-2025' is already used"):
            ingest(order)


# ---------------------------------------------------------------- HTML reduction


@pytest.mark.parametrize(
    "html",
    [
        "<p>Hi <script>alert(1)</script>there</p>",
        "<p>Hi <SCRIPT type='text/javascript'>alert(1)</SCRIPT>there</p>",
        "<style>p { color: red }</style><p>Hi there</p>",
        '<p onclick="alert(1)" onmouseover="steal()">Hi there</p>',
        '<p>Hi <a href="javascript:alert(1)">there</a></p>',
        '<p>Hi <img src=x onerror="alert(1)">there</p>',
        "<p>Hi <iframe src='https://evil.example'>frame</iframe>there</p>",
        "<p>Hi<!-- alert(1) --> there</p>",
        "<template><p>alert(1)</p></template><p>Hi there</p>",
        "<noscript>alert(1)</noscript><p>Hi there</p>",
        "<p>Hi <svg onload='alert(1)'><script>alert(1)</script></svg>there</p>",
    ],
)
def test_html_reduction_drops_scripts_styles_handlers_and_links(html: str) -> None:
    paragraphs = html_to_paragraphs(html)
    text = " ".join(paragraphs)
    assert paragraphs == ("Hi there",) or text.replace(" ", "") == "Hithere", paragraphs
    for bad in ("alert", "script", "onclick", "onerror", "javascript", "color", "<", ">", "evil", "steal"):
        assert bad not in text


def test_html_paragraphs_split_at_block_elements_and_br() -> None:
    html = (
        "<h2>Head</h2><p>One<br>Two<br/>Three</p><ul><li>Item a</li><li>Item b</li></ul>"
        "<blockquote>Quote</blockquote><div>Div <span>inline</span> text</div><table><tr><td>Cell</td></tr></table>"
    )
    assert html_to_paragraphs(html) == (
        "Head",
        "One",
        "Two",
        "Three",
        "Item a",
        "Item b",
        "Quote",
        "Div inline text",
        "Cell",
    )


def test_html_without_blocks_splits_on_blank_lines() -> None:
    assert html_to_paragraphs("first  part\n\nsecond\npart") == ("first part", "second part")


def test_markdown_raw_html_and_javascript_links_never_reach_paragraphs(tmp_path: Path) -> None:
    text = (
        "---\ntitle: T\n---\n\n"
        'Hello <script>alert(1)</script> world <b onclick="steal()">bold</b>.\n\n'
        '[click](javascript:alert(2)) and <a href="javascript:alert(3)">two</a>\n\n'
        "<style>p { color: red }</style>\n\nLast paragraph.\n"
    )
    (release,) = ingest([write(tmp_path, "m.md", text)])
    joined = " ".join(release.paragraphs)
    for bad in ("alert", "script", "onclick", "steal", "javascript", "color", "<", ">"):
        assert bad not in joined, release.paragraphs
    assert "Hello" in joined and "bold" in joined and "Last paragraph." in joined
