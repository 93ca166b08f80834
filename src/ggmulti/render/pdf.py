"""PDF/UA-1 documents with WeasyPrint, byte-identical for the same input."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from ..errors import GgmultiError


class _Collect(logging.Handler):
    """WeasyPrint only logs accessibility errors (missing lang, alt, title); collect them to fail loudly."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass
class PdfRenderer:
    """One font configuration per build: fonts are loaded once, not per document."""

    fonts: FontConfiguration = field(default_factory=FontConfiguration)

    def render(self, html: str, *, identity: str) -> bytes:
        """``identity`` (e.g. release id + language) fixes the PDF /ID so equal input gives equal bytes."""
        logger = logging.getLogger("weasyprint")
        handler = _Collect()
        logger.addHandler(handler)
        try:
            document = HTML(string=html, base_url=None)
            pdf = document.write_pdf(
                pdf_variant="pdf/ua-1",
                pdf_identifier=hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32].encode("ascii"),
                font_config=self.fonts,
                uncompressed_pdf=False,
            )
        finally:
            logger.removeHandler(handler)
        if handler.messages:
            raise GgmultiError(f"PDF for {identity}: WeasyPrint reported: {'; '.join(handler.messages)}")
        if pdf is None:
            raise GgmultiError(f"PDF for {identity}: WeasyPrint returned no document")
        return bytes(pdf)
