"""Every output format in one table: a new format is one module plus one row here.

Row order is build order. Edition formats run in it (the release page comes last, so it can link what the
others made); site formats run in it too (the indexes come last, so they can link feeds and bundles).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .api import BuildContext, EditionFormat, SiteFormat
from .audio import AudioEditions
from .bundle import Bundles
from .data import EditionData
from .epub import EpubEditions
from .feeds import PodcastFeeds
from .html import HtmlEditions
from .pdf import PdfEditions
from .site import SiteIndexes
from .sitemap import Sitemap


@dataclass(frozen=True)
class Format:
    name: str  # as written in [build] formats
    edition: Callable[[BuildContext], EditionFormat] | None  # files per release and language
    site: Callable[[BuildContext], SiteFormat] | None  # files over the whole catalogue


FORMATS: tuple[Format, ...] = (
    Format("data", edition=EditionData, site=None),  # every edition's text: what bundles are made from
    Format("audio", edition=AudioEditions, site=PodcastFeeds),
    Format("pdf", edition=PdfEditions, site=Bundles),
    Format("epub", edition=EpubEditions, site=None),  # read-aloud from audio's timings; bundles make theirs
    Format("html", edition=HtmlEditions, site=SiteIndexes),
    Format("sitemap", edition=None, site=Sitemap),  # every page above, with its languages
)


def format_names() -> tuple[str, ...]:
    return tuple(f.name for f in FORMATS)


def selected(names: Sequence[str]) -> tuple[Format, ...]:
    """The formats asked for, in build order; the edition text and the site's pages are always made."""
    return tuple(f for f in FORMATS if f.name in names or f.name in ALWAYS)


ALWAYS = ("data", "html", "sitemap")
