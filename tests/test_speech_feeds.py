"""Per-language podcast feeds: RSS 2.0 that validates, enclosures that match the files, same bytes."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from lxml import etree

from ggmulti.manifest import Artifact, ArtifactKind, Catalogue, EditionEntry, ReleaseEntry
from ggmulti.model import EditionStatus
from ggmulti.speech.feeds import ATOM_NS, ITUNES_NS, PODCAST_NS, Channel, language_feed, rfc822

CHANNEL = Channel(
    title="Gyeonggi Province press releases (Tiếng Việt)",
    link="https://example.org/vi/index.html",
    description="Gyeonggi Province press releases read aloud in Vietnamese (Tiếng Việt).",
    language="vi",
    self_url="https://example.org/vi/feed.xml",
)


def _release(rid: str, date: str | None, audio: bool = True) -> ReleaseEntry:
    artifacts = [Artifact(ArtifactKind.HTML, f"vi/{rid}.html", "0" * 64, 10)]
    if audio:
        artifacts += [
            Artifact(ArtifactKind.AUDIO, f"vi/{rid}.mp3", "1" * 64, 123456),
            Artifact(ArtifactKind.TRANSCRIPT, f"vi/{rid}.vtt", "2" * 64, 789),
        ]
    edition = EditionEntry(
        EditionStatus.PUBLISHED,
        title=f"Tiêu đề {rid}",
        lead=f"Đoạn đầu của {rid}.",
        audio_seconds=61.4 if audio else None,
        artifacts=tuple(artifacts),
    )
    return ReleaseEntry(rid, f"English title of {rid}", date, "en", None, {"vi": edition})


def _catalogue(*releases: ReleaseEntry) -> Catalogue:
    return Catalogue.of(releases)


def validate_rss(data: bytes) -> etree._Element:
    """The RSS 2.0 rules a feed reader relies on: channel title/link/description, items with a title,
    enclosures with url, integer length and type, RFC 822 dates, a unique guid per item."""
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = etree.fromstring(data)
    assert root.tag == "rss" and root.get("version") == "2.0"
    (channel,) = root.findall("channel")
    for tag in ("title", "link", "description", "language"):
        assert (channel.findtext(tag) or "").strip(), tag
    for tag in ("pubDate", "lastBuildDate"):
        if channel.find(tag) is not None:
            parsedate_to_datetime(channel.findtext(tag))
    guids = []
    for item in channel.findall("item"):
        assert item.findtext("title") or item.findtext("description")
        (enclosure,) = item.findall("enclosure")
        assert enclosure.get("url") and enclosure.get("type") == "audio/mpeg"
        assert int(enclosure.get("length", "x")) > 0
        if item.find("pubDate") is not None:
            parsedate_to_datetime(item.findtext("pubDate"))
        guids.append(item.findtext("guid"))
        (transcript,) = item.findall(f"{{{PODCAST_NS}}}transcript")
        assert transcript.get("type") == "text/vtt" and transcript.get("url", "").endswith(".vtt")
    assert len(guids) == len(set(guids))
    return root


def test_feed_is_rss_2_with_enclosures_and_transcripts() -> None:
    releases = [_release("b", "2025-11-03"), _release("a", "2025-10-02"), _release("c", None, audio=False)]
    data = language_feed("vi", CHANNEL, _catalogue(*releases), "https://example.org/vi/")
    assert data is not None
    root = validate_rss(data)
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext("language") == "vi"
    assert channel.find(f"{{{ATOM_NS}}}link").get("href") == CHANNEL.self_url  # type: ignore[union-attr]
    assert channel.findtext("lastBuildDate") == "Mon, 03 Nov 2025 00:00:00 +0900"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Tiêu đề b", "Tiêu đề a"]  # c has no audio
    first = items[0]
    assert first.find("enclosure").attrib == {  # type: ignore[union-attr]
        "url": "https://example.org/vi/b.mp3",
        "length": "123456",
        "type": "audio/mpeg",
    }
    assert first.findtext("link") == "https://example.org/vi/b.html"
    assert first.find(f"{{{PODCAST_NS}}}transcript").get("language") == "vi"  # type: ignore[union-attr]
    assert first.findtext(f"{{{ITUNES_NS}}}duration") == "00:01:01"
    assert first.findtext("description") == "Đoạn đầu của b."
    assert (
        language_feed("vi", CHANNEL, _catalogue(*releases), "https://example.org/vi/") == data
    )  # no clock inside


def test_no_audio_no_feed() -> None:
    assert language_feed("vi", CHANNEL, _catalogue(*[_release("c", None, audio=False)]), "") is None
    assert language_feed("lo", CHANNEL, _catalogue(*[_release("a", "2025-10-02")]), "") is None


def test_dates_are_korean_midnight() -> None:
    assert rfc822("2025-10-02") == "Thu, 02 Oct 2025 00:00:00 +0900"
