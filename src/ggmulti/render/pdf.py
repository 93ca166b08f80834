"""PDF/UA-1 documents with WeasyPrint plus the repairs in pdfua.py, byte-identical for the same input."""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from ..errors import GgmultiError
from ..lifetime import terminate, tie_to_parent
from .pdfua import FixStats, PdfUaFixer, layout_runs


class _Collect(logging.Handler):
    """WeasyPrint only logs accessibility errors (missing lang, alt, title) and missing glyphs; collect them."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        # ERROR: a PDF/UA requirement WeasyPrint could not meet; ".notdef": a character drawn as tofu.
        if record.levelno >= logging.ERROR or ".notdef" in message:
            self.messages.append(message)


@dataclass
class PdfRenderer:
    """One font configuration per build: fonts are loaded once, not per document.

    ``fixes=False`` gives WeasyPrint's own output (the benchmark's baseline); published PDFs always have them.
    """

    fonts: FontConfiguration = field(default_factory=FontConfiguration)
    fixes: bool = True
    last_stats: FixStats | None = None
    _fingerprint: str | None = field(default=None, init=False, repr=False)

    def fingerprint(self) -> str:
        """What decides the bytes besides the HTML: library versions and this package's PDF code."""
        if self._fingerprint is not None:
            return self._fingerprint
        digest = hashlib.sha256(f"fixes={self.fixes}".encode())
        for name in ("weasyprint", "pydyf", "pikepdf", "fonttools"):
            try:
                digest.update(f"{name} {metadata.version(name)}\n".encode())
            except metadata.PackageNotFoundError:
                digest.update(f"{name} ?\n".encode())
        here = Path(__file__).resolve().parent
        for module in ("pdf.py", "pdfua.py", "pdfobjects.py", "linebreak.py"):
            digest.update((here / module).read_bytes())
        self._fingerprint = digest.hexdigest()
        return self._fingerprint

    def render(self, html: str, *, identity: str) -> bytes:
        """``identity`` (e.g. release id + language) fixes the PDF /ID so equal input gives equal bytes."""
        logger = logging.getLogger("weasyprint")
        handler = _Collect()
        logger.addHandler(handler)
        try:
            options = {
                "pdf_variant": "pdf/ua-1",
                "pdf_identifier": hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32].encode("ascii"),
                "uncompressed_pdf": False,
            }
            document = HTML(string=html, base_url=None).render(font_config=self.fonts, **options)
            pdf = document.write_pdf(**options)
            runs = layout_runs(document) if self.fixes else None
        finally:
            logger.removeHandler(handler)
        if handler.messages:
            raise GgmultiError(f"PDF for {identity}: WeasyPrint reported: {'; '.join(handler.messages)}")
        if pdf is None:
            raise GgmultiError(f"PDF for {identity}: WeasyPrint returned no document")
        if runs is None:
            return bytes(pdf)
        fixed, self.last_stats = PdfUaFixer().fix(bytes(pdf), runs)
        return fixed


def _render_chunk(jobs: Sequence[tuple[str, str]]) -> list[bytes]:
    """One worker's share: one renderer (fonts loaded once) for all of it; no state outlives the call."""
    renderer = PdfRenderer()
    return [renderer.render(html, identity=identity) for identity, html in jobs]


def render_many(
    jobs: Sequence[tuple[str, str]],
    workers: int,
    renderer: PdfRenderer | None = None,
    progress: Callable[[int], None] = lambda _n: None,
) -> list[bytes]:
    """PDFs for (identity, html) jobs, in order; in worker processes when there are enough to pay off.

    WeasyPrint is single-threaded and takes 0.1-0.3 s per release: on 2 cores, two processes halve
    the stage. Jobs are dealt round-robin so both workers get a similar mix; results come back as
    bytes for the store (the only writer) to write.
    """
    if workers <= 1 or len(jobs) < 4:
        own = renderer or PdfRenderer()
        out = []
        for identity, html in jobs:
            out.append(own.render(html, identity=identity))
            progress(1)
        return out
    shares = [list(jobs[i::workers]) for i in range(workers)]
    results: list[bytes | None] = [None] * len(jobs)
    # spawn, not fork: a forked worker would hold the output-folder lock and every other descriptor
    # of the build; each worker dies with the build (lifetime.tie_to_parent).
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=tie_to_parent, initargs=(os.getpid(),)
    )
    try:
        futures = {pool.submit(_render_chunk, share): i for i, share in enumerate(shares) if share}
        for future in as_completed(futures):
            start = futures[future]
            for n, data in enumerate(future.result()):
                results[start + n * workers] = data
            progress(len(shares[start]))
    except BaseException:
        terminate(pool)  # an error or Ctrl-C: stop now rather than render the rest for nothing
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [r for r in results if r is not None]
