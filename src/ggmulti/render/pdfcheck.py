"""PDF/UA checker for the machine-checkable Matterhorn Protocol checkpoints, plus a pdftotext round trip.

veraPDF is not obtainable here (shared notes), so this covers what a program can decide on its own:

- 01-005 all painted content is tagged or an artifact, and every MCID's structure element is in the tree
- 01-003/004 no artifact inside tagged content and no tagged content inside an artifact
- (PDF/UA 7.1) MarkInfo /Marked true and a structure tree root
- 06-001..003 XMP metadata with pdfuaid:part 1 and dc:title
- 07-001/002 ViewerPreferences /DisplayDocTitle true
- 09-004 table and 09-005 list nesting (Table > TR/THead/TBody/TFoot > TH/TD; L > LI > Lbl/LBody)
- 10-001 every glyph code shown has a ToUnicode entry that is neither empty nor U+0000/U+FEFF/U+FFFE
- 11-001/006 a natural language for the document (catalog /Lang), and every /Lang is a BCP 47 tag
- 13-004 every Figure has /Alt or /ActualText
- 14-002/003 headings start at H1 and never skip a level
- 15-003 every TH has /Scope, or every TD names its headers by /Headers with TH /ID
- 28-002/008/011 link annotations: inside a Link structure element, page /Tabs /S, /Contents present
- 31-001..027 (the embedding ones) every font program embedded

Use: ``python -m ggmulti.render.pdfcheck FILE.pdf...`` prints one line per problem and exits 1 if any.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

from ..errors import ToolMissing
from .pdfobjects import (
    BAD_UNICODE,
    BFCHAR,
    BFRANGE,
    PAINT,
    SHOW_TEXT,
    glyph_codes,
    kids,
    ops,
    struct_elements,
)

_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-[A-Za-z0-9]{5,8})*$")
_HEADING = re.compile(r"^/H([1-6])$")
# Characters a round trip does not compare: break hints, joiners and spacing differ between renderers.
_IGNORED = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"}


@dataclass(frozen=True)
class Problem:
    """One failed checkpoint: the Matterhorn number and what was found where."""

    checkpoint: str
    message: str

    def __str__(self) -> str:
        return f"{self.checkpoint}: {self.message}"


def check(source: Path | bytes) -> list[Problem]:
    """Every problem found in one PDF (empty: all covered checkpoints pass)."""
    opened = pikepdf.open(source if isinstance(source, Path) else _bytes_io(source))
    with opened as pdf:
        problems: list[Problem] = []
        problems += _document(pdf)
        problems += _structure(pdf)
        problems += _content(pdf)
        problems += _fonts(pdf)
        problems += _annotations(pdf)
        return problems


def _bytes_io(data: bytes) -> Any:
    import io

    return io.BytesIO(data)


# --- document level: 01-005, 06, 07, 11 -------------------------------------------------------------


def _document(pdf: pikepdf.Pdf) -> list[Problem]:
    out: list[Problem] = []
    root = pdf.Root
    mark = root.get("/MarkInfo")
    if not isinstance(mark, pikepdf.Dictionary) or not bool(mark.get("/Marked", False)):
        out.append(Problem("7.1", "catalog /MarkInfo /Marked is not true"))
    if "/StructTreeRoot" not in root:
        out.append(Problem("7.1", "no structure tree (/StructTreeRoot)"))
    meta = root.get("/Metadata")
    xmp = meta.read_bytes().decode("utf-8", "replace") if isinstance(meta, pikepdf.Stream) else ""
    if not xmp:
        out.append(Problem("06-001", "no XMP metadata stream in the catalog"))
    else:
        if not re.search(r"pdfuaid:part(>|=\"|\s*=\s*')\s*1", xmp):
            out.append(Problem("06-002", "XMP has no pdfuaid:part = 1"))
        title = re.search(r"<dc:title>(.*?)</dc:title>", xmp, re.S)
        if not title or not re.sub(r"<[^>]+>", "", title.group(1)).strip():
            out.append(Problem("06-003", "XMP has no dc:title"))
    prefs = root.get("/ViewerPreferences")
    if not isinstance(prefs, pikepdf.Dictionary) or "/DisplayDocTitle" not in prefs:
        out.append(Problem("07-001", "ViewerPreferences has no /DisplayDocTitle"))
    elif not bool(prefs.DisplayDocTitle):
        out.append(Problem("07-002", "/DisplayDocTitle is false"))
    lang = str(root.get("/Lang", "")).strip()
    if not lang:
        out.append(Problem("11-006", "catalog /Lang is missing or empty"))
    elif not _BCP47.match(lang):
        out.append(Problem("11-006", f"catalog /Lang {lang!r} is not a BCP 47 tag"))
    return out


# --- structure tree: 01-004, 09, 11, 13, 14, 15 ------------------------------------------------------


def _role(node: Any, role_map: Any) -> str:
    s = str(node.get("/S", ""))
    for _ in range(8):
        if role_map is None or s not in role_map:
            break
        s = str(role_map[s])
    return s


_TABLE_CHILDREN = {
    "/Table": {"/TR", "/THead", "/TBody", "/TFoot", "/Caption"},
    "/THead": {"/TR"},
    "/TBody": {"/TR"},
    "/TFoot": {"/TR"},
    "/TR": {"/TH", "/TD"},
}
_LIST_CHILDREN = {"/L": {"/LI", "/Caption", "/L"}, "/LI": {"/Lbl", "/LBody"}}


def _structure(pdf: pikepdf.Pdf) -> list[Problem]:
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        return []
    role_map: Any = root.get("/RoleMap")
    out: list[Problem] = []
    headings: list[int] = []
    headers_ok = True
    scopes_missing = 0
    th_ids: set[str] = set()
    ids: set[str] = set()
    pages = {page.obj.objgen for page in pdf.pages}
    annots = {a.objgen for page in pdf.pages for a in page.obj.get("/Annots", []) if a.is_indirect}
    for elem in struct_elements(root):
        s = _role(elem, role_map)
        page = elem.get("/Pg")
        if isinstance(page, pikepdf.Dictionary) and page.objgen not in pages:
            out.append(Problem("01-005", f"{s} refers to a page that is not in the document"))
        for kid in kids(elem):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                obj = kid.get("/Obj")
                if (
                    isinstance(obj, pikepdf.Dictionary)
                    and obj.get("/Type") == "/Annot"
                    and obj.objgen not in annots
                ):
                    out.append(Problem("28-002", f"{s} refers to an annotation on no page of the document"))
        if "/ID" in elem:
            if str(elem.ID) in ids:
                out.append(Problem("15-003", f"{s} has the /ID {str(elem.ID)!r} of another element"))
            ids.add(str(elem.ID))
        if "/Lang" in elem:
            lang = str(elem.Lang)
            if lang and not _BCP47.match(lang):
                out.append(Problem("11-006", f"{s} has /Lang {lang!r}, not a BCP 47 tag"))
        children = [_role(k, role_map) for k in kids(elem) if isinstance(k, pikepdf.Dictionary) and "/S" in k]
        for table in (_TABLE_CHILDREN, _LIST_CHILDREN):
            allowed = table.get(s)
            if allowed is not None:
                wrong = sorted({c for c in children if c not in allowed and c != "/NonStruct"})
                if wrong:
                    code = "09-004" if table is _TABLE_CHILDREN else "09-005"
                    out.append(Problem(code, f"{s} contains {', '.join(wrong)}"))
        if s in ("/TR", "/TH", "/TD") and str(elem.get("/P", {}).get("/S", "")) not in (
            "/Table",
            "/THead",
            "/TBody",
            "/TFoot",
            "/TR",
        ):
            out.append(Problem("09-004", f"{s} outside a table"))
        if s == "/LI" and _role(elem.get("/P", pikepdf.Dictionary()), role_map) != "/L":
            out.append(Problem("09-005", "LI outside a list (L)"))
        if s == "/Figure" and not str(elem.get("/Alt", "")).strip() and "/ActualText" not in elem:
            out.append(Problem("13-004", "Figure without /Alt"))
        if (m := _HEADING.match(s)) is not None:
            headings.append(int(m.group(1)))
        if s == "/TH":
            attrs = elem.get("/A")
            attr_list = attrs if isinstance(attrs, pikepdf.Array) else [attrs]
            if not any(isinstance(a, pikepdf.Dictionary) and "/Scope" in a for a in attr_list):
                scopes_missing += 1
            if "/ID" in elem:
                th_ids.add(str(elem.ID))
        if s == "/TD":
            attrs = elem.get("/A")
            attr_list = attrs if isinstance(attrs, pikepdf.Array) else [attrs]
            if not any(isinstance(a, pikepdf.Dictionary) and "/Headers" in a for a in attr_list):
                headers_ok = False
            else:
                for a in attr_list:
                    if isinstance(a, pikepdf.Dictionary) and "/Headers" in a:
                        headers_ok &= all(str(h) in th_ids for h in a.Headers)
    if scopes_missing and not headers_ok:
        out.append(Problem("15-003", f"{scopes_missing} TH without /Scope and cells without /Headers"))
    if headings:
        if headings[0] != 1:
            out.append(Problem("14-002", f"the first heading is H{headings[0]}, not H1"))
        for before, after in itertools.pairwise(headings):
            if after > before + 1:
                out.append(Problem("14-003", f"heading level skipped: H{before} followed by H{after}"))
    out += _parent_tree(pdf, root)
    return out


def _parent_tree(pdf: pikepdf.Pdf, root: Any) -> list[Problem]:
    """01-005: every MCID a page's content uses maps, through the parent tree, to an element in the tree."""
    reachable = {e.objgen for e in struct_elements(root) if e.is_indirect}
    nums = root.get("/ParentTree", {}).get("/Nums") if "/ParentTree" in root else None
    table: dict[int, Any] = {}
    if isinstance(nums, pikepdf.Array):
        for i in range(0, len(nums) - 1, 2):
            table[int(nums[i])] = nums[i + 1]
    out: list[Problem] = []
    for number, page in enumerate(pdf.pages, start=1):
        used = _mcids(page)
        if not used:
            continue
        key = page.obj.get("/StructParents")
        entry = table.get(int(key)) if key is not None else None
        if not isinstance(entry, pikepdf.Array):
            out.append(Problem("01-005", f"page {number}: marked content but no parent tree entry"))
            continue
        missing = [
            m
            for m in used
            if m >= len(entry)
            or not isinstance(entry[m], pikepdf.Dictionary)
            or (entry[m].is_indirect and entry[m].objgen not in reachable)
        ]
        if missing:
            out.append(
                Problem("01-005", f"page {number}: MCID {missing[:5]} not tied to an element of the tree")
            )
    return out


def _mcids(page: pikepdf.Page) -> list[int]:
    out = []
    for operands, _operator in ops(page, "BDC"):
        props = operands[1] if len(operands) > 1 else None
        if isinstance(props, pikepdf.Dictionary) and "/MCID" in props and str(operands[0]) != "/Artifact":
            out.append(int(props.MCID))
    return out


# --- content: 01-003, 10-001 -------------------------------------------------------------------------


def _content(pdf: pikepdf.Pdf) -> list[Problem]:
    out: list[Problem] = []
    for number, page in enumerate(pdf.pages, start=1):
        stack: list[str] = []  # "artifact" / "tagged" / "other" per open marked-content sequence
        unmarked = nested = 0
        for operands, operator in ops(page):
            op = str(operator)
            if op in ("BDC", "BMC"):
                props = operands[1] if op == "BDC" and len(operands) > 1 else None
                if operands and str(operands[0]) == "/Artifact":
                    kind = "artifact"
                    if "tagged" in stack:
                        out.append(Problem("01-003", f"page {number}: artifact inside tagged content"))
                elif isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                    kind = "tagged"
                    nested += "artifact" in stack
                else:
                    kind = "other"
                stack.append(kind)
            elif op == "EMC":
                if stack:
                    stack.pop()
            elif op in PAINT and not any(k in ("artifact", "tagged") for k in stack):
                unmarked += 1
        if nested:
            out.append(Problem("01-004", f"page {number}: {nested} tagged sequences inside artifacts"))
        if unmarked:
            out.append(
                Problem("01-005", f"page {number}: {unmarked} painting operators neither tagged nor artifact")
            )
    return out


def _to_unicode(font: Any) -> dict[int, str] | None:
    stream = font.get("/ToUnicode")
    if not isinstance(stream, pikepdf.Stream):
        return None
    data = stream.read_bytes()
    table: dict[int, str] = {}
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, uni in BFCHAR.findall(section):
            table[int(code, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be", "replace")
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, start in BFRANGE.findall(section):
            first = int.from_bytes(bytes.fromhex(start.decode()), "big") if start else 0
            for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                table[code] = chr(first + k) if start else ""
    return table


def _fonts(pdf: pikepdf.Pdf) -> list[Problem]:
    """31: embedded programs; 10-001: every code shown has a usable Unicode mapping."""
    out: list[Problem] = []
    checked: set[tuple[int, int]] = set()
    for number, page in enumerate(pdf.pages, start=1):
        resources: Any = page.obj.get("/Resources")
        fonts: Any = resources.get("/Font") if resources is not None else None
        fonts = fonts if fonts is not None else {}
        cmaps: dict[str, tuple[Any, dict[int, str] | None]] = {}
        for name, font in fonts.items():
            cmaps[name] = (font, _to_unicode(font))
            if font.objgen in checked:
                continue
            checked.add(font.objgen)
            descriptor = (
                font.DescendantFonts[0].get("/FontDescriptor")
                if "/DescendantFonts" in font
                else font.get("/FontDescriptor")
            )
            if not isinstance(descriptor, pikepdf.Dictionary) or not any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                out.append(Problem("31-001", f"font {font.get('/BaseFont')} is not embedded"))
        bad: dict[str, set[int]] = {}
        current: str | None = None
        for operands, operator in ops(page):
            op = str(operator)
            if op == "Tf" and operands:
                current = str(operands[0])
            elif op in SHOW_TEXT and current in cmaps:
                font, table = cmaps[current]
                two = font.get("/Subtype") == "/Type0"
                for code in glyph_codes(operands, two):
                    text = table.get(code) if table is not None else None
                    if not text or any(ord(c) in BAD_UNICODE for c in text):
                        bad.setdefault(str(font.get("/BaseFont")), set()).add(code)
        for base, codes in sorted(bad.items()):
            out.append(
                Problem(
                    "10-001",
                    f"page {number}: font {base}: {len(codes)} glyph codes without a Unicode mapping "
                    f"({', '.join(f'{c:04x}' for c in sorted(codes)[:8])})",
                )
            )
    return out


# --- annotations: 28 -----------------------------------------------------------------------------------


def _annotations(pdf: pikepdf.Pdf) -> list[Problem]:
    out: list[Problem] = []
    for number, page in enumerate(pdf.pages, start=1):
        annots = page.obj.get("/Annots")
        if not annots:
            continue
        if str(page.obj.get("/Tabs", "")) != "/S":
            out.append(Problem("28-008", f"page {number} has annotations but /Tabs is not /S"))
        for annot in annots:
            if annot.get("/Subtype") in ("/Popup",) or str(annot.get("/F", 0)) == "2":
                continue
            if "/StructParent" not in annot:
                out.append(Problem("28-002", f"page {number}: {annot.get('/Subtype')} annotation not tagged"))
            if annot.get("/Subtype") == "/Link" and not str(annot.get("/Contents", "")).strip():
                out.append(Problem("28-011", f"page {number}: link annotation without /Contents"))
    return out


# --- text round trip ----------------------------------------------------------------------------------


def extract_text(pdf: Path, *, first: int | None = None, last: int | None = None) -> str:
    """What copy-paste and many assistive tools get: poppler's pdftotext in drawing (= reading) order, UTF-8."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise ToolMissing("pdftotext (Debian package poppler-utils) is not installed")
    args = [exe, "-raw", "-enc", "UTF-8"]  # content order; no guessing that a line-end "K-" is a hyphenation
    if first is not None:
        args += ["-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    done = subprocess.run([*args, str(pdf), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def normalize(text: str) -> str:
    """NFC, break hints and joiners dropped, whitespace removed: what must survive extraction unchanged."""
    text = unicodedata.normalize("NFC", text).translate(_IGNORED)
    return "".join(text.split())


def missing_text(pdf: Path, expected: Sequence[str]) -> list[str]:
    """The expected passages (in order) that pdftotext does not reproduce; empty when all round-trip."""
    got = normalize(extract_text(pdf))
    missing: list[str] = []
    position = 0
    for passage in expected:
        want = normalize(passage)
        if not want:
            continue
        found = got.find(want, position)
        if found < 0:
            missing.append(passage)
        else:
            position = found + len(want)
    return missing


def main(argv: Sequence[str] | None = None) -> int:
    paths = [Path(a) for a in (sys.argv[1:] if argv is None else argv)]
    if not paths:
        print("usage: python -m ggmulti.render.pdfcheck FILE.pdf...", file=sys.stderr)
        return 2
    failed = 0
    for path in paths:
        problems = check(path)
        for problem in problems:
            print(f"{path}: {problem}")
        failed += bool(problems)
        if not problems:
            print(f"{path}: ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
