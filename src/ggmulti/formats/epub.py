"""Talking-book editions: an EPUB 3 per edition, read aloud sentence by sentence where it has audio.

Multicultural centers lend news to residents who read slowly or see poorly; an EPUB opens in any reading
app, reflows, and with Media Overlays highlights each sentence as it is heard. The overlay's times are
the ones the audio format synthesized for the same edition (``EditionResult.timings``), so this format
runs after audio and before the release page (which links it). An edition without audio (no voice for
its language, or audio not asked for) gets a text-only book. Bundles reuse :func:`talking_book` for a
period's book (formats/bundle.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..manifest import ArtifactKind
from ..model import Origin, TranslatedRelease, is_closing
from ..render.epub import EpubAudio, EpubBook, EpubChapter, EpubLabels, EpubName, epub_audio, epub_chapter
from ..render.epub import epub_edition as package
from .api import BuildContext, EditionJob, EditionKey, EditionResult, Output

UNDATED_MODIFIED = "1980-01-01T00:00:00Z"  # an undated release's dcterms:modified (the ZIP epoch)


def _tag(ctx: BuildContext, code: str) -> str:
    languages = ctx.config.languages
    return languages[code].bcp47 if code in languages else code


def chapter(ctx: BuildContext, tr: TranslatedRelease, audio: EpubAudio | None) -> EpubChapter:
    """An edition as a chapter, worded as its release page: notices, names, the reader's date."""
    html = ctx.html
    ui = html.ui(tr.lang)
    notices = [
        ui[key].striptags()
        for key, origin in (("untranslated_notice", Origin.UNTRANSLATED), ("machine_notice", Origin.MACHINE))
        if any(s.origin is origin for s in tr.segments)
    ]
    return epub_chapter(
        tr,
        lambda code: _tag(ctx, code),
        names=[EpubName(n.name, n.original, n.original_tag) for n in html.names(tr)],
        audio=audio,
        date_text=html.date_text(tr.release.date, tr.lang),
        notice=" ".join(notices) or None,
    )


def talking_book(
    ctx: BuildContext, lang: str, chapters: Sequence[EpubChapter], *, identifier: str, title: str
) -> bytes:
    """The ``.epub`` bytes of ``chapters`` in ``lang``; dated (and ``dcterms:modified``) by the newest."""
    ui = ctx.html.ui(lang)
    tag = _tag(ctx, lang)
    dates = sorted(c.date for c in chapters if c.date)
    name = ctx.html.publisher(lang)  # the glossary's form in the book's language, else English
    publisher_tag = _tag(ctx, name.lang)
    book = EpubBook(
        identifier=identifier,
        title=title,
        language=tag,
        publisher=name.alone,
        date=dates[-1] if dates else None,
        modified=f"{dates[-1]}T00:00:00Z" if dates else UNDATED_MODIFIED,
        accessibility_summary=ui["epub_summary"].striptags(),
        chapters=tuple(chapters),
        direction=ctx.config.language(lang).traits.direction,
        publisher_lang=publisher_tag if publisher_tag != tag else None,
        labels=EpubLabels(
            contents=ui["contents"].striptags(),
            names=ui["names"].striptags(),
            name_col=ui["name_col"].striptags(),
            korean_col=ui["korean_col"].striptags(),
        ),
    )
    return package(book)


def edition_identifier(release_id: str, lang: str) -> str:
    return f"urn:ggmulti:{release_id}:{lang}"


class EpubEditions:
    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx

    def generate(
        self, jobs: Sequence[EditionJob], earlier: Mapping[EditionKey, EditionResult]
    ) -> dict[EditionKey, EditionResult]:
        results: dict[EditionKey, EditionResult] = {}
        for job in jobs:
            tr = job.tr
            made = earlier.get(tr.key, EditionResult())
            mp3 = made.output(ArtifactKind.AUDIO)
            # the help line closing the audio has no sentence in the book: its clip is not in the overlay
            timings = [t for t in made.timings if not is_closing(t.key)]
            audio = epub_audio(mp3.data, timings) if mp3 is not None and timings else None
            data = talking_book(
                self.ctx,
                tr.lang,
                [chapter(self.ctx, tr, audio)],
                identifier=edition_identifier(tr.release.id, tr.lang),
                title=tr.title.text,
            )
            path = job.paths.of(ArtifactKind.EPUB)
            results[tr.key] = EditionResult(outputs=(Output(path, ArtifactKind.EPUB, data),))
        return results
