"""Release pages: the edition's text, links to the files the other formats made, and its other languages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup

from ..manifest import ArtifactKind
from ..model import Origin, is_closing
from ..paths import href
from ..render.epub import EPUB_TYPE
from ..render.html import Alternate, AudioLink, Link, PageMeta, SegmentView, TranscriptLine
from ..render.units import duration, file_size
from ..segment import lead_paragraph
from ..speech.voice import unusable_reason
from .api import BuildContext, EditionJob, EditionKey, EditionResult, Output

# Downloads a release page offers, by kind: (interface string, the string when the edition has audio,
# media type). The EPUB says whether it reads itself aloud.
DOWNLOADS = {
    ArtifactKind.PDF: ("pdf", "pdf", "application/pdf"),
    ArtifactKind.EPUB: ("epub_plain", "epub_audio", EPUB_TYPE),
}


class HtmlEditions:
    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx

    def generate(
        self, jobs: Sequence[EditionJob], earlier: Mapping[EditionKey, EditionResult]
    ) -> dict[EditionKey, EditionResult]:
        html, config = self.ctx.html, self.ctx.config
        results: dict[EditionKey, EditionResult] = {}
        for job in jobs:
            page_path = job.paths.page
            made = earlier.get(job.tr.key, EditionResult())
            ui = html.ui(job.tr.lang)
            tag = config.language(job.tr.lang).bcp47
            audio_out, vtt_out = made.output(ArtifactKind.AUDIO), made.output(ArtifactKind.TRANSCRIPT)
            downloads = [
                Link(
                    href=href(page_path, out.path),
                    label=ui[spoken if audio_out else label],
                    type=media,
                    size=file_size(len(out.data), tag),
                )
                for kind, (label, spoken, media) in DOWNLOADS.items()
                if (out := made.output(kind)) is not None
            ]
            outputs: list[Output] = []
            audio = None
            if audio_out is not None and vtt_out is not None:
                transcript_path = job.paths.of(ArtifactKind.TRANSCRIPT_PAGE)
                shown, iso = duration(made.audio_seconds or 0.0)
                audio = AudioLink(
                    href=href(page_path, audio_out.path),
                    transcript_href=href(page_path, vtt_out.path),
                    page_href=href(page_path, transcript_path) if made.timings else "",
                    duration=shown,
                    duration_iso=iso,
                    size=file_size(len(audio_out.data), tag),
                )
                if made.timings:
                    outputs.append(self._transcript(job, transcript_path, audio, made))
            base = (config.publisher.url or "").rstrip("/")
            alternates = [
                Alternate(
                    href=href(page_path, job.paths.in_language(other).page),
                    bcp47=config.language(other).bcp47,
                    native_name=config.language(other).native_name,
                    url=f"{base}/{job.paths.in_language(other).page}" if base else None,
                )
                for other in job.alternates
            ]
            source = job.tr.release.source_lang
            # The original's edition is built whenever its language is known (Config.with_originals);
            # otherwise the release's own address, when it has one; never a link to a missing page.
            built = source in config.languages
            target = (
                href(page_path, job.paths.in_language(source).page) if built else job.tr.release.source_url
            )
            original = (
                Alternate(
                    href=target,
                    bcp47=config.language(source).bcp47 if built else source,
                    native_name=config.language(source).native_name if built else source,
                )
                if source != job.tr.lang and target
                else None
            )
            page = html.release_page(
                job.tr,
                downloads=downloads,
                alternates=alternates,
                audio=audio,
                no_audio=self._no_audio(job) if audio is None and "audio" in self.ctx.formats else None,
                original=original,
                meta=self._meta(job),
            )
            outputs.insert(0, Output(page_path, ArtifactKind.HTML, page.encode("utf-8")))
            results[job.tr.key] = EditionResult(outputs=tuple(outputs))
        return results

    def _transcript(self, job: EditionJob, path: str, audio: AudioLink, made: EditionResult) -> Output:
        """The transcript as a page: each sentence at the time it is heard, followed by the same script.

        A raw .vtt is shown as code or downloaded by phones; this page reads like the release."""
        written = {seg.segment.key: seg for seg in job.tr.segments}
        tag = self.ctx.config.language(job.tr.lang).bcp47
        lines = [
            TranscriptLine(
                *duration(t.start),
                self.ctx.html.segment_view(written[t.key])
                if t.key in written
                else SegmentView(t.text, job.tr.lang, tag, "help", id=t.key),  # the help line closing it
            )
            for t in made.timings
            if t.key in written or is_closing(t.key)
        ]
        # hrefs on the transcript page: it sits beside the release page, so the audio's are the same
        page = self.ctx.html.transcript_page(
            job.tr, lines, audio=audio, release_href=href(path, job.paths.page)
        )
        return Output(path, ArtifactKind.TRANSCRIPT_PAGE, page.encode("utf-8"))

    def _meta(self, job: EditionJob) -> PageMeta:
        """JSON-LD NewsArticle and OpenGraph for search engines, aggregators and link previews."""
        config, tr = self.ctx.config, job.tr
        base = (config.publisher.url or "").rstrip("/")

        def url(path: str) -> str | None:
            return f"{base}/{path}" if base else None

        lead = lead_paragraph(tr.paragraphs)
        tag = config.language(tr.lang).bcp47
        source = tr.release.source_lang
        article: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": tr.title.text,
            "inLanguage": tag,
            "publisher": {
                "@type": "Organization",
                "name": self.ctx.html.publisher(tr.lang).alone,
                **({"url": base + "/"} if base else {}),
            },
            "isAccessibleForFree": True,
        }
        if tr.release.date:
            article["datePublished"] = tr.release.date
        if lead:
            article["description"] = lead
        if (own := url(job.paths.page)) is not None:
            article["url"] = own
            article["mainEntityOfPage"] = own
        if source != tr.lang:
            original = job.paths.in_language(source).page
            article["translationOfWork"] = {
                "@type": "NewsArticle",
                "headline": tr.release.title,
                "inLanguage": config.language(source).bcp47 if source in config.languages else source,
                **({"url": u} if (u := url(original)) else {}),
            }
            engines = sorted(
                {seg.engine for seg in tr.segments if seg.origin is Origin.MACHINE and seg.engine}
            )
            if engines:  # machine output says so: the translator is software
                article["translator"] = [{"@type": "SoftwareApplication", "name": e} for e in engines]
        else:
            article["workTranslation"] = [
                {
                    "@type": "NewsArticle",
                    "inLanguage": config.language(o).bcp47,
                    **({"url": u} if (u := url(job.paths.in_language(o).page)) else {}),
                }
                for o in job.alternates
            ]
        return PageMeta(
            json_ld=article,
            title=tr.title.text,
            description=lead,
            locale=tag.replace("-", "_"),
            alternate_locales=tuple(config.language(o).bcp47.replace("-", "_") for o in job.alternates),
            url=url(job.paths.page),
            site_name=self.ctx.html.site_title(tr.lang),
            published=tr.release.date,
        )

    def _no_audio(self, job: EditionJob) -> Markup:
        """Why readers get no audio, in their language: no voice for it, or for a language in the page."""
        config = self.ctx.config
        own = config.languages.get(job.tr.lang)
        key = "no_audio" if own is None or not own.voice or unusable_reason(own.voice) else "no_audio_mixed"
        return self.ctx.html.ui(job.tr.lang)[key]
