"""PDF/UA repairs for what WeasyPrint 70's ``pdf/ua-1`` output gets wrong, made on the written PDF with pikepdf.

Measured gaps (shared notes, pdf-accessibility.md) and the repair for each:

- Text extraction of complex scripts (hi, th, km, my, lo, bn, si, ne) is garbled: the font's ToUnicode map
  keeps the first text a glyph was drawn with and leaves glyphs with none. Each text span's marked content
  gets ``/ActualText`` with the text WeasyPrint laid out (its layout, not a guess), and ToUnicode entries
  are rebuilt from the embedded font's own cmap where the font has one.
- Inner ``lang`` attributes are dropped: the structure elements get ``/Lang`` from the layout's language.
- Page-margin content (page numbers, running headers) is tagged outside the structure tree: it becomes
  ``/Artifact /Pagination`` and leaves the parent tree. Any other unmarked painting becomes an artifact.
- TH has no ``/Scope``: set from the HTML ``scope`` attribute (column unless it says row).
- Link annotations have no ``/Contents``: the link's text.

Spans are matched to the layout by their text origin (page, x, baseline), which WeasyPrint writes as the
span's first ``Tm``; nothing depends on the order WeasyPrint draws in.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pikepdf
from fontTools.ttLib import TTFont
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder

from .linebreak import ZWSP
from .pdfobjects import BAD_UNICODE, BFCHAR, PAINT, kids, save_deterministic, struct_elements

_INVISIBLE = str.maketrans({ZWSP: None, "\u00ad": None})
_PATH = frozenset({"m", "l", "c", "v", "y", "h", "re"})
_CJK = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_NO_SPACE_AFTER = frozenset("-\u2010\u2011/")
# Code points a ToUnicode entry must never map to (Matterhorn 10-001) besides "nothing".
# A glyph whose character cannot be derived (a glyph of a cluster whose text went to another glyph) maps to
# this, so no entry is empty; /ActualText carries the real text of its span.
_FALLBACK = "\u200b"


@dataclass(frozen=True)
class Run:
    """One laid-out text box: where WeasyPrint starts drawing it and the text it draws."""

    x: float
    y: float
    text: str
    lang: str | None  # the effective language (BCP 47) of the text
    own_lang: bool  # the element holding the text carries the lang attribute itself
    margin: str | None  # "Header" / "Footer" / "Pagination" for page-margin boxes, else None
    scope: str | None  # "Column" / "Row" when the text is inside a <th>


@dataclass
class _OpenSpan:
    """A marked-content span being read: where its BDC sits in the output and whether text matched it."""

    index: int
    mcid: int
    done: bool = False


@dataclass
class FixStats:
    """What a repair did, for tests and the benchmark."""

    spans: int = 0
    actual_text: int = 0
    unmatched: int = 0
    lang: int = 0
    artifacts: int = 0
    scopes: int = 0
    tounicode_fixed: int = 0
    tounicode_fallback: int = 0


def layout_runs(document: Any) -> list[list[Run]]:
    """Text boxes per page of a rendered WeasyPrint document, with the facts the repairs need."""
    pages: list[list[Run]] = []
    for page in document.pages:
        runs: list[Run] = []
        _walk(page._page_box, runs, None, None)
        pages.append(runs)
    return pages


def _margin_kind(box: Any) -> str:
    keyword = getattr(box, "at_keyword", "") or ""
    if keyword.startswith("@top"):
        return "Header"
    if keyword.startswith("@bottom"):
        return "Footer"
    return "Pagination"


def _walk(box: Any, runs: list[Run], margin: str | None, scope: str | None) -> None:
    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    if isinstance(box, boxes.MarginBox):
        margin = _margin_kind(box)
    element = box.element
    if element is not None and getattr(box, "element_tag", None) == "th" and scope is None:
        scope = "Row" if (element.get("scope") or "").lower() in ("row", "rowgroup") else "Column"
    if isinstance(box, boxes.LineBox):
        _line(box, runs, margin, scope)
        return
    for child in getattr(box, "children", ()):
        _walk(child, runs, margin, scope)


def _line(line: Any, runs: list[Run], margin: str | None, scope: str | None) -> None:
    """Text boxes of one line, in order; inline boxes (spans, links) are descended into."""

    def texts(box: Any, scope: str | None) -> Iterator[tuple[Any, str | None]]:
        if isinstance(box, AbsolutePlaceholder):
            return
        if isinstance(box, boxes.TextBox):
            yield box, scope
            return
        if getattr(box, "element_tag", None) == "th" and scope is None and box.element is not None:
            scope = "Row" if (box.element.get("scope") or "").lower() in ("row", "rowgroup") else "Column"
        if isinstance(box, (boxes.InlineBox, boxes.LineBox)):
            for child in box.children:
                yield from texts(child, scope)

    for box, sc in texts(line, scope):
        element = box.element
        runs.append(
            Run(
                x=float(box.position_x),
                y=float(box.position_y + box.baseline),
                text=box.text,
                lang=box.style["lang"] or None,
                own_lang=element is not None and element.get("lang") is not None,
                margin=margin,
                scope=sc,
            )
        )


def _spoken_text(runs: list[Run]) -> list[str]:
    """ActualText per run: invisible break hints removed; the space a line break swallowed put back."""
    out = [r.text.translate(_INVISIBLE) for r in runs]
    for i in range(len(runs) - 1):
        here, nxt = runs[i], runs[i + 1]
        if nxt.y <= here.y + 0.01 or here.margin != nxt.margin:
            continue  # same line, or not the same flow
        raw = here.text
        if not raw or not nxt.text or raw[-1].isspace() or raw[-1] == ZWSP or raw[-1] in _NO_SPACE_AFTER:
            continue
        if _CJK.match(raw[-1]) or _CJK.match(nxt.text[0]):
            continue
        out[i] += " "
    return out


class _Matcher:
    """Layout runs of one page looked up by text origin (quarter-pixel grid, neighbours tolerated)."""

    def __init__(self, runs: list[Run], texts: list[str]) -> None:
        self._grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.runs = runs
        self.texts = texts
        for i, run in enumerate(runs):
            self._grid[(round(run.x * 4), round(run.y * 4))].append(i)

    def take(self, x: float, y: float) -> int | None:
        kx, ky = round(x * 4), round(y * 4)
        for dx in (0, -1, 1):
            for dy in (0, -1, 1):
                found = self._grid.get((kx + dx, ky + dy))
                if found:
                    for pos, i in enumerate(found):
                        run = self.runs[i]
                        if abs(run.x - x) < 0.02 and abs(run.y - y) < 0.02:
                            del found[pos]
                            return i
        return None


def _lang_of(elem: Any, default: str) -> str:
    node: Any = elem
    for _ in range(64):
        if node is None or not isinstance(node, pikepdf.Dictionary):
            break
        if "/Lang" in node:
            return str(node.Lang)
        node = node.get("/P")
    return default


def _same_lang(a: str, b: str) -> bool:
    return a.lower() == b.lower()


class PdfUaFixer:
    """Applies every repair to one PDF; ``fix`` returns new bytes, deterministic for the same input."""

    def fix(self, data: bytes, pages: list[list[Run]]) -> tuple[bytes, FixStats]:
        stats = FixStats()
        with pikepdf.open(io.BytesIO(data)) as pdf:
            doc_lang = str(pdf.Root.get("/Lang", ""))
            parent_tree = self._parent_arrays(pdf)
            glyph_runs: dict[tuple[int, int], list[list[int]]] = defaultdict(list)
            fonts: dict[tuple[int, int], Any] = {}
            elem_text: dict[tuple[int, int], list[str]] = defaultdict(list)
            for index, page in enumerate(pdf.pages):
                runs = pages[index] if index < len(pages) else []
                matcher = _Matcher(runs, _spoken_text(runs))
                numbers = parent_tree.get(int(page.obj.get("/StructParents", -1)))
                self._page(pdf, page, matcher, numbers, doc_lang, stats, glyph_runs, fonts, elem_text)
            self._scopes(pdf, stats)
            self._link_contents(pdf, elem_text)
            for key, font in fonts.items():
                self._to_unicode(pdf, font, glyph_runs.get(key, []), stats)
            fixed = save_deterministic(pdf)
        return fixed, stats

    @staticmethod
    def _parent_arrays(pdf: pikepdf.Pdf) -> dict[int, Any]:
        """ParentTree number -> array (MCID -> structure element) for pages; a flat Nums tree as written."""
        root = pdf.Root.get("/StructTreeRoot")
        if root is None or "/ParentTree" not in root:
            return {}
        nums = root.ParentTree.get("/Nums", pikepdf.Array())
        out: dict[int, Any] = {}
        for i in range(0, len(nums) - 1, 2):
            value = nums[i + 1]
            if isinstance(value, pikepdf.Array):
                out[int(nums[i])] = value
        return out

    def _page(
        self,
        pdf: pikepdf.Pdf,
        page: pikepdf.Page,
        matcher: _Matcher,
        numbers: Any,
        doc_lang: str,
        stats: FixStats,
        glyph_runs: dict[tuple[int, int], list[list[int]]],
        fonts: dict[tuple[int, int], Any],
        elem_text: dict[tuple[int, int], list[str]],
    ) -> None:
        font_res: Any = _get(_get(page.obj, "/Resources"), "/Font")
        _collect_glyph_runs(page.obj.Contents.read_bytes(), font_res, glyph_runs)
        # The parsed instructions are reused as they are: rebuilding one copies its operands (slow for TJ).
        instrs: list[Any] = list(pikepdf.parse_content_stream(page))
        names = [str(instr.operator) for instr in instrs]
        out: list[Any] = []
        depth = 0
        pending: list[Any] = []  # path construction outside marked content, waiting for its painting op
        current: _OpenSpan | None = None  # the open MCID span
        i = 0
        while i < len(instrs):
            instr, op = instrs[i], names[i]
            if op in ("BDC", "BMC"):
                depth += 1
                out.append(instr)
                if op == "BDC" and depth == 1:
                    operands = instr.operands
                    props = operands[1] if len(operands) == 2 else None
                    if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                        current = _OpenSpan(index=len(out) - 1, mcid=int(props.MCID))
                        stats.spans += 1
                i += 1
                continue
            if op == "EMC":
                depth = max(0, depth - 1)
                if depth == 0:
                    if current is not None and not current.done:
                        stats.unmatched += 1
                    current = None
                out.append(instr)
                i += 1
                continue
            if op == "Tf":
                font = font_res.get(str(instr.operands[0])) if font_res else None
                if isinstance(font, pikepdf.Dictionary) and font.get("/Subtype") == "/Type0":
                    fonts[font.objgen] = font
            if op == "Tm" and current is not None and not current.done:
                current.done = True
                self._span(pdf, out, current, instr.operands, matcher, numbers, doc_lang, stats, elem_text)
            if depth == 0:
                # Content outside any marked sequence: paths and their painting, XObjects, text objects.
                if op in _PATH:
                    pending.append(instr)
                    i += 1
                    continue
                if op == "BT":
                    end = i
                    while end < len(instrs) and names[end] != "ET":
                        end += 1
                    block = instrs[i : end + 1]
                    if any(name in PAINT for name in names[i : end + 1]):
                        out.extend(_artifact(block))
                        stats.artifacts += 1
                    else:
                        out.extend(block)
                    i = end + 1
                    continue
                if op in PAINT or (op == "n" and pending):
                    group = [*pending, instr]
                    pending = []
                    if op == "n":  # a clipping path paints nothing
                        out.extend(group)
                    else:
                        out.extend(_artifact(group))
                        stats.artifacts += 1
                    i += 1
                    continue
                if pending and op not in ("W", "W*"):
                    out.extend(pending)
                    pending = []
            out.append(instr)
            i += 1
        out.extend(pending)
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))

    def _span(
        self,
        pdf: pikepdf.Pdf,
        out: list[Any],
        current: _OpenSpan,
        tm: Any,
        matcher: _Matcher,
        numbers: Any,
        doc_lang: str,
        stats: FixStats,
        elem_text: dict[tuple[int, int], list[str]],
    ) -> None:
        found = matcher.take(float(tm[4]), float(tm[5])) if len(tm) == 6 else None
        if found is None:
            stats.unmatched += 1
            return
        run, text = matcher.runs[found], matcher.texts[found]
        mcid = current.mcid
        bdc = out[current.index]
        if run.margin is not None:
            # Page numbers and running headers: pagination artifacts, out of the structure tree.
            props = pikepdf.Dictionary(Type=pikepdf.Name.Pagination, Subtype=pikepdf.Name(f"/{run.margin}"))
            if run.margin == "Pagination":
                del props["/Subtype"]
            out[current.index] = pikepdf.ContentStreamInstruction(
                [pikepdf.Name.Artifact, props], pikepdf.Operator("BDC")
            )
            if numbers is not None and mcid < len(numbers):
                numbers[mcid] = None
            stats.artifacts += 1
            return
        props = pikepdf.Dictionary(MCID=mcid, ActualText=pikepdf.String(text))
        elem = numbers[mcid] if numbers is not None and mcid < len(numbers) else None
        if isinstance(elem, pikepdf.Dictionary):
            elem_text[elem.objgen].append(text)
            parent = elem.get("/P")
            if run.lang:
                if (
                    run.own_lang
                    and isinstance(parent, pikepdf.Dictionary)
                    and parent.get("/S") != "/Document"
                    and not _same_lang(_lang_of(parent, doc_lang), run.lang)
                ):
                    parent.Lang = pikepdf.String(run.lang)
                    stats.lang += 1
                if not _same_lang(_lang_of(elem, doc_lang), run.lang):
                    elem.Lang = pikepdf.String(run.lang)
                    stats.lang += 1
        if run.scope is not None and isinstance(elem, pikepdf.Dictionary):
            _set_scope(elem, run.scope, stats)
        if run.lang and not _same_lang(run.lang, doc_lang):
            props.Lang = pikepdf.String(run.lang)
        out[current.index] = pikepdf.ContentStreamInstruction([bdc.operands[0], props], bdc.operator)
        stats.actual_text += 1

    @staticmethod
    def _scopes(pdf: pikepdf.Pdf, stats: FixStats) -> None:
        """Every TH gets /Scope: from the HTML scope attribute when its text was seen, else Column."""
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return
        wanted: dict[tuple[int, int], str] = {}
        for elem in struct_elements(root):
            if elem.get("/S") == "/TH":
                wanted.setdefault(elem.objgen, "Column")
                if "/ID" in elem and _is_row_header(elem):
                    wanted[elem.objgen] = "Row"
                _scope_th(elem, wanted[elem.objgen], stats)

    @staticmethod
    def _link_contents(pdf: pikepdf.Pdf, elem_text: dict[tuple[int, int], list[str]]) -> None:
        """Link annotations get /Contents (their visible text, else the target) so they can be announced.

        A link wrapped over two lines is two Link elements under one parent, one annotation each:
        both announce the whole link's text, not the half on their line."""
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return
        groups: dict[tuple[object, str], list[tuple[Any, str]]] = defaultdict(list)
        for elem in struct_elements(root):
            if elem.get("/S") != "/Link":
                continue
            whole = elem
            while isinstance(whole.get("/P"), pikepdf.Dictionary) and whole.P.get("/S") == "/Link":
                whole = whole.P  # a ::after page number is its own Link inside the entry's Link
            text = " ".join("".join(_texts_below(whole, elem_text)).split())
            for kid in kids(elem):
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                    annot = kid.get("/Obj")
                    if isinstance(annot, pikepdf.Dictionary):
                        parent = whole.get("/P")
                        where = parent.objgen if isinstance(parent, pikepdf.Dictionary) else None
                        groups[(where, _target(annot))].append((annot, text))
        for members in groups.values():
            whole_text = " ".join(dict.fromkeys(t for _, t in members if t))
            for annot, _text in members:
                if whole_text or "/Contents" not in annot:
                    # WeasyPrint puts the anchor name ("r-intro") here; the visible text is what to announce.
                    uri = _get(annot, "/A").get("/URI")
                    annot.Contents = pikepdf.String(whole_text or (str(uri) if uri is not None else "link"))

    def _to_unicode(self, pdf: pikepdf.Pdf, font: Any, runs: list[list[int]], stats: FixStats) -> None:
        """Rebuild a ToUnicode map whose entries are empty or hold whole clusters (complex scripts)."""
        stream = font.get("/ToUnicode")
        if not isinstance(stream, pikepdf.Stream):
            return
        entries = {int(g, 16): _utf16(u) for g, u in BFCHAR.findall(stream.read_bytes())}
        if all(len(v) == 1 and ord(v) not in BAD_UNICODE for v in entries.values()):
            return  # one character per glyph: nothing to repair (Latin, Cyrillic, CJK)
        nominal = _nominal_chars(font)
        fixed: dict[int, str] = {}
        for gid, text in entries.items():
            usable = bool(text) and not any(ord(c) in BAD_UNICODE for c in text)
            own = nominal.get(gid)
            # The font's own character wins only over an empty entry or a whole cluster that begins or ends
            # with it (a consonant credited with its vowel sign); a ligature's "ffi" stays, never "ﬃ".
            if own is not None and (not usable or (len(text) > 1 and (text[0] == own or text[-1] == own))):
                fixed[gid] = own
            elif usable:
                fixed[gid] = text
        # A glyph drawn before or after a cluster-mate takes the characters the mate's first text had beyond
        # its own nominal one (a pre-base vowel sign before its consonant, a mark after its base).
        for seq in runs:
            for k, gid in enumerate(seq):
                if gid in fixed:
                    continue
                for mate in (seq[k + 1] if k + 1 < len(seq) else None, seq[k - 1] if k else None):
                    if mate is None or mate not in nominal:
                        continue
                    first, own = entries.get(mate, ""), nominal[mate]
                    if len(first) > len(own) and first.startswith(own):
                        fixed[gid] = first[len(own) :]
                        break
                    if len(first) > len(own) and first.endswith(own):
                        fixed[gid] = first[: -len(own)]
                        break
        for gid in entries:
            if gid not in fixed:
                fixed[gid] = _FALLBACK
                stats.tounicode_fallback += 1
        stats.tounicode_fixed += sum(1 for g in entries if fixed[g] != entries[g])
        font.ToUnicode = pdf.make_stream(_cmap(fixed))


def _set_scope(elem: Any, scope: str, stats: FixStats) -> None:
    node: Any = elem
    for _ in range(4):
        node = node.get("/P") if isinstance(node, pikepdf.Dictionary) else None
        if not isinstance(node, pikepdf.Dictionary):
            return
        if node.get("/S") == "/TH":
            _scope_th(node, scope, stats)
            return


def _scope_th(th: Any, scope: str, stats: FixStats) -> None:
    """Give a TH its table /Scope attribute (PDF/UA 7.5; Matterhorn 15-003) unless it has one."""
    attrs = th.get("/A")
    if not isinstance(attrs, pikepdf.Dictionary):
        attrs = pikepdf.Dictionary(O=pikepdf.Name.Table)
        th.A = attrs
    if "/Scope" not in attrs:
        attrs.Scope = pikepdf.Name(f"/{scope}")
        stats.scopes += 1


def _artifact(instructions: list[Any]) -> list[Any]:
    return [
        pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact], pikepdf.Operator("BMC")),
        *instructions,
        pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC")),
    ]


_TOKENS = re.compile(rb"/([^\s/<>\[\]()]+)\s+[-\d.]+\s+Tf|<([0-9a-fA-F]{4,})>|\](\s*)TJ")


def _collect_glyph_runs(content: bytes, font_res: Any, runs: dict[tuple[int, int], list[list[int]]]) -> None:
    """Two-byte glyph codes per TJ of a page, grouped by Type0 font: one regex pass over the raw stream
    (WeasyPrint writes every glyph string in hex), far cheaper than walking pikepdf arrays."""
    font: tuple[int, int] | None = None
    current: list[int] = []
    repair: dict[tuple[int, int], bool] = {}
    for match in _TOKENS.finditer(content):
        name, hexcodes, _end = match.groups()
        if name is not None:
            found: Any = font_res.get(f"/{name.decode('latin-1')}") if font_res else None
            if not isinstance(found, pikepdf.Dictionary):
                font = None
                continue
            if found.objgen not in repair:
                repair[found.objgen] = _needs_repair(found)
            font = found.objgen if repair[found.objgen] else None
        elif hexcodes is not None:
            if font is not None:
                current.extend(int(hexcodes[i : i + 4], 16) for i in range(0, len(hexcodes) - 3, 4))
        else:
            if font is not None and current:
                runs[font].append(current)
            current = []


def _needs_repair(font: Any) -> bool:
    """A Type0 font whose ToUnicode has an empty, forbidden or multi-character entry (complex scripts)."""
    if not isinstance(font, pikepdf.Dictionary) or font.get("/Subtype") != "/Type0":
        return False
    stream = font.get("/ToUnicode")
    if not isinstance(stream, pikepdf.Stream):
        return False
    entries = BFCHAR.findall(stream.read_bytes())
    return not all(len(u) == 4 and int(u, 16) not in BAD_UNICODE for _g, u in entries)


def _utf16(hexdigits: bytes) -> str:
    raw = bytes.fromhex(hexdigits.decode("ascii"))
    return raw.decode("utf-16-be", errors="replace")


def _cmap(mapping: dict[int, str]) -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <ffff>",
        "endcodespacerange",
    ]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):
        chunk = items[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines.extend(f"<{gid:04x}> <{text.encode('utf-16-be').hex()}>" for gid, text in chunk)
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return ("\n".join(lines) + "\n").encode("ascii")


def _nominal_chars(font: Any) -> dict[int, str]:
    """Glyph id -> the character the embedded font's cmap maps to it (TrueType subsets keep glyph ids)."""
    try:
        descendant = font.DescendantFonts[0]
        descriptor = descendant.FontDescriptor
        program = descriptor.get("/FontFile2")
        if program is None or descendant.get("/CIDToGIDMap") not in (None, pikepdf.Name.Identity):
            return {}
        tt = TTFont(io.BytesIO(program.read_bytes()), lazy=True)
        cmap = tt.getBestCmap() or {}
        order = {name: gid for gid, name in enumerate(tt.getGlyphOrder())}
    except Exception:  # a font we cannot read: keep WeasyPrint's entries
        return {}
    out: dict[int, str] = {}
    for code, name in sorted(cmap.items()):
        gid = order.get(name)
        if gid is not None and code not in BAD_UNICODE and gid not in out and not 0xD800 <= code < 0xE000:
            out[gid] = chr(code)
    return out


def _texts_below(elem: Any, elem_text: dict[tuple[int, int], list[str]]) -> Iterator[str]:
    yield from elem_text.get(elem.objgen, [])
    for kid in kids(elem):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield from _texts_below(kid, elem_text)


def _is_row_header(th: Any) -> bool:
    """WeasyPrint gives TH ids "table-row-col"; a TD of the same row that lists it marks a row header."""
    ident = str(th.ID)
    parts = ident.split("-")
    if len(parts) != 3:
        return False
    row = th.get("/P")
    if not isinstance(row, pikepdf.Dictionary):
        return False
    for cell in kids(row):
        if isinstance(cell, pikepdf.Dictionary) and cell.get("/S") == "/TD":
            headers = _get(cell, "/A").get("/Headers")
            if headers is not None and any(str(h) == ident for h in headers):
                return True
    return False


def _target(annot: Any) -> str:
    """Where a link annotation leads (named destination or URI), to tell links apart."""
    dest = annot.get("/Dest")
    if dest is not None:
        return f"dest:{dest}"
    return f"uri:{_get(annot, '/A').get('/URI')}"


def _instr(operands: Any, operator: str) -> Any:
    return pikepdf.ContentStreamInstruction(operands, pikepdf.Operator(operator))


def _get(node: Any, key: str) -> Any:
    """``node[key]`` when it is a dictionary, else an empty one (missing resources, attributes)."""
    value = node.get(key) if isinstance(node, pikepdf.Dictionary) else None
    return value if isinstance(value, pikepdf.Dictionary) else pikepdf.Dictionary()
