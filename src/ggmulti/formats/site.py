"""The site's own pages over the whole catalogue: the stylesheet, an index per language, the language picker.

Every configured language gets an index listing every release: its edition in that language, or, where
there is none yet, an entry saying so in the reader's language that links the edition in the release's
own language. Readers of a language nothing is translated into yet still learn what was published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..config import Config, builtin_language
from ..labels import translation_label
from ..manifest import ArtifactKind, Catalogue, EditionEntry, ReleaseEntry
from ..paths import FAVICON, READALONG_SCRIPT, SITE_INDEX, STYLESHEET, LanguagePaths, href
from ..render.html import BundleLink, IndexEntry, LanguageLink
from ..render.units import file_size
from .api import BuildContext, Output, SiteInput, SiteResult

FALLBACK = "fallback"  # IndexEntry.status of an entry linking the edition in the release's own language


def _tag(config: Config, code: str) -> str:
    return config.language(code).bcp47 if code in config.languages else code


class SiteIndexes:
    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx

    def _entry(self, index: str, r: ReleaseEntry, code: str) -> IndexEntry | None:
        """The release on ``code``'s index: its own edition, or the source-language one marked untranslated."""
        config = self.ctx.config
        own = r.editions.get(code)
        if own is not None and own.listed:
            shown, lang, status = own, code, own.status.value
        else:
            source: EditionEntry | None = r.editions.get(r.source_lang)
            if source is None or not source.listed:
                return None
            shown, lang, status = source, r.source_lang, FALLBACK
            if own is not None and own.title and own.title_lang == code:  # a translated title, no edition
                shown = replace(source, title=own.title, title_lang=code)
        title_lang = shown.title_lang or r.source_lang
        return IndexEntry(
            href=href(index, LanguagePaths(lang).edition(r.id).page),
            title=shown.title or r.title,
            title_lang=title_lang,
            title_lang_tag=_tag(config, title_lang),
            date=r.date,
            status=status,
            label=self.ctx.html.labels(
                code, [k] if status != FALLBACK and (k := translation_label(shown.translation)) else []
            ),
        )

    def generate(self, site: SiteInput, earlier: Sequence[SiteResult]) -> SiteResult:
        config, html = self.ctx.config, self.ctx.html
        outputs = [
            Output(STYLESHEET, ArtifactKind.CSS, html.stylesheet().encode("utf-8")),
            Output(READALONG_SCRIPT, ArtifactKind.SCRIPT, html.asset("readalong.js")),
            Output(FAVICON, ArtifactKind.ICON, html.asset("favicon.svg")),
        ]
        links: list[LanguageLink] = []
        sizes = {o.path: len(o.data) for r in earlier for o in r.outputs} | {
            a.path: a.bytes for r in earlier for a in (*r.kept, *r.written)
        }

        def size(path: str | None) -> str:
            return file_size(sizes[path], cfg.bcp47) if path in sizes else ""

        # The configured order ([build] languages), documented; a language only originals are published in
        # (no index, feed or bundle) is left out.
        for code, cfg in config.site_languages().items():
            paths = LanguagePaths(code)
            entries = [
                e for r in site.catalogue.releases if (e := self._entry(paths.index, r, code)) is not None
            ]
            own = sum(e.status != FALLBACK for e in entries)
            bundles = [
                BundleLink(
                    label=html.period_label(b.period, cfg),
                    pdf=href(paths.index, b.pdf),
                    zip=href(paths.index, b.zip),
                    audio=b.audio,
                    epub=href(paths.index, b.epub) if b.epub else None,
                    sizes=(size(b.pdf), size(b.zip), size(b.epub)),
                )
                for b in sorted(
                    (b for result in earlier for b in result.bundles if b.lang == code),
                    key=lambda b: (b.period != "undated", b.period),
                    reverse=True,
                )
            ]
            page = html.language_index(
                cfg,
                entries,
                bundles=bundles,
                feed=any(result.has(paths.feed) for result in earlier),
                coming_soon=not own,
            )
            outputs.append(Output(paths.index, ArtifactKind.HTML, page.encode("utf-8")))
            links.append(
                LanguageLink(
                    href=href(SITE_INDEX, paths.index),
                    bcp47=cfg.bcp47,
                    native_name=cfg.native_name,
                    name=cfg.name,
                    count=own,
                    count_text=html.count_phrase(code, own),
                    note=html.ui(code)["coming_soon"] if not own else "",
                )
            )
        site_lang = config.languages.get("en") or next(iter(config.site_languages().values()))
        page = html.site_index(site_lang, links)
        outputs.append(Output(SITE_INDEX, ArtifactKind.HTML, page.encode("utf-8")))
        outputs.extend(self._notices(site.catalogue))
        return SiteResult(outputs=tuple(outputs))

    def _notices(self, catalogue: Catalogue) -> list[Output]:
        """Each language URL a withdrawn release had serves a short notice in that language (not indexed)."""
        config, html = self.ctx.config, self.ctx.html
        outputs = []
        for w in catalogue.withdrawn:
            for code in w.languages:
                cfg = config.languages.get(code) or builtin_language(code)
                if cfg is None:
                    continue
                page = LanguagePaths(code).edition(w.id).page
                back = LanguagePaths(code).index if code in config.site_languages() else SITE_INDEX
                text = html.withdrawn_notice(
                    cfg, date=w.date, reason=w.reason, reason_lang=w.reason_lang, back=href(page, back)
                )
                outputs.append(Output(page, ArtifactKind.HTML, text.encode("utf-8")))
        return outputs
