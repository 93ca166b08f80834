"""Podcast covers: square RGB PNGs, byte-stable, and text shaped as a real shaping engine shapes it.

The reference for shaping is Pango + HarfBuzz (through WeasyPrint, rasterized by poppler's pdftoppm),
an engine independent of Pillow's libraqm path: the same string in the same font at the same size must
give the same ink. Pillow's basic layout, which does not shape, is the negative control.
"""

from __future__ import annotations

import io
import itertools
import shutil
import struct
import subprocess
from html import escape

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from weasyprint import HTML

from ggmulti.config import builtin_language
from ggmulti.errors import EngineUnavailable
from ggmulti.render import cover
from ggmulti.render.cover import FontFace, find_font, layout_cover, podcast_cover

PUBLISHER = "Gyeonggi Province"
COVER = cover.COVER_SIZE
# Strings whose shaping is visible: stacked Lao and Thai marks, Khmer coeng and reordered vowels,
# Burmese medials and killed consonants, Devanagari conjuncts and candrabindu. The native names add
# the Burmese medial ra drawn around its consonant and the Devanagari i-matra moved before a conjunct.
STRESS = {
    "lo": "ໜ້ານີ້ແປດ້ວຍເຄື່ອງຈັກ",
    "km": "ខេត្តគ្យ៉ុងគី",
    "my": "သတင်းထုတ်ပြန်ချက်",
    "hi": "प्रेस विज्ञप्तियाँ",
    "th": "ที่นี่ผู้ใหญ่",
}
# The negative control's string per language: where unshaped glyphs differ most from shaped ones.
CONTROL = {**STRESS, "my": "မြန်မာဘာသာ"}
MATCH = 0.9  # intersection over union of the ink: correct shaping measured 0.94-0.99
BROKEN = 0.7  # unshaped text measured 0.28-0.59


def _faces(code: str) -> tuple[str, FontFace, FontFace]:
    lang = builtin_language(code)
    assert lang is not None
    return lang.font, find_font(lang.font, bold=True), find_font("Noto Sans")


def _ink(gray: np.ndarray, threshold: int, dark_text: bool) -> np.ndarray:
    mask = gray < threshold if dark_text else gray > threshold
    ys, xs = np.nonzero(mask)
    assert ys.size, "no ink"
    return mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    """Best overlap over shifts of up to 2 px: the two rasterizers may round the origin differently."""
    h, w = max(a.shape[0], b.shape[0]) + 4, max(a.shape[1], b.shape[1]) + 4
    big_a = np.zeros((h, w), bool)
    big_a[2 : 2 + a.shape[0], 2 : 2 + a.shape[1]] = a
    best = 0.0
    for dy in range(5):
        for dx in range(5):
            big_b = np.zeros((h, w), bool)
            big_b[dy : dy + b.shape[0], dx : dx + b.shape[1]] = b
            best = max(best, float((big_a & big_b).sum() / (big_a | big_b).sum()))
    return best


def _reference(text: str, family: str, px: int, lang_tag: str) -> np.ndarray:
    """Pango's rendering: CSS px at 96 dpi are device pixels, so sizes match Pillow's."""
    width = px * (len(text) + 2)
    html = (
        f"<html lang='{lang_tag}'><style>@page {{ size: {width}px {px * 3}px; margin: 0 }}"
        f"body {{ margin: {px}px 0 0 {px // 2}px; font: bold {px}px/1 '{family}'; white-space: nowrap }}"
        f"</style><body>{escape(text)}</body></html>"
    )
    pdf = HTML(string=html).write_pdf()
    exe = shutil.which("pdftoppm")
    assert exe is not None, "poppler-utils (pdftoppm) is needed for the reference rendering"
    png = subprocess.run(
        [exe, "-r", "96", "-gray", "-png", "-singlefile", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    return _ink(np.asarray(Image.open(io.BytesIO(png)).convert("L")), 128, dark_text=True)


def _cover_name_ink(png: bytes, box: tuple[int, int, int, int]) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    left, top, right, bottom = box
    region = image.convert("L").crop((left - 4, top - 4, right + 4, bottom + 4))
    return _ink(np.asarray(region), 150, dark_text=False)


def _basic(text: str, face: FontFace, px: int) -> np.ndarray:
    """Pillow without shaping: glyphs of the characters one after another, as a raqm-less build draws."""
    font = ImageFont.truetype(str(face.path), px, index=face.index, layout_engine=ImageFont.Layout.BASIC)
    image = Image.new("L", (px * (len(text) + 2), px * 3), 255)
    ImageDraw.Draw(image).text((px // 2, px), text, font=font, fill=0)
    return _ink(np.asarray(image), 128, dark_text=True)


def _png_chunks(png: bytes) -> list[bytes]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        chunks.append(png[at + 4 : at + 8])
        at += 12 + length
    return chunks


def test_cover_is_a_square_rgb_png_of_at_least_1400_px() -> None:
    _, face, pub = _faces("lo")
    png = podcast_cover("ພາສາລາວ", PUBLISHER, "lo", face, pub)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (1400, 1400)
    assert image.mode == "RGB"
    big = Image.open(io.BytesIO(podcast_cover("ພາສາລາວ", PUBLISHER, "lo", face, pub, size=3000)))
    assert big.size == (3000, 3000)


def test_same_inputs_give_the_same_bytes_and_no_varying_metadata() -> None:
    _, face, pub = _faces("km")
    first = podcast_cover("ភាសាខ្មែរ", PUBLISHER, "km", face, pub)
    assert podcast_cover("ភាសាខ្មែរ", PUBLISHER, "km", face, pub) == first
    assert set(_png_chunks(first)) <= {b"IHDR", b"IDAT", b"IEND"}
    assert podcast_cover("ភាសាខ្មែរ", "Other Publisher", "km", face, pub) != first


def test_text_has_the_contrast_a_cover_needs() -> None:
    _, face, pub = _faces("vi")
    image = Image.open(io.BytesIO(podcast_cover("Tiếng Việt", PUBLISHER, "vi", face, pub)))
    colors = {rgb for _, rgb in image.getcolors(maxcolors=1 << 16) or []}
    assert cover.BACKGROUND in colors and cover.FOREGROUND in colors and cover.SECONDARY in colors


@pytest.mark.parametrize("code", ["lo", "km", "my", "hi", "th", "zh"])
def test_cover_text_is_shaped_like_pango_shapes_it(code: str) -> None:
    lang = builtin_language(code)
    assert lang is not None
    family, face, pub = _faces(code)
    texts = [lang.native_name] + ([STRESS[code]] if code in STRESS else [])
    for text in texts:
        layout = layout_cover(text, PUBLISHER, lang.bcp47, face, pub)
        png = podcast_cover(text, PUBLISHER, lang.bcp47, face, pub)
        drawn = _cover_name_ink(png, layout.name.box)
        reference = _reference(text, family, layout.name.px, lang.bcp47)
        score = _iou(drawn, reference)
        assert score >= MATCH, f"{code} {text!r}: ink overlap with Pango's rendering {score:.2f}"
    if code in CONTROL:
        # The comparison can tell: unshaped glyphs of the same string do not pass it.
        text = CONTROL[code]
        px = layout_cover(text, PUBLISHER, lang.bcp47, face, pub).name.px
        score = _iou(_basic(text, face, px), _reference(text, family, px, lang.bcp47))
        assert score < BROKEN, f"{code}: unshaped text scored {score:.2f}"


def test_a_font_without_the_script_is_refused_instead_of_drawing_boxes() -> None:
    _, _, latin = _faces("en")
    assert cover.missing_glyphs("简体中文", latin) == sorted("简体中文")
    with pytest.raises(
        EngineUnavailable,
        match=r"NotoSans-Regular\.ttf has no glyph for U\+4E2D .* in the language name of 'zh-Hans'",
    ):
        podcast_cover("简体中文", PUBLISHER, "zh-Hans", latin, latin)
    _, lao, _ = _faces("lo")
    with pytest.raises(EngineUnavailable, match="in the publisher on the 'lo' cover"):
        podcast_cover("ພາສາລາວ", PUBLISHER, "lo", lao, lao)  # Noto Sans Lao has no Latin letters


def test_unusable_inputs_get_one_line_errors() -> None:
    _, face, pub = _faces("en")
    with pytest.raises(EngineUnavailable, match="too long"):
        podcast_cover("English " * 40, PUBLISHER, "en", face, pub)
    with pytest.raises(EngineUnavailable, match="empty"):
        podcast_cover("  ", PUBLISHER, "en", face, pub)
    with pytest.raises(EngineUnavailable, match="1400-3000"):
        podcast_cover("English", PUBLISHER, "en", face, pub, size=600)
    with pytest.raises(EngineUnavailable, match="'No Such Family' is not installed"):
        find_font("No Such Family")


def test_without_raqm_no_cover_is_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    _, face, pub = _faces("lo")
    monkeypatch.setattr(cover.features, "check_feature", lambda name: False)
    with pytest.raises(EngineUnavailable, match="libraqm"):
        podcast_cover("ພາສາລາວ", PUBLISHER, "lo", face, pub)


LONG_PUBLISHER = (
    "Gyeonggi Provincial Government Office of International Cooperation and Foreign Resident Support, Suwon"
    " Branch"
)


@pytest.mark.parametrize(
    "publisher",
    [(LONG_PUBLISHER + ", Gyeonggi Province")[:120], "x" * 120, " ".join(["Gyeonggi"] * 33)[:300]],
)
def test_a_long_publisher_name_wraps_and_shrinks_to_show_it_whole(publisher: str) -> None:
    _, face, pub = _faces("vi")
    layout = layout_cover("Tiếng Việt", publisher, "vi", face, pub)
    lines = layout.publisher
    assert len(lines) > 1  # wrapped ...
    assert "".join(line.text for line in lines).replace(" ", "") == publisher.replace(" ", "")  # ... whole
    assert len({line.px for line in lines}) == 1 and lines[0].px >= int(COVER * 0.022)
    rule_bottom = int(COVER * 0.655) + COVER // 280
    for above, below in itertools.pairwise(lines):
        assert above.box[3] <= below.box[1]  # lines do not overlap
    for line in lines:
        left, top, right, bottom = line.box
        assert (
            top > rule_bottom and bottom < COVER and left >= 0 and right <= COVER
        )  # on the cover, below the rule
    png = podcast_cover("Tiếng Việt", publisher, "vi", face, pub)
    gray = np.asarray(Image.open(io.BytesIO(png)).convert("L")).astype(int)
    for line in lines:  # every line is drawn: light ink inside its box
        left, top, right, bottom = line.box
        assert (gray[top : bottom + 1, left : right + 1] > 150).sum() > 50, line.text
