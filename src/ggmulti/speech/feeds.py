"""Per-language podcast feeds (RSS 2.0 + Podcasting 2.0 transcripts), so a center subscribes once.

Built from the merged manifest, so releases published on earlier days stay in the feed. No wall-clock
time anywhere: dates are the releases' own (midnight in Korea), so the same manifest gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from lxml import etree

from ..manifest import Artifact, ArtifactKind, Catalogue
from .encode import MP3_TYPE, VTT_TYPE

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
KST = timezone(timedelta(hours=9), "KST")


@dataclass(frozen=True)
class Channel:
    title: str
    link: str
    description: str
    language: str  # BCP 47
    self_url: str


@dataclass(frozen=True)
class Episode:
    title: str
    link: str
    guid: str
    date: str | None  # YYYY-MM-DD
    audio_url: str
    audio_bytes: int
    transcript_url: str
    transcript_lang: str


def rfc822(date: str) -> str:
    """A release date as RSS wants it: midnight in Korea, where the releases are dated."""
    day = datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=KST)
    return format_datetime(day)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def podcast_feed(channel: Channel, episodes: Iterable[Episode]) -> bytes:
    """RSS 2.0 with <language>, <enclosure url length type> and <podcast:transcript> per item."""
    episodes = list(episodes)
    rss = etree.Element("rss", {"version": "2.0"}, nsmap={"podcast": PODCAST_NS, "atom": ATOM_NS})
    ch = _sub(rss, "channel")
    _sub(ch, "title", channel.title)
    _sub(ch, "link", channel.link)
    _sub(ch, "description", channel.description)
    _sub(ch, "language", channel.language)
    _sub(ch, f"{{{ATOM_NS}}}link", href=channel.self_url, rel="self", type="application/rss+xml")
    _sub(ch, "generator", "ggmulti")
    dates = sorted((e.date for e in episodes if e.date), reverse=True)
    if dates:
        _sub(ch, "pubDate", rfc822(dates[0]))
        _sub(ch, "lastBuildDate", rfc822(dates[0]))
    _sub(ch, f"{{{PODCAST_NS}}}locked", "no")
    for e in episodes:
        item = _sub(ch, "item")
        _sub(item, "title", e.title)
        _sub(item, "link", e.link)
        _sub(item, "guid", e.guid, isPermaLink="false")
        if e.date:
            _sub(item, "pubDate", rfc822(e.date))
        _sub(item, "enclosure", url=e.audio_url, length=str(e.audio_bytes), type=MP3_TYPE)
        _sub(
            item,
            f"{{{PODCAST_NS}}}transcript",
            url=e.transcript_url,
            type=VTT_TYPE,
            language=e.transcript_lang,
        )
    return bytes(etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def language_feed(lang: str, channel: Channel, catalogue: Catalogue, base: str) -> bytes | None:
    """The feed of one language over the catalogue (newest first), or None when nothing has audio.

    ``base`` is the URL of the language's folder ending in "/" (empty: links relative to the feed).
    """

    def name(artifact: Artifact) -> str:
        return artifact.path.rsplit("/", 1)[-1]

    episodes = []
    for r in catalogue.releases:
        ed = r.editions.get(lang)
        if ed is None:
            continue
        audio, vtt = ed.artifact(ArtifactKind.AUDIO), ed.artifact(ArtifactKind.TRANSCRIPT)
        page = ed.artifact(ArtifactKind.HTML)
        if audio is None or vtt is None:
            continue
        episodes.append(
            Episode(
                title=ed.title or r.title,
                link=base + name(page or audio),
                guid=f"ggmulti:{r.id}:{lang}",
                date=r.date,
                audio_url=base + name(audio),
                audio_bytes=audio.bytes,
                transcript_url=base + name(vtt),
                transcript_lang=channel.language,
            )
        )
    return podcast_feed(channel, episodes) if episodes else None
