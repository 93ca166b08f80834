"""PDF/UA editions, rendered in worker processes (WeasyPrint is imported only when a PDF is made)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..manifest import ArtifactKind
from .api import BuildContext, EditionJob, EditionKey, EditionResult, Output


class PdfEditions:
    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx

    def generate(
        self, jobs: Sequence[EditionJob], earlier: Mapping[EditionKey, EditionResult]
    ) -> dict[EditionKey, EditionResult]:
        if not jobs:
            return {}
        from ..render.pdf import render_many  # WeasyPrint + pikepdf take ~0.4 s to import

        html, progress = self.ctx.html, self.ctx.progress
        work = [(f"{j.tr.release.id}/{j.tr.lang}", html.release_print(j.tr)) for j in jobs]
        progress("PDF", 0, len(work))
        rendered = render_many(
            work, workers=self.ctx.config.build.workers, progress=lambda n: progress("PDF", n, len(work))
        )
        return {
            j.tr.key: EditionResult(outputs=(Output(j.paths.of(ArtifactKind.PDF), ArtifactKind.PDF, data),))
            for j, data in zip(jobs, rendered, strict=True)
        }
