"""Podcast cover art, one per language: Apple Podcasts and Spotify want a square image of at least
1400 px, and a reader finds their feed by the name of their language written in its own script.

Text goes through Pillow's libraqm layout (HarfBuzz shaping, FriBiDi), never Pillow's basic layout:
the basic layout draws Lao tone marks on top of vowels, leaves Khmer and Devanagari vowels unreordered
and Burmese medials detached. Without raqm the cover is refused rather than drawn wrong. A character
the font lacks is refused too, so no cover carries a .notdef box.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import regex
from fontTools.ttLib import TTFont, TTLibError
from PIL import Image, ImageDraw, ImageFont, features

from ..errors import EngineUnavailable

COVER_SIZE = 1400  # Apple's minimum; 3000 is its maximum
BACKGROUND = (0x14, 0x2F, 0x4E)  # dark navy: white on it is 13.6:1, past WCAG AAA (7:1)
FOREGROUND = (0xFF, 0xFF, 0xFF)
SECONDARY = (0xD9, 0xE4, 0xEF)  # publisher line, 10.5:1 on the background
ACCENT = (0x7F, 0xB2, 0xE5)  # sound-wave mark and rule (6.1:1), decoration only

_NAME_MAX, _NAME_MIN = 0.15, 0.05  # native name's em size, fractions of the side
_PUBLISHER_MAX, _PUBLISHER_MIN = 0.055, 0.022
_PUBLISHER_LINES = 5  # a long name wraps over at most this many lines (300 characters fit at the minimum)
_LINE_HEIGHT = 1.3  # baseline to baseline, in em
_PUBLISHER_TOP, _PUBLISHER_SPACE = 0.70, 0.25  # the publisher's block: below the rule, within the cover
_TEXT_WIDTH = 0.84  # widest a line may be
_FC_TIMEOUT = 30  # seconds for one fc-match


@dataclass(frozen=True)
class FontFace:
    """A font file and, for a collection (.ttc), which face in it."""

    path: Path
    index: int = 0


@dataclass(frozen=True)
class TextBox:
    """Where a line was drawn: em size in px and the ink's box (left, top, right, bottom)."""

    text: str
    px: int
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class CoverLayout:
    size: int
    name: TextBox
    publisher: tuple[TextBox, ...]  # one per line, top to bottom


def find_font(family: str, *, bold: bool = False) -> FontFace:
    """fontconfig's file for ``family``; an error when fontconfig would substitute another family."""
    exe = shutil.which("fc-match")
    if exe is None:
        raise EngineUnavailable("podcast cover: fontconfig's fc-match is not installed (Debian fontconfig)")
    pattern = f"{family}:weight=bold" if bold else family
    try:
        done = subprocess.run(
            [exe, "-f", "%{file}\n%{index}\n%{family}", pattern],
            capture_output=True,
            text=True,
            timeout=_FC_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EngineUnavailable(f"podcast cover: fc-match {pattern!r} failed: {exc}") from None
    lines = done.stdout.split("\n")
    if done.returncode != 0 or len(lines) < 3:
        raise EngineUnavailable(f"podcast cover: fc-match {pattern!r} found no font")
    file, index, families = lines[0], lines[1], lines[2]
    if family.casefold() not in (f.strip().casefold() for f in families.split(",")):
        raise EngineUnavailable(
            f"podcast cover: font '{family}' is not installed (fontconfig offers '{families}' instead)"
        )
    return FontFace(Path(file), int(index or 0))


def require_shaping() -> None:
    """Complex scripts need raqm; Pillow's wheels carry it and load FriBiDi from the system."""
    if not features.check_feature("raqm"):
        raise EngineUnavailable(
            "podcast cover: Pillow has no libraqm text shaping (install Debian libraqm0 and libfribidi0); "
            "Lao, Khmer, Burmese, Thai and Devanagari would be drawn wrong"
        )


def missing_glyphs(text: str, face: FontFace) -> list[str]:
    """Characters of ``text`` the font has no glyph for (spaces and format controls need none)."""
    try:
        with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
            cmap = font.getBestCmap() or {}
    except (OSError, TTLibError) as exc:
        raise EngineUnavailable(f"podcast cover: cannot read font {face.path}: {exc}") from None
    skip = {"Zs", "Cf", "Cc"}
    return sorted({ch for ch in text if ord(ch) not in cmap and unicodedata.category(ch) not in skip})


def _font(face: FontFace, px: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(str(face.path), px, index=face.index, layout_engine=ImageFont.Layout.RAQM)
    except OSError as exc:
        raise EngineUnavailable(f"podcast cover: cannot load font {face.path}: {exc}") from None


def _fit(
    text: str, face: FontFace, lang_tag: str, size: int, largest: float, smallest: float, what: str
) -> tuple[ImageFont.FreeTypeFont, tuple[int, int, int, int]]:
    """The largest em size (down to ``smallest``) at which ``text`` fits the cover's width."""
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    limit = int(size * _TEXT_WIDTH)
    px = int(size * largest)
    floor = max(1, int(size * smallest))
    while True:
        font = _font(face, px)
        box = probe.textbbox((0, 0), text, font=font, anchor="ls", language=lang_tag)
        if box[2] - box[0] <= limit:
            return font, (int(box[0]), int(box[1]), int(box[2]), int(box[3]))
        if px <= floor:
            raise EngineUnavailable(
                f"podcast cover: {what} {text!r} is too long to fit the cover even at {floor} px"
            )
        px = max(floor, px * 9 // 10)


def _wrap(text: str, width: Callable[[str], float], limit: int) -> list[str]:
    """Words packed into lines no wider than ``limit``; a word wider than a line is broken between graphemes."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        trial = f"{current} {word}" if current else word
        if width(trial) <= limit:
            current = trial
            continue
        if current:
            lines.append(current)
        current = ""
        for grapheme in regex.findall(r"\X", word):
            if current and width(current + grapheme) > limit:
                lines.append(current)
                current = ""
            current += grapheme
    if current:
        lines.append(current)
    return lines


def _block_height(px: int, lines: int) -> int:
    return round(px * _LINE_HEIGHT) * (lines - 1) + px


def _fit_lines(
    text: str, face: FontFace, lang_tag: str, size: int, largest: float, smallest: float, what: str
) -> tuple[int, list[tuple[str, tuple[int, int, int, int]]]]:
    """The largest em size (down to ``smallest``) at which ``text`` wraps into _PUBLISHER_LINES lines."""
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    limit = int(size * _TEXT_WIDTH)
    px = int(size * largest)
    floor = max(1, int(size * smallest))
    while True:
        font = _font(face, px)

        def width(line: str, font: ImageFont.FreeTypeFont = font) -> float:
            return float(probe.textlength(line, font=font, language=lang_tag))

        lines = _wrap(text, width, limit)
        fits = len(lines) <= _PUBLISHER_LINES and _block_height(px, len(lines)) <= size * _PUBLISHER_SPACE
        if fits or px <= floor:
            boxes = [
                probe.textbbox((0, 0), line, font=font, anchor="ls", language=lang_tag) for line in lines
            ]
            if fits and all(b[2] - b[0] <= limit for b in boxes):
                return px, [
                    (line, (int(b[0]), int(b[1]), int(b[2]), int(b[3])))
                    for line, b in zip(lines, boxes, strict=True)
                ]
            raise EngineUnavailable(
                f"podcast cover: {what} {text[:60]!r}... does not fit {_PUBLISHER_LINES} lines even at {floor} px"
            )
        px = max(floor, px * 9 // 10)


def _check_text(text: str, face: FontFace, what: str) -> str:
    clean = " ".join(text.split())
    if not clean:
        raise EngineUnavailable(f"podcast cover: the {what} is empty")
    gaps = missing_glyphs(clean, face)
    if gaps:
        shown = " ".join(f"U+{ord(ch):04X}" for ch in gaps[:8])
        raise EngineUnavailable(
            f"podcast cover: font {face.path.name} has no glyph for {shown} in the {what}"
        )
    return clean


def _sound_mark(draw: ImageDraw.ImageDraw, size: int) -> None:
    """Five rounded bars of a level meter: says "audio" without words in any language."""
    heights = (0.05, 0.09, 0.13, 0.09, 0.05)
    bar, gap = int(size * 0.026), int(size * 0.022)
    total = len(heights) * bar + (len(heights) - 1) * gap
    left, middle = (size - total) // 2, int(size * 0.24)
    for i, h in enumerate(heights):
        x = left + i * (bar + gap)
        half = int(size * h / 2)
        draw.rounded_rectangle((x, middle - half, x + bar, middle + half), radius=bar // 2, fill=ACCENT)


def layout_cover(
    native_name: str,
    publisher: str,
    lang_tag: str,
    name_font: FontFace,
    publisher_font: FontFace,
    size: int = COVER_SIZE,
    publisher_lang: str = "en",
) -> CoverLayout:
    """Sizes and places both lines; the same inputs always give the same boxes."""
    name = _check_text(native_name, name_font, f"language name of '{lang_tag}'")
    pub = _check_text(publisher, publisher_font, f"publisher on the '{lang_tag}' cover")
    font, nbox = _fit(name, name_font, lang_tag, size, _NAME_MAX, _NAME_MIN, "language name")
    ppx, plines = _fit_lines(
        pub, publisher_font, publisher_lang, size, _PUBLISHER_MAX, _PUBLISHER_MIN, "publisher"
    )
    # Ink boxes, not line metrics, are centred: stacked Lao marks and Khmer subscripts stay inside.
    nw, nh = nbox[2] - nbox[0], nbox[3] - nbox[1]
    nleft, ntop = (size - nw) // 2, int(size * 0.52) - nh // 2
    # The publisher's lines, centred each, as a block centred on 76% of the side and kept below the rule.
    step, block = round(ppx * _LINE_HEIGHT), _block_height(ppx, len(plines))
    first_baseline = max(int(size * _PUBLISHER_TOP) + ppx, int(size * 0.76) - block // 2 + ppx)
    pub_lines = []
    for n, (line, box) in enumerate(plines):
        pw = box[2] - box[0]
        pleft, baseline = (size - pw) // 2, first_baseline + n * step
        pub_lines.append(TextBox(line, ppx, (pleft, baseline + box[1], pleft + pw, baseline + box[3])))
    return CoverLayout(
        size=size,
        name=TextBox(name, int(font.size), (nleft, ntop, nleft + nw, ntop + nh)),
        publisher=tuple(pub_lines),
    )


def _draw_line(
    draw: ImageDraw.ImageDraw, line: TextBox, face: FontFace, lang_tag: str, fill: tuple[int, int, int]
) -> None:
    font = _font(face, line.px)
    ink = draw.textbbox((0, 0), line.text, font=font, anchor="ls", language=lang_tag)
    origin = (line.box[0] - ink[0], line.box[1] - ink[1])
    draw.text(origin, line.text, font=font, fill=fill, anchor="ls", language=lang_tag)


def podcast_cover(
    native_name: str,
    publisher: str,
    lang_tag: str,
    name_font: FontFace,
    publisher_font: FontFace,
    size: int = COVER_SIZE,
    publisher_lang: str = "en",
) -> bytes:
    """A square RGB PNG: sound mark, the language's own name large, a rule, the publisher below.

    ``lang_tag`` (BCP 47) picks the shaping rules and, in CJK fonts, the regional glyph forms;
    ``publisher_lang`` is the publisher's (the config writes it in English).
    The PNG has no timestamp or text chunks: equal inputs give equal bytes.
    """
    if not 1400 <= size <= 3000:
        raise EngineUnavailable(f"podcast cover: size {size} px is outside 1400-3000 (podcast directories)")
    require_shaping()
    layout = layout_cover(native_name, publisher, lang_tag, name_font, publisher_font, size, publisher_lang)
    image = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(image)
    _sound_mark(draw, size)
    _draw_line(draw, layout.name, name_font, lang_tag, FOREGROUND)
    rule_y, half = int(size * 0.655), int(size * 0.06)
    draw.rectangle((size // 2 - half, rule_y, size // 2 + half, rule_y + max(2, size // 280)), fill=ACCENT)
    for line in layout.publisher:
        _draw_line(draw, line, publisher_font, publisher_lang, SECONDARY)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=9)
    return out.getvalue()
