"""The site's own pages over the whole catalogue: the stylesheet, an index per language, the language picker.

Built from the merged catalogue, so releases published on earlier days stay listed.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..manifest import ArtifactKind
from ..paths import SITE_INDEX, STYLESHEET, LanguagePaths, href
from ..render.html import BundleLink, IndexEntry, LanguageLink
from .api import BuildContext, Output, SiteInput, SiteResult


class SiteIndexes:
    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx

    def generate(self, site: SiteInput, earlier: Sequence[SiteResult]) -> SiteResult:
        config, html = self.ctx.config, self.ctx.html
        outputs = [Output(STYLESHEET, ArtifactKind.CSS, html.stylesheet().encode("utf-8"))]
        links: list[LanguageLink] = []
        missing: list[LanguageLink] = []
        for code, cfg in sorted(config.languages.items()):
            paths = LanguagePaths(code)
            listed = [
                (r, ed)
                for r in site.catalogue.releases
                if (ed := r.editions.get(code)) is not None and ed.listed
            ]
            entries = [
                IndexEntry(
                    href=href(paths.index, paths.edition(r.id).page),
                    title=ed.title or r.title,
                    title_lang=ed.title_lang or r.source_lang,
                    title_lang_tag=config.language(ed.title_lang).bcp47
                    if ed.title_lang in config.languages
                    else str(ed.title_lang),
                    date=r.date,
                    status=ed.status.value,
                )
                for r, ed in listed
            ]
            reasons = sorted(
                {
                    ed.reason
                    for r in site.catalogue.releases
                    if (ed := r.editions.get(code)) is not None and not ed.listed and ed.reason
                }
            )
            if entries:
                bundles = [
                    BundleLink(
                        label=html.period_label(b.period, cfg),
                        pdf=href(paths.index, b.pdf),
                        zip=href(paths.index, b.zip),
                        audio=b.audio,
                    )
                    for result in earlier
                    for b in result.bundles
                    if b.lang == code
                ]
                page = html.language_index(
                    cfg, entries, bundles=bundles, feed=any(result.has(paths.feed) for result in earlier)
                )
                outputs.append(Output(paths.index, ArtifactKind.HTML, page.encode("utf-8")))
                links.append(
                    LanguageLink(
                        href=href(SITE_INDEX, paths.index),
                        bcp47=cfg.bcp47,
                        native_name=cfg.native_name,
                        name=cfg.name,
                        count=len(entries),
                    )
                )
            elif reasons:
                missing.append(
                    LanguageLink(
                        href="",
                        bcp47=cfg.bcp47,
                        native_name=cfg.native_name,
                        name=cfg.name,
                        count=0,
                        reason="; ".join(reasons),
                    )
                )
        site_lang = config.languages.get("en") or next(iter(config.languages.values()))
        page = html.site_index(site_lang, links, missing)
        outputs.append(Output(SITE_INDEX, ArtifactKind.HTML, page.encode("utf-8")))
        return SiteResult(outputs=tuple(outputs))
