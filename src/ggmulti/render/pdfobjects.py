"""pikepdf plumbing shared by the PDF/UA fixer (pdfua.py) and the independent checker (pdfcheck.py).

Only object access lives here: what each side concludes from the structure stays in its own module,
so a bug in the fixer's reasoning cannot hide itself in the checker's.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

import pikepdf

BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")
BFRANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")
SHOW_TEXT = frozenset({"Tj", "TJ", "'", '"'})
PAINT = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "BI", *SHOW_TEXT})
# Code points a ToUnicode map must never give: they make copied text empty or garbled.
BAD_UNICODE = frozenset({0x0000, 0xFEFF, 0xFFFE})


def save_deterministic(pdf: pikepdf.Pdf) -> bytes:
    """The PDF's bytes, the same for the same objects (an /ID from the content, streams compressed)."""
    out = io.BytesIO()
    pdf.save(
        out,
        deterministic_id=True,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    return out.getvalue()


def kids(node: Any) -> list[Any]:
    """A structure node's /K as a list, whatever form the producer chose (one object or an array)."""
    found = node.get("/K")
    if found is None:
        return []
    return list(found) if isinstance(found, pikepdf.Array) else [found]


def struct_elements(root: Any) -> Iterator[Any]:
    """Structure elements in document order (depth first), each once even if referenced twice."""
    stack = list(reversed(kids(root)))
    seen: set[tuple[int, int]] = set()
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.get("/Type") in ("/OBJR", "/MCR"):
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        yield node
        stack.extend(reversed(kids(node)))


def ops(page: Any, operators: str = "") -> Iterator[tuple[Any, str]]:
    """(operands, operator name) of a page's content stream; typed loosely, pikepdf objects are dynamic."""
    for instruction in pikepdf.parse_content_stream(page, operators):
        yield instruction.operands, str(instruction.operator)


def glyph_codes(operands: Any, two_bytes: bool = True) -> Iterator[int]:
    """Glyph codes shown by a Tj/TJ/'/" instruction (two-byte for Identity-H fonts)."""
    if not operands:
        return
    last = operands[-1]
    items: Iterable[Any] = last if isinstance(last, pikepdf.Array) else [last]
    for item in items:
        if isinstance(item, pikepdf.String):
            raw = bytes(item)
            if two_bytes:
                yield from (int.from_bytes(raw[j : j + 2], "big") for j in range(0, len(raw) - 1, 2))
            else:
                yield from raw
