"""Property: any bytes or text as a source either ingest into safe releases or raise InputError."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from ggmulti.errors import InputError
from ggmulti.ingest import id_from_guid, ingest, slugify

ID_RE = re.compile(r"^[a-z0-9-]+$")
SUFFIXES = st.sampled_from([".md", ".xml", ".txt"])

# Fragments that steer generated text towards the parsers' interesting paths.
FRAGMENTS = st.sampled_from(
    [
        "---\n", "id: ", "title: ", "date: ", "lang: ", "source_url: ", "]]>", "\n", "\n\n", "<p>", "</p>",
        "<br>", "<script>", "</script>", "<?xml version='1.0'?>", "<rss version='2.0'><channel>", "<item>",
        "</item>", "</channel></rss>", "<title>", "</title>", "<guid>", "</guid>", "<description>",
        "</description>", "<![CDATA[", "<!DOCTYPE x>", "&amp;", "&lt;", "../", "..\\", "/", "\x00", "\ufeff",
        "\u200b", "{{ 7*7 }}", "!!python/object:os.system", "京畿道", "Tiếng Việt", "2025-11-12", "x" * 90,
        "<feed xmlns='http://www.w3.org/2005/Atom'>", "<entry>", "</entry>", "<content type='xhtml'>",
        "</content>", "<id>", "</id>", " ", ".", "?", "\r\n", "\x1e", "\t",
    ]
)  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=400), st.lists(st.one_of(FRAGMENTS, st.text(max_size=12)), max_size=40).map("".join)
)


def _rss(guid: str, title: str, body: str) -> str:
    def esc(s: str) -> str:
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    return (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>t</title><item>"
        f"<title>{esc(title)}</title><guid>{esc(guid)}</guid><description>{esc(body)}</description>"
        "</item></channel></rss>"
    )


def _check(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"source{suffix}"
        path.write_bytes(data)
        try:
            releases = ingest([path])
        except InputError as exc:
            message = str(exc)
            assert message and "\n" not in message
            return
        assert releases
        ids = [r.id for r in releases]
        assert len(ids) == len(set(ids))
        for release in releases:
            assert ID_RE.match(release.id), release.id
            assert "/" not in release.id and "\\" not in release.id and ".." not in release.id
            assert release.title.strip(), release
            assert release.paragraphs and all(p.strip() for p in release.paragraphs), release
            assert release.date is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", release.date)
            for text in (release.title, *release.paragraphs):
                etree.Element("x").text = text  # ValueError if an XML writer (XLIFF, feeds) could not hold it


_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(data=st.binary(max_size=600), suffix=SUFFIXES)
@example(data=b"\x01\n]]>", suffix=".txt")
@example(data=b"...\n]]>\nText.", suffix=".txt")
@example(data=b"---\ntitle: '...'\n---\n\n...", suffix=".md")
def test_any_bytes_ingest_or_raise_input_error(data: bytes, suffix: str) -> None:
    _check(data, suffix)


@_SETTINGS
@given(text=TEXT, suffix=SUFFIXES)
@example(text="\u200b\n]]>\n", suffix=".txt")
@example(
    text="<rss version='2.0'><channel><item><title>\x1e</title><description>x</description></item>"
    "</channel></rss>",
    suffix=".xml",
)
@example(text="---\ntitle: t\n---\n<?xml version='1.0'?>\nBody.", suffix=".md")  # was XMLParsedAsHTMLWarning
@example(text="---\ntitle: t\n---\nA\uffff\ufdd0 body.", suffix=".md")
@example(text="---\ndate: 2025-02-30\n---\nBody.", suffix=".md")
@example(text="---\ntitle: [a, &b b, *b]\n---\nBody.", suffix=".md")
def test_any_text_ingests_or_raises_input_error(text: str, suffix: str) -> None:
    _check(text.encode("utf-8", "surrogatepass"), suffix)


@_SETTINGS
@given(guid=st.text(max_size=120), title=st.text(max_size=80), body=st.text(min_size=1, max_size=200))
@example(guid="../../x", title="t", body="b")
@example(guid="..", title="..", body="..")
def test_feed_items_with_any_guid_get_safe_ids(guid: str, title: str, body: str) -> None:
    _check(_rss(guid, title, body).encode("utf-8", "surrogatepass"), ".xml")


@_SETTINGS
@given(rid=st.text(max_size=100), title=st.text(max_size=100))
@example(rid="../../x", title="t")
def test_front_matter_with_any_id_and_title(rid: str, title: str) -> None:
    text = f"---\nid: {rid!r}\ntitle: {title!r}\n---\n\nSome body text.\n"
    _check(text.encode("utf-8", "surrogatepass"), ".md")


@given(text=st.text(max_size=300))
def test_slugs_and_guid_ids_are_always_safe(text: str) -> None:
    slug = slugify(text)
    assert slug == "" or ID_RE.match(slug)
    assert len(slug) <= 80 and not slug.startswith("-") and not slug.endswith("-")
    guid_id = id_from_guid(text) if text.strip() else "r"
    assert ID_RE.match(guid_id) and ".." not in guid_id
