"""Audio editions: an MP3 with chapters and a WebVTT transcript per edition whose languages have voices.

A voice that misbehaves fails the build; the chunk being made is never written (stream.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..labels import SYNTHETIC_VOICE, keys_of
from ..manifest import ArtifactKind
from ..model import SegmentCounts, TranslatedRelease
from ..render.html import HtmlRenderer
from ..speech.espeak import EspeakEngine
from ..speech.stage import NoAudio, speak_editions
from .api import BuildContext, EditionJob, EditionKey, EditionResult, Output


class AudioEditions:
    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx

    def generate(
        self, jobs: Sequence[EditionJob], earlier: Mapping[EditionKey, EditionResult]
    ) -> dict[EditionKey, EditionResult]:
        if not jobs:
            return {}
        config, html = self.ctx.config, self.ctx.html
        comments = {j.tr.key: listener_note(html, j.tr) for j in jobs}
        with EspeakEngine() as engine:
            closing = {
                lang: said for lang in {j.tr.lang for j in jobs} if (said := self.ctx.html.help_spoken(lang))
            }
            spoken = speak_editions(
                config,
                self.ctx.glossary,
                [j.tr for j in jobs],
                engine,
                workers=config.build.workers,
                closing=closing,
                comments=comments,
            )
        results: dict[EditionKey, EditionResult] = {}
        for job in jobs:
            made = spoken[job.tr.key]
            if isinstance(made, NoAudio):
                results[job.tr.key] = EditionResult(notes=(made.reason,))
                continue
            paths = job.paths
            results[job.tr.key] = EditionResult(
                outputs=(
                    Output(paths.of(ArtifactKind.AUDIO), ArtifactKind.AUDIO, made.audio.mp3),
                    Output(paths.of(ArtifactKind.TRANSCRIPT), ArtifactKind.TRANSCRIPT, made.audio.vtt),
                ),
                audio_seconds=round(made.audio.seconds, 3),
                timings=made.timings,
            )
        return results


def listener_note(html: HtmlRenderer, tr: TranslatedRelease) -> str:
    """What a listener is told, in the edition's language: who translated it (machine, mixed, partial)
    and that the voice is synthetic (broadcasters signpost synthetic voices)."""
    keys = keys_of(SegmentCounts.of(tr.segments))
    said = html.labels(tr.lang, keys)
    told = [f"{said[:1].upper()}{said[1:]}."] if keys else []
    return " ".join([*told, html.text(tr.lang, SYNTHETIC_VOICE)])
