"""A small link checker over a built output folder: every internal href/src must name a file that exists.

Pages are parsed with lxml (the HTML parser browsers' rules roughly follow); links inside a bundle zip's
``index.html`` are checked against the zip's own members, as a reader opening it from a USB stick sees them.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html

ATTRIBUTES = ("href", "src")


def _targets(page: bytes) -> list[str]:
    doc = html.fromstring(page)
    return [value for attr in ATTRIBUTES for value in doc.xpath(f"//@{attr}")]


def _internal(link: str) -> str | None:
    """The path part of a link to this folder, or None for an external or same-page link."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return unquote(parts.path)


def broken_links(folder: Path) -> list[str]:
    """'page -> link' for every internal link of every page (and bundle zip index) with no file behind it."""
    broken: list[str] = []
    for page in sorted(folder.rglob("*.html")):
        where = page.relative_to(folder).as_posix()
        for link in _targets(page.read_bytes()):
            path = _internal(link)
            if path is None:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(where), path))
            if target.startswith("../") or not (folder / target).is_file():
                broken.append(f"{where} -> {link}")
    for archive in sorted(folder.rglob("*.zip")):
        with zipfile.ZipFile(archive) as z:
            names = set(z.namelist())
            if "index.html" not in names:
                continue
            for link in _targets(z.read("index.html")):
                path = _internal(link)
                if path is not None and posixpath.normpath(path) not in names:
                    broken.append(f"{archive.relative_to(folder).as_posix()}!index.html -> {link}")
    return broken


def checked_links(folder: Path) -> int:
    """How many internal links the folder's pages hold (so a test knows the checker saw something)."""
    return sum(
        1
        for page in folder.rglob("*.html")
        for link in _targets(page.read_bytes())
        if _internal(link) is not None
    )
