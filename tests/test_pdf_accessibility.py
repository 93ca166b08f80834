"""PDF/UA: the repaired PDFs pass the checker and round-trip through pdftotext in every script we serve.

Test documents are rendered through the project's own templates from short texts written for these tests
(tests/fixtures/script_samples.py), each with a Korean name inside and a glossary-notes table.
"""

from __future__ import annotations

import importlib.util
import io
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pikepdf
import pytest
from weasyprint import HTML

from ggmulti.config import Config, builtin_language, load_config
from ggmulti.glossary.load import load_glossary
from ggmulti.model import (
    Layer,
    Origin,
    Release,
    Segment,
    TermCheck,
    TranslatedRelease,
    TranslatedSegment,
)
from ggmulti.render.html import HtmlRenderer
from ggmulti.render.pdf import PdfRenderer
from ggmulti.render.pdfcheck import check, extract_text, missing_text, normalize

REPO = Path(__file__).resolve().parents[1]


def _samples() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "script_samples", REPO / "tests" / "fixtures" / "script_samples.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("script_samples", module)
    spec.loader.exec_module(module)
    return module


SAMPLES = _samples()
LANGS = sorted(SAMPLES.SAMPLES)
UNSPACED = ("th", "lo", "km", "my")


def sample_release(lang: str, rid: str = "sample") -> TranslatedRelease:
    """A translated release in ``lang`` built from the written samples: a Korean name, a glossary term."""
    data = SAMPLES.SAMPLES[lang]
    release = Release(
        id=rid,
        title="Sample",
        date="2024-05-01",
        source_lang="en",
        paragraphs=("Sample.",),
        source_ref="script_samples.py",
        source_url="https://www.gg.go.kr/",
    )
    term = TermCheck(
        term_id="gyeonggi-province",
        surface="Gyeonggi Province",
        expected=str(data["name"]),
        pinned=True,
        layer=Layer.MEMORY,
    )

    def seg(
        p: int, i: int, text: str, seg_lang: str = lang, terms: tuple[TermCheck, ...] = ()
    ) -> TranslatedSegment:
        return TranslatedSegment(Segment(rid, p, i, text), text, seg_lang, Origin.MEMORY, terms=terms)

    paragraphs = []
    for p, sentences in enumerate(data["paragraphs"]):  # type: ignore[arg-type]
        segs = [seg(p, i, s, terms=(term,) if p == 0 and i == 0 else ()) for i, s in enumerate(sentences)]
        if p == 0 and lang != "ko":
            segs.append(seg(p, len(segs), SAMPLES.KOREAN_NAME, "ko"))
        paragraphs.append(tuple(segs))
    if lang in UNSPACED:  # a run of several lines with no space at all: only word-break hints let it wrap
        words = "".join(s for p in data["paragraphs"] for s in p) * 2  # type: ignore[attr-defined]
        run = "".join(c for c in words if not c.isspace() and unicodedata.category(c)[0] != "P")
        paragraphs.append((seg(len(paragraphs), 0, run),))
    return TranslatedRelease(release, lang, seg(-1, 0, str(data["title"])), tuple(paragraphs))


def expected_passages(tr: TranslatedRelease) -> list[str]:
    """Everything the reader must get back, in reading order."""
    out = [tr.title.text]
    for para in tr.paragraphs:
        out += [s.text for s in para]
    return out


@pytest.fixture(scope="module")
def config() -> Config:
    """The project's configuration plus the scripts it does not build by default (bn, si, ko)."""
    base = load_config(REPO / "ggmulti.toml")
    extra = {code: builtin_language(code) for code in LANGS if code not in base.languages}
    return replace(base, languages={**base.languages, **{k: v for k, v in extra.items() if v is not None}})


@pytest.fixture(scope="module")
def html(config: Config) -> HtmlRenderer:
    scripts = {code: cfg.script for code, cfg in config.languages.items()}
    return HtmlRenderer(config, load_glossary(config.glossary_dir, scripts))


@pytest.fixture(scope="module")
def pdf() -> PdfRenderer:
    return PdfRenderer()


@pytest.fixture(scope="module")
def rendered(
    html: HtmlRenderer, pdf: PdfRenderer, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], Path]:
    """rendered(lang) -> path of the repaired PDF of that language's sample (rendered once)."""
    folder = tmp_path_factory.mktemp("pdf-samples")
    done: dict[str, Path] = {}

    def get(lang: str) -> Path:
        if lang not in done:
            path = folder / f"{lang}.pdf"
            path.write_bytes(pdf.render(html.release_print(sample_release(lang)), identity=f"sample/{lang}"))
            done[lang] = path
        return done[lang]

    return get


@pytest.mark.parametrize("lang", LANGS)
def test_sample_passes_the_checker(rendered: Callable[[str], Path], lang: str) -> None:
    assert [str(p) for p in check(rendered(lang))] == []


@pytest.mark.parametrize("lang", LANGS)
def test_sample_text_round_trips_through_pdftotext(rendered: Callable[[str], Path], lang: str) -> None:
    tr = sample_release(lang)
    assert missing_text(rendered(lang), expected_passages(tr)) == []
    if lang != "ko":  # the glossary notes: the name in the edition's language, then its Korean original
        assert missing_text(rendered(lang), [str(SAMPLES.SAMPLES[lang]["name"]), "경기도"]) == []


@pytest.mark.parametrize("lang", ["hi", "km", "my", "th"])
def test_weasyprint_alone_garbles_complex_scripts(
    html: HtmlRenderer, pdf: PdfRenderer, tmp_path: Path, lang: str
) -> None:
    """The gap the repairs close is real: WeasyPrint's own output fails the round trip and 10-001."""
    plain = PdfRenderer(fonts=pdf.fonts, fixes=False)
    path = tmp_path / "plain.pdf"
    path.write_bytes(plain.render(html.release_print(sample_release(lang)), identity="plain"))
    assert missing_text(path, expected_passages(sample_release(lang)))
    codes = {p.checkpoint for p in check(path)}
    assert "01-005" in codes  # the page number is tagged but outside the structure tree


def _struct(path: Path) -> list[pikepdf.Dictionary]:
    with pikepdf.open(path) as doc:
        out = []
        stack = [doc.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            kids = node.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            for kid in kids:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    out.append({"S": str(kid.S), "Lang": str(kid.get("/Lang", "")), "A": repr(kid.get("/A"))})
                    stack.append(kid)
        return out  # type: ignore[return-value]


def test_inner_lang_scope_and_artifacts(rendered: Callable[[str], Path]) -> None:
    path = rendered("vi")
    elems = _struct(path)
    assert any(e["Lang"] == "ko" for e in elems)  # the Korean name and the Korean column
    assert all("/Scope" in e["A"] for e in elems if e["S"] == "/TH")
    with pikepdf.open(path) as doc:
        assert str(doc.Root.Lang) == "vi"
        content = doc.pages[0].Contents.read_bytes()
        assert b"/Artifact" in content and b"/Pagination" in content
        assert b"/ActualText" in content


def test_same_input_same_bytes(html: HtmlRenderer, pdf: PdfRenderer) -> None:
    page = html.release_print(sample_release("km"))
    assert pdf.render(page, identity="a/km") == pdf.render(page, identity="a/km")


def test_bundle_has_toc_bookmarks_and_passes(
    html: HtmlRenderer, pdf: PdfRenderer, config: Config, tmp_path: Path
) -> None:
    releases = [sample_release("lo", "first"), sample_release("lo", "second")]
    path = tmp_path / "bundle.pdf"
    period = html.period_label("2025-11", config.language("lo"))
    page = html.bundle_print(config.language("lo"), releases, period=period)
    path.write_bytes(pdf.render(page, identity="bundle/lo"))
    assert [str(p) for p in check(path)] == []
    with pikepdf.open(path) as doc:
        with doc.open_outline() as outline:
            titles = [item.title for item in outline.root]
        assert len(doc.pages) >= 3
        links = [a for page in doc.pages for a in page.obj.get("/Annots", []) if a.Subtype == "/Link"]
        assert len(links) >= 2
        # each link is announced by its entry: the release title and its page number
        assert all(normalize(str(a.Contents)).startswith(normalize(releases[0].title.text)) for a in links)
    assert len(titles) == 1  # the cover's H1, with the releases below it
    text = normalize(extract_text(path))
    for tr in releases:
        assert normalize(tr.title.text) in text


# --- the checker itself: each covered checkpoint fails when it should --------------------------------


def _weasy(body: str, lang: str = "en", tags: bool = True) -> bytes:
    page = f"<!DOCTYPE html><html{f' lang={lang!r}' if lang else ''}><head><title>t</title></head><body>{body}</body></html>"
    return bytes(HTML(string=page).write_pdf(pdf_variant="pdf/ua-1" if tags else None))


PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


@pytest.mark.parametrize(
    ("body", "lang", "tags", "code"),
    [
        ("<h1>a</h1><h3>b</h3>", "en", True, "14-003"),
        ("<h2>a</h2>", "en", True, "14-002"),
        (f'<p><img src="{PNG}" style="width:10px"></p>', "en", True, "13-004"),
        ("<p>a</p>", "", True, "11-006"),
        ("<p>a</p>", "en", False, "06-001"),
        ("<p>a</p>", "en", False, "01-005"),
    ],
)
def test_checker_catches(body: str, lang: str, tags: bool, code: str) -> None:
    assert code in {p.checkpoint for p in check(_weasy(body, lang, tags))}


def test_checker_catches_untagged_painting_and_missing_tounicode() -> None:
    data = _weasy("<p>abc</p>")
    with pikepdf.open(io.BytesIO(data)) as doc:
        page = doc.pages[0]
        page.contents_add(doc.make_stream(b"0 0 10 10 re f"), prepend=False)
        font = next(iter(page.Resources.Font.values()))
        del font["/ToUnicode"]
        out = io.BytesIO()
        doc.save(out)
    codes = {p.checkpoint for p in check(out.getvalue())}
    assert {"01-005", "10-001"} <= codes
