"""Per-language podcast feeds (RSS 2.0 + Podcasting 2.0 transcripts), so a center subscribes once.

Built from the merged manifest, so releases published on earlier days stay in the feed. No wall-clock
time anywhere: dates are the releases' own (midnight in Korea), so the same manifest gives the same bytes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from lxml import etree

from ..manifest import Artifact, ArtifactKind, Catalogue, EditionEntry
from .encode import MP3_TYPE, VTT_TYPE

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ATOM_NS = "http://www.w3.org/2005/Atom"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
# podcast:guid is a UUIDv5 of the feed URL (scheme and trailing slashes removed) in this namespace.
PODCAST_GUID_NS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
KST = timezone(timedelta(hours=9), "KST")


@dataclass(frozen=True)
class Channel:
    title: str
    link: str
    description: str
    language: str  # BCP 47
    self_url: str
    author: str = ""
    image_url: str = ""  # a square cover, 1400-3000 px
    category: str = "Government"
    owner_email: str | None = None


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
    seconds: float | None = None
    description: str = ""  # the lead paragraph


def rfc822(date: str) -> str:
    """A release date as RSS wants it: midnight in Korea, where the releases are dated."""
    day = datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=KST)
    return format_datetime(day)


def podcast_guid(feed_url: str) -> str:
    """The feed's podcast:guid: stable for the feed's address, whoever computes it."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NS, bare))


def _duration(seconds: float) -> str:
    whole = max(1, round(seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def podcast_feed(channel: Channel, episodes: Iterable[Episode]) -> bytes:
    """RSS 2.0 with <language>, <enclosure url length type> and <podcast:transcript> per item."""
    episodes = list(episodes)
    rss = etree.Element(
        "rss", {"version": "2.0"}, nsmap={"itunes": ITUNES_NS, "podcast": PODCAST_NS, "atom": ATOM_NS}
    )
    it = f"{{{ITUNES_NS}}}"
    ch = _sub(rss, "channel")
    _sub(ch, "title", channel.title)
    _sub(ch, "link", channel.link)
    _sub(ch, "description", channel.description)
    _sub(ch, "language", channel.language)
    _sub(ch, f"{{{ATOM_NS}}}link", href=channel.self_url, rel="self", type="application/rss+xml")
    _sub(ch, "generator", "ggmulti")
    if channel.author:
        _sub(ch, f"{it}author", channel.author)
        owner = _sub(ch, f"{it}owner")
        _sub(owner, f"{it}name", channel.author)
        if channel.owner_email:
            _sub(owner, f"{it}email", channel.owner_email)
    _sub(ch, f"{it}summary", channel.description)
    if channel.image_url:
        image = _sub(ch, "image")
        _sub(image, "url", channel.image_url)
        _sub(image, "title", channel.title)
        _sub(image, "link", channel.link)
        _sub(ch, f"{it}image", href=channel.image_url)
    _sub(ch, f"{it}category", text=channel.category)
    _sub(ch, f"{it}explicit", "false")
    _sub(ch, f"{it}type", "episodic")
    _sub(ch, f"{{{PODCAST_NS}}}guid", podcast_guid(channel.self_url))
    dates = sorted((e.date for e in episodes if e.date), reverse=True)
    if dates:
        _sub(ch, "pubDate", rfc822(dates[0]))
        _sub(ch, "lastBuildDate", rfc822(dates[0]))
    _sub(ch, f"{{{PODCAST_NS}}}locked", "no")
    for e in episodes:
        item = _sub(ch, "item")
        _sub(item, "title", e.title)
        _sub(item, "link", e.link)
        if e.description:
            _sub(item, "description", e.description)
            _sub(item, f"{it}summary", e.description)
        _sub(item, "guid", e.guid, isPermaLink="false")
        if e.date:
            _sub(item, "pubDate", rfc822(e.date))
        _sub(item, "enclosure", url=e.audio_url, length=str(e.audio_bytes), type=MP3_TYPE)
        if e.seconds is not None:
            _sub(item, f"{it}duration", _duration(e.seconds))
        _sub(item, f"{it}explicit", "false")
        _sub(item, f"{it}episodeType", "full")
        _sub(
            item,
            f"{{{PODCAST_NS}}}transcript",
            url=e.transcript_url,
            type=VTT_TYPE,
            language=e.transcript_lang,
        )
    return bytes(etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def language_feed(
    lang: str,
    channel: Channel,
    catalogue: Catalogue,
    base: str,
    measure: Callable[[Artifact], float | None] = lambda _a: None,
    label: Callable[[EditionEntry], str] = lambda _e: "",
) -> bytes | None:
    """The feed of one language over the catalogue (newest first), or None when nothing has audio.

    ``base`` is the URL of the language's folder ending in "/" (empty: links relative to the feed);
    ``measure`` gives an MP3's length where an older catalogue did not record it; ``label``: what the
    item says of its text (machine, mixed, partial), in the feed's language, before the description.
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
        said = label(ed)
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
                seconds=ed.audio_seconds if ed.audio_seconds is not None else measure(audio),
                description=" ".join(p for p in (f"[{said}]" if said else "", ed.lead or "") if p),
            )
        )
    return podcast_feed(channel, episodes) if episodes else None
