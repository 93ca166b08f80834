"""sitemap.xml (every page, with its other languages as hreflang alternates) and robots.txt.

Search engines and news aggregators find each translation through its alternates; ``x-default`` is the
English edition. A sitemap needs absolute addresses: without ``[publisher] url`` none is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lxml import etree

from ..manifest import ArtifactKind, Catalogue
from ..paths import SITE_INDEX, EditionPaths, LanguagePaths
from .api import BuildContext, Output, SiteInput, SiteResult

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"


def _pages(catalogue: Catalogue, languages: Sequence[str]) -> list[tuple[str, str | None, dict[str, str]]]:
    """(page path, date, {hreflang code: path}) for the site index, each language index and every edition."""
    indexes = {code: LanguagePaths(code).index for code in languages}
    pages: list[tuple[str, str | None, dict[str, str]]] = [(SITE_INDEX, None, {})]
    pages += [(path, None, indexes) for path in indexes.values()]
    for r in catalogue.releases:
        editions = {
            code: EditionPaths(r.id, code).page
            for code, ed in r.editions.items()
            if ed.listed and ed.artifact(ArtifactKind.HTML) is not None
        }
        pages += [(path, r.date, editions) for path in editions.values()]
    return pages


class Sitemap:
    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx

    def generate(self, site: SiteInput, earlier: Sequence[SiteResult]) -> SiteResult:
        config = self.ctx.config
        if not config.publisher.url:
            self.ctx.log("no sitemap.xml: [publisher] url is not set (a sitemap needs absolute addresses)")
            return SiteResult()
        base = config.publisher.url.rstrip("/") + "/"
        tag = {code: cfg.bcp47 for code, cfg in config.languages.items()}
        namespaces: Any = {None: SITEMAP_NS, "xhtml": XHTML_NS}  # lxml-stubs do not allow the default prefix
        urlset = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap=namespaces)
        for path, date, alternates in _pages(site.catalogue, sorted(config.site_languages())):
            url = etree.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
            etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = base + path
            if date:
                etree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = date
            links = sorted((tag.get(code, code), target) for code, target in alternates.items())
            if "en" in alternates:
                links.append(("x-default", alternates["en"]))
            for hreflang, target in links if len(alternates) > 1 else ():
                etree.SubElement(
                    url, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=hreflang, href=base + target
                )
        sitemap = etree.tostring(urlset, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        robots = f"User-agent: *\nAllow: /\nSitemap: {base}{SITEMAP}\n".encode()
        return SiteResult(
            outputs=(
                Output(SITEMAP, ArtifactKind.SITEMAP, bytes(sitemap)),
                Output(ROBOTS, ArtifactKind.ROBOTS, robots),
            )
        )
