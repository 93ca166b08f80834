"""What publish calls for audio: synthesize every edition before anything is written, then write the
MP3 + WebVTT of each edition and one feed per language through the output store."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..config import Config
from ..glossary.model import Glossary
from ..model import Artifact, TranslatedRelease
from ..render.html import AudioLink
from ..store import OutputStore
from .espeak import EspeakEngine
from .feeds import FEED_NAME, Channel, language_feed
from .stage import NoAudio, SpokenEdition, speak_editions


def speak(
    config: Config, glossary: Glossary, editions: Iterable[object]
) -> dict[tuple[str, str], SpokenEdition | NoAudio]:
    """Audio for every translated edition (others are ignored); EngineUnavailable if a voice misbehaves."""
    translated = [tr for tr in editions if isinstance(tr, TranslatedRelease)]
    with EspeakEngine() as engine:
        return speak_editions(config, glossary, translated, engine, workers=config.build.workers)


def write_audio(
    store: OutputStore, spoken: SpokenEdition | NoAudio | None, tr: TranslatedRelease
) -> tuple[list[Artifact], AudioLink | None, tuple[str, ...]]:
    """Artifacts, the page's audio link and notes for one edition (``None``: audio not asked for)."""
    if spoken is None:
        return [], None, ()
    if isinstance(spoken, NoAudio):
        return [], None, (spoken.reason,)
    rid, lang = tr.release.id, tr.lang
    artifacts = [
        store.write(f"{lang}/{rid}.mp3", spoken.audio.mp3, "audio"),
        store.write(f"{lang}/{rid}.vtt", spoken.audio.vtt, "transcript"),
    ]
    return artifacts, AudioLink(href=f"{rid}.mp3", transcript_href=f"{rid}.vtt"), ()


def write_feeds(store: OutputStore, config: Config, releases: Sequence[dict[str, Any]]) -> list[Artifact]:
    """``<lang>/feed.xml`` for every language with audio in the (merged, newest-first) manifest entries.

    Links are absolute under ``[publisher] url`` when it is set, else relative to the feed.
    """
    base_url = (config.publisher.url or "").rstrip("/")
    artifacts = []
    for code, cfg in sorted(config.languages.items()):
        base = f"{base_url}/{code}/" if base_url else ""
        channel = Channel(
            title=f"{config.publisher.site_title} ({cfg.native_name})",
            link=f"{base}index.html",
            description=f"{config.publisher.name} press releases read aloud in {cfg.name} ({cfg.native_name}).",
            language=cfg.bcp47,
            self_url=f"{base}{FEED_NAME}",
        )
        data = language_feed(code, channel, releases, base)
        if data is not None:
            artifacts.append(store.write(f"{code}/{FEED_NAME}", data, "feed"))
    return artifacts
