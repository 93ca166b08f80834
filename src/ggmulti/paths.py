"""Where every published file lives, relative to the output folder: one place decides every path.

Pages link each other with hrefs relative to the page (``href``), so an output folder can be served from
any URL prefix or opened from a USB stick.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from .manifest import MANIFEST_NAME, REPORT_NAME, ArtifactKind

SITE_INDEX = "index.html"
STYLESHEET = "assets/style.css"
READALONG_SCRIPT = "assets/readalong.js"
FAVICON = "favicon.svg"
SITE_FILES = (MANIFEST_NAME, REPORT_NAME)

_EXTENSIONS = {
    ArtifactKind.HTML: "html",
    ArtifactKind.PDF: "pdf",
    ArtifactKind.AUDIO: "mp3",
    ArtifactKind.TRANSCRIPT: "vtt",
    ArtifactKind.TRANSCRIPT_PAGE: "transcript.html",
    ArtifactKind.DATA: "json",
    ArtifactKind.EPUB: "epub",
}


def href(from_page: str, to_file: str) -> str:
    """``to_file`` as a link on the page ``from_page`` (both relative to the output folder)."""
    return posixpath.relpath(to_file, posixpath.dirname(from_page) or ".")


@dataclass(frozen=True)
class EditionPaths:
    """The files of one release in one language, all in the language's folder."""

    release_id: str
    lang: str

    def of(self, kind: ArtifactKind) -> str:
        return f"{self.lang}/{self.release_id}.{_EXTENSIONS[kind]}"

    @property
    def page(self) -> str:
        return self.of(ArtifactKind.HTML)

    def in_language(self, lang: str) -> EditionPaths:
        return EditionPaths(self.release_id, lang)


@dataclass(frozen=True)
class LanguagePaths:
    """A language's own pages and downloads: its index, podcast feed and bundle."""

    lang: str

    @property
    def index(self) -> str:
        return f"{self.lang}/index.html"

    @property
    def feed(self) -> str:
        return f"{self.lang}/feed.xml"

    @property
    def bundle_folder(self) -> str:
        return f"{self.lang}/bundle/"

    def bundle_pdf(self, period: str) -> str:
        return f"{self.lang}/bundle/{self.lang}-{period}.pdf"

    def bundle_zip(self, period: str) -> str:
        return f"{self.lang}/bundle/{self.lang}-{period}.zip"

    def bundle_epub(self, period: str) -> str:
        return f"{self.lang}/bundle/{self.lang}-{period}.epub"

    def cover(self, key: str) -> str:
        """The podcast cover, named by what it shows: a changed cover is a new URL (apps cache covers)."""
        return f"{self.lang}/cover-{key[:12]}.png"

    def edition(self, release_id: str) -> EditionPaths:
        return EditionPaths(release_id, self.lang)
