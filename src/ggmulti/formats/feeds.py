"""Podcast feeds per language over the whole catalogue, so a center subscribes once and keeps receiving."""

from __future__ import annotations

from collections.abc import Sequence

from ..manifest import ArtifactKind
from ..paths import LanguagePaths, href
from ..speech.feeds import Channel, language_feed
from .api import BuildContext, Output, SiteInput, SiteResult


class PodcastFeeds:
    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx

    def generate(self, site: SiteInput, earlier: Sequence[SiteResult]) -> SiteResult:
        """Links are absolute under ``[publisher] url`` when it is set, else relative to the feed."""
        config = self.ctx.config
        base_url = (config.publisher.url or "").rstrip("/")
        outputs = []
        for code, cfg in sorted(config.languages.items()):
            paths = LanguagePaths(code)
            base = f"{base_url}/{code}/" if base_url else ""
            channel = Channel(
                title=f"{config.publisher.site_title} ({cfg.native_name})",
                link=base + href(paths.feed, paths.index),
                description=f"{config.publisher.name} press releases read aloud in {cfg.name} ({cfg.native_name}).",
                language=cfg.bcp47,
                self_url=base + href(paths.feed, paths.feed),
            )
            data = language_feed(code, channel, site.catalogue, base)
            if data is not None:
                outputs.append(Output(paths.feed, ArtifactKind.FEED, data))
        return SiteResult(outputs=tuple(outputs))
