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

from ggmulti.cache import WorkCache
from ggmulti.config import Config, builtin_language, load_config
from ggmulti.formats.bundle import bundle_pdf
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
from ggmulti.render.pdfobjects import struct_elements

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
    path.write_bytes(
        bundle_pdf(pdf, html, releases, lang=config.language("lo"), period=period, identity="bundle/lo")
    )
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


class CountingRenderer(PdfRenderer):
    """A real renderer that counts its WeasyPrint runs."""

    runs: int = 0

    def render(self, html: str, *, identity: str) -> bytes:
        self.runs += 1
        return super().render(html, identity=identity)


def _content(data: bytes) -> list[bytes]:
    with pikepdf.open(io.BytesIO(data)) as doc:
        return [page.Contents.read_bytes() for page in doc.pages]


def test_bundle_parts_are_rendered_once_and_joined_again(
    html: HtmlRenderer, config: Config, tmp_path: Path
) -> None:
    """A new release adds one part; a changed one replaces its own; the others keep their pages."""
    lang, period = config.language("vi"), html.period_label("2025-11", config.language("vi"))
    a, b, c = (sample_release("vi", rid) for rid in ("first", "second", "third"))
    renderer = CountingRenderer()
    with WorkCache(tmp_path / "work.sqlite") as work:

        def build(releases: list[TranslatedRelease]) -> tuple[bytes, int]:
            before = renderer.runs
            data = bundle_pdf(
                renderer,
                html,
                releases,
                lang=lang,
                period=period,
                identity="b",
                work=work,
                owner="vi/2025-11",
            )
            assert [str(p) for p in check(data)] == []
            return data, renderer.runs - before

        two, runs = build([a, b])
        assert runs == 3  # two parts and the cover
        three, runs = build([a, b, c])
        assert runs == 2  # the new part and the cover
        assert _content(three)[1:3] == _content(two)[1:3]  # a's and b's pages, byte for byte
        a2 = replace(a, release=replace(a.release, date="2024-05-02"))
        changed, runs = build([a2, b, c])
        assert runs == 2 and _content(changed)[2:] == _content(three)[2:]
        with work._db:  # a damaged cache entry is rendered again, never joined or fatal
            work._db.execute("UPDATE blobs SET value = x'00'")
        again, runs = build([a2, b, c])
        assert runs == 4 and again == changed
        kept = work._db.execute("SELECT count(*) FROM blobs WHERE owner='vi/2025-11'").fetchone()[0]
        assert kept == 3  # a's first part was dropped with the rebuild that replaced it
        work.retain_owners("bundle-part", [])
        assert work.get_blob("bundle-part", "x") is None
        assert work._db.execute("SELECT count(*) FROM blobs").fetchone()[0] == 0
    assert bundle_pdf(renderer, html, [a2, b, c], lang=lang, period=period, identity="b") == changed


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


def test_checker_catches_shared_header_ids_and_references_off_the_document(
    rendered: Callable[[str], Path],
) -> None:
    """What a careless join leaves behind: two header cells with one ID, an element on a foreign page."""
    with pikepdf.open(rendered("vi")) as doc:
        elements = list(struct_elements(doc.Root.StructTreeRoot))
        headers = [e for e in elements if e.get("/S") == "/TH"]
        assert len(headers) >= 2
        headers[1].ID = headers[0].ID
        stray = doc.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Page))
        next(e for e in elements if "/Pg" in e).Pg = stray
        out = io.BytesIO()
        doc.save(out)
    codes = [p.checkpoint for p in check(out.getvalue())]
    assert "15-003" in codes and "01-005" in codes
