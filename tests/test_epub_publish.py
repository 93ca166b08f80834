"""The demo as talking books: an EPUB per published edition and per bundle, checked by epubcheck and
DAISY Ace, read aloud in step with the published audio, linked from the pages, made incrementally."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import etree, html

from ace_checker import ace
from ggmulti.config import load_config
from ggmulti.formats.data import loads_edition
from ggmulti.model import TranslatedRelease
from ggmulti.publish import PublishOptions, publish
from ggmulti.render.epub import fragment_id

ROOT = Path(__file__).resolve().parents[1]
JAVA = ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", "/usr/share/java/epubcheck.jar"]
MANY = ROOT / "tests" / "fixtures" / "EpubcheckMany.java"  # epubcheck over many books in one JVM
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "x": "http://www.w3.org/1999/xhtml",
    "smil": "http://www.w3.org/ns/SMIL",
}
UI = yaml.safe_load((ROOT / "src" / "ggmulti" / "templates" / "ui.yaml").read_text(encoding="utf-8"))
CHILDCARE = "foreign-children-childcare-support-increase-2025"


@dataclass(frozen=True)
class Book:
    path: str  # relative to the output folder
    lang: str
    releases: tuple[str, ...]  # one chapter each, in this order
    audio: bool  # the published editions have MP3s (so the book reads aloud)


def _manifest(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return data


def _books(out: Path) -> list[Book]:
    manifest = _manifest(out)
    books = []
    for release in manifest["releases"]:
        for lang, ed in release["editions"].items():
            kinds = {a["kind"]: a["path"] for a in ed["artifacts"]}
            if "epub" in kinds:
                books.append(Book(kinds["epub"], lang, (release["id"],), "audio" in kinds))
    for bundle in manifest["bundles"].values():
        spoken = [_edition(manifest, rid, bundle["lang"]) for rid in bundle["releases"]]
        audio = any(a["kind"] == "audio" for ed in spoken for a in ed["artifacts"])
        # chapters first release first; the manifest lists the bundle's releases newest first
        books.append(Book(bundle["epub"], bundle["lang"], tuple(bundle["releases"][::-1]), audio))
    return books


def _edition(manifest: dict[str, Any], release_id: str, lang: str) -> dict[str, Any]:
    (release,) = [r for r in manifest["releases"] if r["id"] == release_id]
    edition: dict[str, Any] = release["editions"][lang]
    return edition


@pytest.fixture(scope="module")
def books(demo_output: Path) -> list[Book]:
    return _books(demo_output)


def _archive(out: Path, book: Book) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO((out / book.path).read_bytes()))


def _xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    return etree.fromstring(archive.read(name))


def _clock(value: str) -> float:
    return sum(float(x) * m for x, m in zip(value.split(":"), (3600, 60, 1), strict=True))


def _cue_times(vtt: str) -> dict[str, tuple[float, float]]:
    """Sentence key -> (start, end) from a published transcript, read here on its own terms: a cue
    "KEY.2" continues "KEY" (a sentence over 15 s is captioned in parts)."""
    times: dict[str, tuple[float, float]] = {}
    for block in vtt.strip().split("\n\n")[1:]:
        if block.startswith("NOTE"):  # a comment block (what listeners are told), not a cue
            continue
        ident, timing = block.split("\n")[:2]
        start, end = (_clock(t) for t in timing.split(" --> "))
        part = re.fullmatch(r"(.+)\.(\d+)", ident)
        if part and part.group(1) in times:
            times[part.group(1)] = (times[part.group(1)][0], end)
        else:
            times[ident] = (start, end)
    return times


def _published_text(out: Path, release_id: str, lang: str) -> TranslatedRelease:
    path = out / lang / f"{release_id}.json"
    return loads_edition(path.read_bytes(), str(path))


def test_every_published_edition_lists_an_epub_that_reads_aloud_where_it_has_audio(
    demo_output: Path, books: list[Book]
) -> None:
    manifest = _manifest(demo_output)
    with_audio = without = 0
    for release in manifest["releases"]:
        for lang, ed in release["editions"].items():
            if ed["status"] == "skipped":
                continue
            kinds = {a["kind"]: a for a in ed["artifacts"]}
            epub = kinds["epub"]  # every listed edition has its book
            assert epub["path"] == f"{lang}/{release['id']}.epub"
            data = (demo_output / epub["path"]).read_bytes()
            assert len(data) == epub["bytes"]
            archive = zipfile.ZipFile(io.BytesIO(data))
            opf = _xml(archive, "EPUB/package.opf")
            modes = opf.xpath("//opf:meta[@property='schema:accessMode']/text()", namespaces=NS)
            overlays = [n for n in archive.namelist() if n.endswith((".smil", ".mp3"))]
            if "audio" in kinds:
                with_audio += 1
                assert modes == ["textual", "auditory"], epub["path"]
                assert overlays == ["EPUB/c1.smil", "EPUB/audio/c1.mp3"], epub["path"]
            else:  # Lao: no voice, so a text-only book
                without += 1
                assert modes == ["textual"] and overlays == [], epub["path"]
    assert with_audio >= 20 and without >= 4
    assert len(books) == with_audio + without + len(manifest["bundles"])


def _epubcheck(paths: list[Path], reports: Path) -> list[dict[str, Any]]:
    """epubcheck's JSON report of each book, all checked in one JVM (one start instead of forty)."""
    args: list[str] = []
    for n, path in enumerate(paths):
        args += [str(path), str(reports / f"{n}.json")]
    subprocess.run([*JAVA, str(MANY), *args], capture_output=True, check=True, timeout=900)
    return [json.loads((reports / f"{n}.json").read_text(encoding="utf-8")) for n in range(len(paths))]


def test_epubcheck_finds_no_errors_and_no_warnings_in_any_demo_epub(
    demo_output: Path, books: list[Book], tmp_path: Path
) -> None:
    assert any(len(b.releases) > 1 for b in books)  # bundles of several releases are among them
    reports = _epubcheck([demo_output / b.path for b in books], tmp_path)
    for book, report in zip(books, reports, strict=True):
        checker = report["checker"]
        assert checker["path"] == str(demo_output / book.path)
        counts = (checker["nFatal"], checker["nError"], checker["nWarning"])
        assert counts == (0, 0, 0), (book.path, [m["message"] for m in report["messages"]])


def test_the_checker_reports_what_is_wrong(demo_output: Path, books: list[Book], tmp_path: Path) -> None:
    """The one-JVM runner counts errors as epubcheck does: a book with a file missing fails."""
    broken = tmp_path / "broken.epub"
    with _archive(demo_output, books[0]) as source, zipfile.ZipFile(broken, "w") as out:
        for info in source.infolist():
            if info.filename != "EPUB/style.css":
                out.writestr(info, source.read(info))
    (report,) = _epubcheck([broken], tmp_path)
    assert report["checker"]["nError"] >= 1
    assert any("style.css" in m["message"] for m in report["messages"])


def test_ace_finds_no_violations_in_one_book_per_language(
    demo_output: Path, books: list[Book], tmp_path: Path
) -> None:
    chosen: dict[str, Book] = {}
    for book in books:  # the first edition of each language; for Vietnamese its largest bundle
        if book.lang == "vi" and len(book.releases) > len(chosen.get("vi", book).releases):
            chosen["vi"] = book
        chosen.setdefault(book.lang, book)
    assert set(chosen) == {"en", "hi", "lo", "vi", "zh"} and len(chosen["vi"].releases) > 1
    for lang, book in sorted(chosen.items()):
        report, violations = ace(demo_output / book.path, tmp_path / lang)
        assert violations == [], book.path
        assert report["earl:result"]["earl:outcome"] == "pass", book.path
        titles = [_published_text(demo_output, rid, lang).title.text for rid in book.releases]
        outline = html.fromstring(report["outlines"]["headings"]).text_content()
        assert all(t in outline for t in titles), book.path  # Ace read every chapter


def test_each_overlay_has_a_par_per_sentence_at_the_published_transcript_times(
    demo_output: Path, books: list[Book]
) -> None:
    checked = 0
    for book in (b for b in books if b.audio):
        archive = _archive(demo_output, book)
        for n, rid in enumerate(book.releases, start=1):
            tr = _published_text(demo_output, rid, book.lang)
            cues = _cue_times((demo_output / book.lang / f"{rid}.vtt").read_text(encoding="utf-8"))
            page = _xml(archive, f"EPUB/c{n}.xhtml")
            pars = _xml(archive, f"EPUB/c{n}.smil").findall(".//smil:par", NS)
            # the transcript ends with the help line ([publisher.help]), which the book has no sentence for
            assert set(cues) - {s.segment.key for s in tr.segments} == {f"{rid}:help"}, (book.path, n)
            assert len(pars) == len(tr.segments) == len(cues) - 1, (book.path, n)
            for par, seg in zip(pars, tr.segments, strict=True):
                text, audio = par.find("smil:text", NS), par.find("smil:audio", NS)
                assert text is not None and audio is not None
                assert text.get("src") == f"c{n}.xhtml#{fragment_id(seg.segment.key)}"
                (element,) = page.xpath(f"//*[@id='{fragment_id(seg.segment.key)}']")
                assert "".join(element.itertext()) == seg.text  # the element highlighted is the sentence
                start, end = cues[seg.segment.key]
                assert abs(_clock(audio.get("clipBegin", "")) - start) <= 0.05, (book.path, seg.segment.key)
                assert abs(_clock(audio.get("clipEnd", "")) - end) <= 0.05, (book.path, seg.segment.key)
                assert audio.get("src") == f"audio/c{n}.mp3"
                checked += 1
            assert (
                archive.read(f"EPUB/audio/c{n}.mp3") == (demo_output / book.lang / f"{rid}.mp3").read_bytes()
            )
    assert checked >= 500  # 22 spoken editions, each in its own book and in its bundle


def test_bundle_epubs_sit_next_to_the_pdf_inside_the_zip_and_on_the_language_index(demo_output: Path) -> None:
    manifest = _manifest(demo_output)
    site = {a["path"]: a["kind"] for a in manifest["site"]}
    assert manifest["bundles"]
    for bundle in manifest["bundles"].values():
        lang, period = bundle["lang"], bundle["period"]
        name = f"{lang}-{period}.epub"
        assert bundle["epub"] == f"{lang}/bundle/{name}" and site[bundle["epub"]] == "bundle-epub"
        data = (demo_output / bundle["epub"]).read_bytes()
        with zipfile.ZipFile(demo_output / bundle["zip"]) as archive:
            assert archive.read(name) == data
            index = html.fromstring(archive.read("index.html"))
        label = UI[lang]["epub_audio" if bundle["audio"] else "epub_plain"]
        assert index.xpath(f"//a[@href='{name}']/text()") == [label]
        page = html.fromstring((demo_output / lang / "index.html").read_bytes())
        assert page.xpath(f"//a[@href='bundle/{name}' and @type='application/epub+zip']/text()") == [label]
        book = zipfile.ZipFile(io.BytesIO(data))
        nav = _xml(book, "EPUB/nav.xhtml")
        titles = [_published_text(demo_output, rid, lang).title.text for rid in bundle["releases"][::-1]]
        assert nav.xpath("//x:nav[@id='toc']//x:a/text()", namespaces=NS) == titles  # first release first


def test_release_pages_link_their_epub_saying_whether_it_reads_aloud(demo_output: Path) -> None:
    for lang, key in (("vi", "epub_audio"), ("lo", "epub_plain")):
        page = html.fromstring((demo_output / lang / f"{CHILDCARE}.html").read_bytes())
        links = page.xpath(f"//a[@href='{CHILDCARE}.epub']")
        assert [(a.text, a.get("type")) for a in links] == [(UI[lang][key], "application/epub+zip")]


@pytest.fixture(scope="module")
def small(demo_output: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One release in Vietnamese and Lao, published once into its own folder."""
    sources = tmp_path_factory.mktemp("one-release")
    shutil.copy(ROOT / "examples" / "releases" / "08-foreign-children-childcare-support.md", sources)
    yield sources


def _publish(sources: Path, out: Path) -> tuple[dict[tuple[str, str], tuple[str, ...]], list[str]]:
    config = load_config(ROOT / "ggmulti.toml")
    options = PublishOptions(
        sources=(sources,), out=out, languages=("vi", "lo"), formats=("html", "pdf", "audio", "epub")
    )
    lines: list[str] = []
    _catalogue, report = publish(config, options, log=lines.append)
    return report.rebuilt(), lines


def test_epubs_are_the_same_bytes_in_any_build_and_reused_when_nothing_changed(
    demo_output: Path, small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models = tmp_path / "no-models"
    models.mkdir()
    monkeypatch.setenv("GGMULTI_MODELS_DIR", str(models))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(models))
    out = tmp_path / "out"
    rebuilt, lines = _publish(small, out)
    # vi and lo as asked, and the original (English) that their pages link
    assert set(rebuilt) == {(CHILDCARE, "vi"), (CHILDCARE, "lo"), (CHILDCARE, "en")}
    assert sum(line.startswith("building bundle") for line in lines) == 3
    for lang in ("vi", "lo"):  # the same edition as the demo's, built elsewhere: the same bytes
        mine = (out / lang / f"{CHILDCARE}.epub").read_bytes()
        assert mine == (demo_output / lang / f"{CHILDCARE}.epub").read_bytes(), lang
    books = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.epub")}
    assert len(books) == 6  # three editions, three bundles
    rebuilt, lines = _publish(small, out)
    assert rebuilt == {} and not any(line.startswith("building bundle") for line in lines)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*.epub")} == books
    for bundle in _manifest(out)["bundles"].values():
        assert (out / bundle["epub"]).read_bytes() == books[Path(bundle["epub"])]
