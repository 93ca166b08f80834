"""Podcast feeds per language over the whole catalogue, so a center subscribes once and keeps receiving.

Feeds carry what Apple Podcasts, Spotify and open podcast apps require (cover, category, explicit,
author and owner, duration and a description per episode, the transcript). The cover is drawn per
language (render/cover.py) and named by what it shows, so it is drawn once and reused after.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from ..incremental import intact
from ..labels import label_keys
from ..manifest import Artifact, ArtifactKind, EditionEntry, content_hash
from ..model import EditionStatus
from ..paths import LanguagePaths, href
from ..speech.encode import mp3_seconds
from ..speech.feeds import Channel, language_feed
from .api import BuildContext, Output, SiteInput, SiteResult

COVER_VERSION = 1  # bump when the cover's drawing changes


class PodcastFeeds:
    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx

    def _measure(self, audio: Artifact) -> float | None:
        """An MP3's length, for editions an older catalogue recorded without it."""
        data = self.ctx.read(audio.path)
        return mp3_seconds(data) if data else None

    def _cover(self, code: str, site: SiteInput) -> tuple[Output | None, Artifact | None, str]:
        """The language's cover: (new output or None, kept artifact or None, its path)."""
        config = self.ctx.config
        cfg = config.language(code)
        name = self.ctx.html.publisher(code)
        key = content_hash([COVER_VERSION, cfg.native_name, cfg.bcp47, cfg.font, name.alone, name.lang])
        path = LanguagePaths(code).cover(key)
        old = site.previous
        kept = next((a for a in old.site if a.path == path), None) if old is not None else None
        if kept is not None and intact(self.ctx.store, [kept]):  # checked as bundles are
            return None, kept, path
        from ..render.cover import find_font, podcast_cover

        png = podcast_cover(
            cfg.native_name,
            name.alone,
            cfg.bcp47,
            find_font(cfg.font, bold=True),
            find_font("Noto Sans") if name.lang == "en" else find_font(cfg.font),
            publisher_lang=config.language(name.lang).bcp47 if name.lang in config.languages else name.lang,
        )
        return Output(path, ArtifactKind.IMAGE, png), None, path

    def _label(self, code: str, ed: EditionEntry) -> str:
        """What a feed item says of its text (machine, mixed, partial), in the feed's language."""
        return self.ctx.html.labels(
            code, label_keys(ed.translation, partial=ed.status is EditionStatus.PARTIAL)
        )

    def generate(self, site: SiteInput, earlier: Sequence[SiteResult]) -> SiteResult:
        """Links are absolute under ``[publisher] url`` when it is set, else relative to the feed."""
        config = self.ctx.config
        base_url = (config.publisher.url or "").rstrip("/")
        outputs: list[Output] = []
        kept: list[Artifact] = []
        for code, cfg in sorted(config.site_languages().items()):
            if not any(
                (ed := r.editions.get(code)) is not None and ed.artifact(ArtifactKind.AUDIO) is not None
                for r in site.catalogue.releases
            ):
                continue  # no episode: no feed, no cover
            paths = LanguagePaths(code)
            base = f"{base_url}/{code}/" if base_url else ""
            made, reused, cover_path = self._cover(code, site)
            outputs += [made] if made is not None else []
            kept += [reused] if reused is not None else []
            description = self.ctx.html.phrase(
                code,
                "feed_description",
                publisher=self.ctx.html.publisher(code).text,
                language=cfg.native_name,
            ).striptags()
            channel = Channel(
                title=f"{self.ctx.html.site_title(code)} ({cfg.native_name})",
                link=base + href(paths.feed, paths.index),
                description=description,
                language=cfg.bcp47,
                self_url=base + href(paths.feed, paths.feed),
                author=self.ctx.html.publisher(code).alone,
                image_url=base + href(paths.feed, cover_path),
                category=config.publisher.podcast_category,
                owner_email=config.publisher.email,
            )
            data = language_feed(
                code, channel, site.catalogue, base, measure=self._measure, label=partial(self._label, code)
            )
            if data is not None:
                outputs.append(Output(paths.feed, ArtifactKind.FEED, data))
        return SiteResult(outputs=tuple(outputs), kept=tuple(kept))
