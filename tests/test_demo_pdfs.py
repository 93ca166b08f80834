"""Every PDF `make demo` writes (editions and language bundles) passes the checker and round-trips its text."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pikepdf
import pytest
from bs4 import BeautifulSoup

from ggmulti.render.pdfcheck import check, extract_text, missing_text, normalize

DEMO_LANGS = ("vi", "zh", "lo", "hi")


def _manifest(out: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return data


def _page_passages(page: Path) -> list[str]:
    """The release text as the web page shows it: title and paragraphs of the article, in order."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    article = soup.find("article")
    assert article is not None
    return [
        el.get_text()
        for el in article.find_all(["h1", "p"])
        # the date line and the page's listen block (player, downloads) are not part of the printed text
        if "meta" not in (el.get("class") or []) and el.find_parent(class_="listen") is None
    ]


def test_every_demo_pdf_passes_the_checker(demo_output: Path) -> None:
    pdfs = sorted(demo_output.rglob("*.pdf"))
    assert len(pdfs) >= 4 * len(DEMO_LANGS)
    problems = {str(p.relative_to(demo_output)): [str(x) for x in check(p)] for p in pdfs}
    assert {k: v for k, v in problems.items() if v} == {}


def test_every_demo_pdf_round_trips_the_page_text(demo_output: Path) -> None:
    checked = set()
    for entry in _manifest(demo_output)["releases"]:  # type: ignore[attr-defined]
        for lang, edition in entry["editions"].items():
            paths = {a["kind"]: a["path"] for a in edition["artifacts"]}
            if "pdf" not in paths:
                continue
            passages = _page_passages(demo_output / paths["html"])
            assert missing_text(demo_output / paths["pdf"], passages) == [], paths["pdf"]
            checked.add(lang)
    assert set(DEMO_LANGS) <= checked


@pytest.mark.parametrize("lang", DEMO_LANGS)
def test_language_bundles(demo_output: Path, lang: str) -> None:
    """One bundle per month: every release of the language in it once, first release first, PDF + zip;
    each contents entry names and links the page its release starts on, as printed at its foot."""
    manifest = _manifest(demo_output)
    site = {a["path"]: a for a in manifest["site"]}  # type: ignore[attr-defined]
    editions = {
        r["id"]: (r, r["editions"][lang])
        for r in manifest["releases"]  # type: ignore[attr-defined]
        if r["editions"].get(lang, {}).get("status") in ("published", "partial")
    }
    bundles = [b for b in manifest["bundles"].values() if b["lang"] == lang]  # type: ignore[attr-defined]
    assert sorted(rid for b in bundles for rid in b["releases"]) == sorted(editions)
    language_index = (demo_output / lang / "index.html").read_text(encoding="utf-8")
    for bundle in bundles:
        pdf_path, zip_path = bundle["pdf"], bundle["zip"]
        assert site[pdf_path]["kind"] == "bundle-pdf" and site[zip_path]["kind"] == "bundle-zip"
        chosen = [editions[rid] for rid in bundle["releases"]]
        assert all((r["date"] or "")[:7] == bundle["period"] for r, _ in chosen)
        reading = chosen[::-1]  # the manifest lists newest first; the booklet reads oldest first
        # bookmarks: the cover, with one entry per release below it; a table of contents
        with pikepdf.open(demo_output / pdf_path) as doc, doc.open_outline() as outline:
            (cover,) = outline.root
            _contents, *items = cover.children  # the "Contents" heading, then the releases
            assert [normalize(item.title) for item in items] == [normalize(e["title"]) for _, e in reading]
            labels = doc.Root.PageLabels.Nums
            cover_pages = int(labels[2])  # i, ii, ... then 1, 2, ... from the first release
            assert str(labels[1].S) == "/r" and str(labels[3].S) == "/D"
            dests = dict(pikepdf.NameTree(doc.Root.Names.Dests).items())
            pages = {page.obj.objgen: n for n, page in enumerate(doc.pages)}
            links: dict[str, pikepdf.Object] = {}  # a title over two lines has a link on each
            for page in doc.pages[:cover_pages]:
                for annot in page.obj.get("/Annots", []):
                    links.setdefault(str(annot.Dest), annot)
            assert len(links) == len(reading)
            starts = []
            for link, (_, e) in zip(links.values(), reading, strict=True):
                title, number = str(link.Contents).rsplit(" · ", 1)
                assert normalize(title) == normalize(e["title"])
                assert pages[dests[str(link.Dest)][0].objgen] == cover_pages + int(number) - 1
                starts.append(int(number))
            assert starts[0] == 1 and starts == sorted(set(starts))
        for number in starts:
            page_text = extract_text(
                demo_output / pdf_path, first=cover_pages + number, last=cover_pages + number
            )
            assert page_text.split()[-1] == str(number)  # the printed page number at its foot
        first_page = normalize(extract_text(demo_output / pdf_path, first=1, last=1))
        assert all(normalize(e["title"]) in first_page for _, e in chosen)
        with zipfile.ZipFile(demo_output / zip_path) as archive:
            names = set(archive.namelist())
            assert "index.html" in names and pdf_path.rsplit("/", 1)[-1] in names
            for r, e in chosen:
                kinds = {a["kind"] for a in e["artifacts"]}
                assert f"pdf/{r['id']}.pdf" in names
                assert (f"audio/{r['id']}.mp3" in names) == ("audio" in kinds)
            # each release's files dated by the release (noon), the bundle's own files by its last release
            released = {r["id"]: r["date"] for r, _ in chosen}
            last = max(released.values())
            for info in archive.infolist():
                stem = info.filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
                day = released.get(stem, last)
                assert info.date_time == (int(day[:4]), int(day[5:7]), int(day[8:10]), 12, 0, 0), (
                    info.filename
                )
            index = archive.read("index.html").decode("utf-8")
            assert f'lang="{BeautifulSoup(index, "html.parser").html["lang"]}"' in index  # type: ignore[index]
        assert f'href="{pdf_path.split("/", 1)[1]}"' in language_index
