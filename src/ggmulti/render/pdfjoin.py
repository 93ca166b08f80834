"""Join tagged PDFs into one PDF/UA document: a cover, then parts rendered on their own.

A language bundle is a cover (title, contents) followed by one part per release. Rendering each
part alone lets a build reuse every part whose input did not change, so a period's bundle costs
only its new or changed releases plus the cover. Joining keeps what makes the parts accessible:

- pages are copied with everything they reference (fonts, annotations); every copy from one part
  goes through the same foreign-object map, so the structure elements copied after the pages point
  at the copied pages and annotations;
- each part's top structure elements become children of the cover's Document element;
- parent-tree numbers (page ``/StructParents``, annotation ``/StructParent``) are moved past the
  numbers already used, and the parent tree is written again as one flat ``/Nums`` array;
- element IDs (table header cells) and the ``/Headers`` naming them get a per-part prefix;
- named destinations are merged, a part's names replacing the cover's (the cover holds an empty
  target per release only so that its contents links exist; the part's target is the real one);
- each part's bookmarks go under the cover's first bookmark, pointing at the copied pages;
- page labels: the cover counts i, ii, ...; the parts 1, 2, ... as their printed page numbers do.

The cover's catalogue (language, XMP metadata with the PDF/UA identifier, title, viewer
preferences) is the joined document's. Same inputs, same bytes (pikepdf's deterministic /ID).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from contextlib import ExitStack
from decimal import Decimal
from typing import Any

import pikepdf

from ..errors import GgmultiError
from .pdfobjects import kids, save_deterministic, struct_elements


def page_count(data: bytes) -> int | None:
    """Pages of a rendered part; None when the bytes are not a readable PDF (a damaged cache entry)."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return len(pdf.pages)
    except pikepdf.PdfError:
        return None


def join(cover: bytes, parts: Sequence[bytes], *, identity: str) -> bytes:
    """The cover followed by ``parts``; every cover link must land on a part's named destination."""
    with pikepdf.open(io.BytesIO(cover)) as out:
        root: Any = out.Root.get("/StructTreeRoot")
        document = _document(root, f"{identity}: cover")
        nums = _flat_nums(root, f"{identity}: cover")
        next_key = max((key for key, _ in nums), default=-1) + 1
        dests = _dest_names(out)
        cover_pages = len(out.pages)
        with ExitStack() as stack:  # parts stay open until the joined file is saved
            with out.open_outline() as outline:
                top = outline.root[0].children if len(outline.root) else outline.root
                for n, data in enumerate(parts):
                    part = stack.enter_context(pikepdf.open(io.BytesIO(data)))
                    where = f"{identity}: part {n + 1}"
                    first = len(out.pages)
                    index = {p.obj.objgen: first + i for i, p in enumerate(part.pages)}
                    out.pages.extend(part.pages)
                    part_root = part.Root.get("/StructTreeRoot")
                    for elem in kids(_document(part_root, where)):
                        local = out.copy_foreign(elem)
                        local.P = document
                        document.K.append(local)
                        _prefix_ids(local, f"p{n + 1}-")
                    part_nums = _flat_nums(part_root, where)
                    shift = next_key - min((key for key, _ in part_nums), default=0)
                    nums += [(key + shift, _copy(out, value)) for key, value in part_nums]
                    next_key = max((key for key, _ in nums), default=-1) + 1
                    for page in out.pages[first:]:
                        _renumber(page.obj, shift)
                    part_dests = _dest_names(part)
                    dests.update({name: _copy(out, dest) for name, dest in part_dests.items()})
                    with part.open_outline() as part_outline:
                        top.extend(_outline_item(item, part_dests, index) for item in part_outline.root)
                root.ParentTree = out.make_indirect(
                    pikepdf.Dictionary(Nums=pikepdf.Array([x for key, value in nums for x in (key, value)]))
                )
                root.ParentTreeNextKey = next_key
                _write_dests(out, dests)
                _check_links(out, cover_pages, identity)
                out.Root.PageLabels = pikepdf.Dictionary(
                    Nums=pikepdf.Array(
                        [0, pikepdf.Dictionary(S=pikepdf.Name.r)]
                        + ([cover_pages, pikepdf.Dictionary(S=pikepdf.Name.D, St=1)] if parts else [])
                    )
                )
            return save_deterministic(out)


def _copy(pdf: pikepdf.Pdf, obj: Any) -> Any:
    """``obj`` of another PDF, usable in ``pdf``: indirect objects through the foreign-object map."""
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return pdf.copy_foreign(obj)
    if isinstance(obj, pikepdf.Array):
        return pikepdf.Array([_copy(pdf, x) for x in obj])
    if isinstance(obj, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: _copy(pdf, value) for key, value in obj.items()})
    return obj


def _document(root: Any, where: str) -> Any:
    """The one Document element at the top of a structure tree (WeasyPrint writes exactly one)."""
    top = kids(root) if root is not None else []
    if len(top) != 1 or top[0].get("/S") != "/Document":
        raise GgmultiError(f"{where}: the PDF's structure tree has no single Document element")
    document = top[0]
    if not isinstance(document.get("/K"), pikepdf.Array):
        document.K = pikepdf.Array(kids(document))
    return document


def _flat_nums(root: Any, where: str) -> list[tuple[int, Any]]:
    """The parent tree's (number, value) pairs, whether written flat or with /Kids."""
    tree = root.get("/ParentTree")
    if tree is None:
        return []
    try:
        return [(int(key), value) for key, value in pikepdf.NumberTree(tree).items()]
    except (TypeError, ValueError, pikepdf.PdfError) as exc:
        raise GgmultiError(f"{where}: unreadable parent tree ({exc})") from exc


def _prefix_ids(top: Any, prefix: str) -> None:
    """Element IDs (table headers) are unique per part, not across parts: prefix them and the /Headers
    that name them, so a cell never points at another release's header."""
    elements = [top, *struct_elements(top)]
    for elem in elements:
        if "/ID" in elem:
            elem.ID = pikepdf.String(prefix + str(elem.ID))
        attrs = elem.get("/A")
        for attr in attrs if isinstance(attrs, pikepdf.Array) else [attrs]:
            if isinstance(attr, pikepdf.Dictionary) and isinstance(attr.get("/Headers"), pikepdf.Array):
                attr.Headers = pikepdf.Array([pikepdf.String(prefix + str(h)) for h in attr.Headers])


def _renumber(page: Any, shift: int) -> None:
    if "/StructParents" in page:
        page.StructParents = int(page.StructParents) + shift
    for annot in page.get("/Annots", []):
        if "/StructParent" in annot:
            annot.StructParent = int(annot.StructParent) + shift


def _dest_names(pdf: pikepdf.Pdf) -> dict[str, Any]:
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    return {str(key): value for key, value in pikepdf.NameTree(names.Dests).items()}


def _write_dests(pdf: pikepdf.Pdf, dests: dict[str, Any]) -> None:
    if not dests:
        return
    flat = pikepdf.Array([x for name in sorted(dests) for x in (pikepdf.String(name), dests[name])])
    if "/Names" not in pdf.Root:
        pdf.Root.Names = pikepdf.Dictionary()
    pdf.Root.Names.Dests = pdf.make_indirect(pikepdf.Dictionary(Names=flat))


def _outline_item(item: pikepdf.OutlineItem, dests: dict[str, Any], index: dict[tuple[int, int], int]) -> Any:
    """A part's bookmark (with its children) pointing at the joined document's copy of its page."""
    copy = pikepdf.OutlineItem(item.title)
    dest: Any = item.destination
    if isinstance(dest, (pikepdf.String, str)):  # a named destination: resolve it in the part
        dest = dests.get(str(dest))
    if isinstance(dest, pikepdf.Dictionary):
        dest = dest.get("/D")
    if isinstance(dest, pikepdf.Array) and len(dest) >= 2 and dest[0].objgen in index:
        at = [float(v) if isinstance(v, (int, float, Decimal)) else None for v in dest[2:4]] + [None, None]
        copy = pikepdf.OutlineItem(
            item.title, index[dest[0].objgen], pikepdf.PageLocation.XYZ, left=at[0], top=at[1]
        )
    copy.children.extend(_outline_item(child, dests, index) for child in item.children)
    return copy


def _check_links(pdf: pikepdf.Pdf, cover_pages: int, identity: str) -> None:
    """Every named link on the cover now leads into a part: a missing part anchor is a build error."""
    dests = _dest_names(pdf)
    number = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
    for page in pdf.pages[:cover_pages]:
        for annot in page.obj.get("/Annots", []):
            name = annot.get("/Dest")
            if isinstance(name, pikepdf.String):
                target = dests.get(str(name))
                if not isinstance(target, pikepdf.Array) or number.get(target[0].objgen, -1) < cover_pages:
                    raise GgmultiError(f"{identity}: contents link {str(name)!r} leads to no release part")
