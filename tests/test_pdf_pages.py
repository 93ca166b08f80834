"""Page images and font facts: no tofu, no text outside the page box, in every script and in the demo.

- tofu: pdffonts lists only embedded Noto fonts, no content stream draws glyph 0 (.notdef), and every
  letter of the text is in the cmap of an embedded font (fontTools);
- overflow: pdftoppm renders each page and no ink lies in the left or right page margins; pdftotext
  -bbox puts every word inside the page box.
A Khmer page rendered without the ICU break hints shows the overflow these checks exist to catch.
"""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from ggmulti.config import Config
from ggmulti.glossary.load import load_glossary
from ggmulti.render.html import HtmlRenderer
from ggmulti.render.pdf import PdfRenderer
from test_pdf_accessibility import LANGS, config, expected_passages, sample_release  # noqa: F401 - fixture

MM = 72 / 25.4
SIDE_MARGIN = 18 * MM  # print.css.j2: @page margin 20mm 18mm 22mm 18mm
DPI = 50


def pdffonts(path: Path) -> list[dict[str, str]]:
    lines = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    out = []
    for line in lines[2:]:
        parts = line.split()
        # name type... encoding emb sub uni object-id generation
        out.append({"name": parts[0], "emb": parts[-5], "uni": parts[-3]})
    return out


def drawn_glyphs(path: Path) -> dict[str, set[int]]:
    """Glyph ids each Type0 font draws (Identity-H: code = glyph id)."""
    found: dict[str, set[int]] = {}
    with pikepdf.open(path) as doc:
        for page in doc.pages:
            fonts = page.Resources.get("/Font", {})
            current = None
            for instr in pikepdf.parse_content_stream(page, "Tf TJ Tj"):
                op = str(instr.operator)
                if op == "Tf":
                    current = fonts.get(str(instr.operands[0]))
                elif current is not None and current.get("/Subtype") == "/Type0":
                    items = (
                        instr.operands[0] if isinstance(instr.operands[0], pikepdf.Array) else instr.operands
                    )
                    codes = found.setdefault(str(current.BaseFont), set())
                    for item in items:
                        if isinstance(item, pikepdf.String):
                            raw = bytes(item)
                            codes.update(
                                int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw) - 1, 2)
                            )
    return found


def covered_chars(path: Path) -> set[int]:
    """Characters the fonts embedded in ``path`` have glyphs for: each subset's own cmap, plus the cmap of
    the installed font it was cut from (a vowel drawn through a positional variant leaves the subset's cmap)."""
    chars: set[int] = set()
    with pikepdf.open(path) as doc:
        seen = set()
        for page in doc.pages:
            for font in page.Resources.get("/Font", {}).values():
                if font.objgen in seen or "/DescendantFonts" not in font:
                    continue
                seen.add(font.objgen)
                descriptor = font.DescendantFonts[0].FontDescriptor
                program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
                with TTFont(io.BytesIO(program.read_bytes()), lazy=True) as subset:
                    chars.update((subset.getBestCmap() or {}).keys())
                chars.update(_installed_cmap(str(font.BaseFont).split("+", 1)[-1]))
    return chars


_CMAPS: dict[str, frozenset[int]] = {}


def _installed_cmap(base_font: str) -> frozenset[int]:
    """cmap of the installed font fontconfig picks for a PDF font name like "Noto-Sans-Thai-Bold"."""
    if base_font not in _CMAPS:
        family = re.sub(r"-(Bold|Regular|Italic)$", "", base_font).replace("-", " ")
        file = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True).stdout
        number = 0
        if file.endswith(".ttc"):
            index = subprocess.run(
                ["fc-match", "-f", "%{index}", family], capture_output=True, text=True
            ).stdout
            number = int(index or 0)
        with TTFont(file, fontNumber=number, lazy=True) as tt:
            _CMAPS[base_font] = frozenset((tt.getBestCmap() or {}).keys())
    return _CMAPS[base_font]


def ink_outside_side_margins(path: Path, tmp: Path) -> list[str]:
    """Pages whose rendered ink reaches into the left or right margin (beyond 1 mm of slack)."""
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(path), str(tmp / "page")], check=True)
    problems = []
    for png in sorted(tmp.glob("page-*.png")):
        with Image.open(png) as image:
            gray = image.convert("L")
            width, height = gray.size
            scale = DPI / 72
            left = int((SIDE_MARGIN - 1 * MM) * scale)
            right = int(width - (SIDE_MARGIN - 1 * MM) * scale)
            # ignore the top and bottom margins: running header and page number live there
            band = gray.crop((0, int(20 * MM * scale), width, height - int(22 * MM * scale)))
            for name, box in (("left", (0, 0, left, band.height)), ("right", (right, 0, width, band.height))):
                darkest = band.crop(box).getextrema()[0]
                if darkest < 160:
                    problems.append(f"{png.name}: ink in the {name} margin")
    return problems


def words_outside_page(path: Path) -> list[str]:
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    problems = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xml, re.S):
        width = float(page.group(1))
        for word in re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', page.group(3)):
            if (
                float(word.group(1)) < SIDE_MARGIN - 1 * MM
                or float(word.group(2)) > width - SIDE_MARGIN + 1 * MM
            ):
                problems.append(word.group(0))
    return problems


def _render(html: HtmlRenderer, lang: str, path: Path) -> Path:
    path.write_bytes(PdfRenderer().render(html.release_print(sample_release(lang)), identity=f"pages/{lang}"))
    return path


@pytest.fixture(scope="module")
def html(config: Config) -> HtmlRenderer:  # noqa: F811 - the imported fixture feeds this one
    scripts = {code: cfg.script for code, cfg in config.languages.items()}
    return HtmlRenderer(config, load_glossary(config.glossary_dir, scripts))


@pytest.mark.parametrize("lang", LANGS)
def test_no_tofu_and_no_overflow(html: HtmlRenderer, lang: str, tmp_path: Path) -> None:
    path = _render(html, lang, tmp_path / f"{lang}.pdf")
    fonts = pdffonts(path)
    assert fonts and all(f["emb"] == "yes" and "Noto" in f["name"] and f["uni"] == "yes" for f in fonts), (
        fonts
    )
    assert all(0 not in gids for gids in drawn_glyphs(path).values())
    text = "".join(expected_passages(sample_release(lang)))
    letters = {ord(c) for c in text if unicodedata.category(c)[0] in "LN"}
    assert letters - covered_chars(path) == set()
    assert ink_outside_side_margins(path, tmp_path) == []
    assert words_outside_page(path) == []


def test_khmer_without_break_hints_overflows(config: Config, tmp_path: Path) -> None:  # noqa: F811
    """Why the hints exist: Pango breaks Khmer only at spaces, so an unspaced sentence runs off the page."""
    plain = HtmlRenderer(config)
    plain.env.filters["wordbreak"] = lambda text, code: text
    path = _render(plain, "km", tmp_path / "km-plain.pdf")
    assert ink_outside_side_margins(path, tmp_path) != []


def test_demo_pdfs_have_no_tofu_or_overflow(demo_output: Path, tmp_path: Path) -> None:
    problems: dict[str, list[str]] = {}
    for index, path in enumerate(sorted(demo_output.rglob("*.pdf"))):
        pages = tmp_path / str(index)
        pages.mkdir()
        found = ink_outside_side_margins(path, pages) + words_outside_page(path)
        fonts = pdffonts(path)
        found += [
            f"font {f['name']} not embedded Noto"
            for f in fonts
            if f["emb"] != "yes" or "Noto" not in f["name"]
        ]
        found += [f"{font} draws .notdef" for font, gids in drawn_glyphs(path).items() if 0 in gids]
        if found:
            problems[str(path.relative_to(demo_output))] = found
    assert problems == {}
