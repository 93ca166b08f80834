"""Publish end to end on the sample corpus: manifest contract, artifacts, determinism, real PDFs."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from ggmulti.cli import main
from ggmulti.config import DEFAULT_LANGUAGES
from ggmulti.ingest import ingest

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "ggmulti.toml"
SAMPLES = REPO / "examples" / "releases"
SHA_RE = re.compile(r"^[0-9a-f]{64}$")


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


class Published:
    def __init__(
        self, out: Path, first: dict[str, bytes], again: dict[str, bytes], fresh: dict[str, bytes]
    ) -> None:
        self.out = out
        self.first = first  # files after the first build
        self.again = again  # files after publishing the same input into the same folder
        self.fresh = fresh  # files of the same input published into another, empty folder
        self.manifest = json.loads(first["manifest.json"])


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    models = tmp_path_factory.mktemp("no-models")  # no translation model, whatever this machine has
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GGMULTI_MODELS_DIR", str(models))
        mp.setenv("ARGOS_PACKAGES_DIR", str(models))
        out = tmp_path_factory.mktemp("published") / "out"
        argv = ["--config", str(CONFIG), "publish", str(SAMPLES), "--out", str(out), "-q"]
        assert main(argv) == 0
        first = _files(out)
        assert main(argv) == 0
        again = _files(out)
        other = tmp_path_factory.mktemp("published-again") / "out"
        assert main(["--config", str(CONFIG), "publish", str(SAMPLES), "--out", str(other), "-q"]) == 0
        yield Published(out, first, again, _files(other))


def test_manifest_lists_every_sample_newest_first(published: Published) -> None:
    releases = published.manifest["releases"]
    samples = {r.id: r for r in ingest([SAMPLES])}
    assert [r["id"] for r in releases] == [
        r.id for r in sorted(samples.values(), key=lambda r: (r.date, r.id), reverse=True)
    ]
    for entry in releases:
        sample = samples[entry["id"]]
        assert entry["title"] == sample.title
        assert entry["date"] == sample.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["date"])
        assert entry["source_lang"] == "en"
        assert "source_url" in entry


def test_every_default_language_has_an_edition(published: Published) -> None:
    for entry in published.manifest["releases"]:
        assert set(entry["editions"]) == set(DEFAULT_LANGUAGES)
        for edition in entry["editions"].values():
            assert {"status", "reason", "segments", "terms", "artifacts"} <= set(edition)
            assert {"total", "memory", "machine", "untranslated"} <= set(edition["segments"])
            assert {"expected", "pinned"} <= set(edition["terms"])
            assert edition["status"] in ("published", "partial", "skipped")


def test_english_editions_are_published_with_html_pdf_and_audio(published: Published) -> None:
    for entry in published.manifest["releases"]:
        en = entry["editions"]["en"]
        assert en["status"] == "published"
        assert en["reason"] is None
        assert en["segments"]["total"] > 1
        assert en["segments"]["untranslated"] == en["segments"]["machine"] == en["segments"]["memory"] == 0
        assert en["terms"]["pinned"] <= en["terms"]["expected"]
        kinds = {a["kind"]: a for a in en["artifacts"]}
        assert set(kinds) == {"html", "pdf", "audio", "transcript", "transcript-page", "data", "epub"}
        assert kinds["transcript-page"]["path"] == f"en/{entry['id']}.transcript.html"
        assert kinds["epub"]["path"] == f"en/{entry['id']}.epub"
        assert kinds["data"]["path"] == f"en/{entry['id']}.json"
        assert kinds["html"]["path"] == f"en/{entry['id']}.html"
        assert kinds["pdf"]["path"] == f"en/{entry['id']}.pdf"
        assert kinds["audio"]["path"] == f"en/{entry['id']}.mp3"
        assert kinds["transcript"]["path"] == f"en/{entry['id']}.vtt"


def test_artifact_hashes_and_sizes_match_the_files(published: Published) -> None:
    artifacts = [
        a for r in published.manifest["releases"] for e in r["editions"].values() for a in e["artifacts"]
    ]
    artifacts += published.manifest["site"]
    assert artifacts
    for artifact in artifacts:
        assert not artifact["path"].startswith("/") and ".." not in artifact["path"].split("/")
        data = published.first[artifact["path"]]
        assert SHA_RE.match(artifact["sha256"])
        assert artifact["sha256"] == hashlib.sha256(data).hexdigest(), artifact["path"]
        assert artifact["bytes"] == len(data), artifact["path"]


def test_languages_without_model_or_memory_are_skipped_with_a_reason(published: Published) -> None:
    with_editions = set()
    for entry in published.manifest["releases"]:
        for lang, edition in entry["editions"].items():
            if lang == "en":
                continue
            if edition["status"] == "skipped":
                assert edition["reason"] and lang in edition["reason"], (lang, edition["reason"])
                assert edition["artifacts"] == [] and edition["segments"]["total"] == 0
            else:
                # Only the repository's approved translations (memory/) can publish here: no en->X model.
                assert edition["status"] == "published", (lang, edition)
                assert edition["segments"]["memory"] == edition["segments"]["total"] > 0
                assert edition["terms"]["pinned"] == edition["terms"]["expected"]
                with_editions.add(lang)
    memory_langs = {p.stem.split("-")[1] for p in (REPO / "memory").glob("en-*.xlf")}
    assert with_editions == memory_langs
    for lang in ("th", "km", "mn", "ru", "uz", "ne", "tl", "id", "my", "ja"):
        assert all(e["editions"][lang]["status"] == "skipped" for e in published.manifest["releases"]), lang
    # Every configured language has its own index (listing the releases not yet translated into it);
    # edition files exist only for the languages with editions.
    folders = {path.split("/")[0] for path in published.first if "/" in path}
    assert folders == {"assets"} | set(DEFAULT_LANGUAGES)
    with_files = {
        path.split("/")[0]
        for path in published.first
        if path.count("/") == 1 and not path.endswith("/index.html")
    }
    assert with_files - {"assets"} == {"en"} | with_editions


def test_report_and_site_pages_are_written(published: Published) -> None:
    assert {"manifest.json", "report.json", "index.html", "en/index.html", "assets/style.css"} <= set(
        published.first
    )
    report = json.loads(published.first["report.json"])
    assert len(report["editions"]) == 10 * len(DEFAULT_LANGUAGES)
    site = published.first["index.html"].decode()
    assert 'href="en/index.html"' in site
    index = published.first["en/index.html"].decode()
    for entry in published.manifest["releases"]:
        assert f'href="{entry["id"]}.html"' in index


def test_manifest_has_no_timestamps(published: Published) -> None:
    text = published.first["manifest.json"].decode()
    assert not re.search(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", text)
    assert not re.search(r"\b1[6-9]\d{8}\b", text)  # no epoch seconds


def test_publishing_twice_gives_identical_bytes(published: Published) -> None:
    assert published.again.keys() == published.first.keys()
    changed = [path for path in published.first if published.first[path] != published.again[path]]
    # Only the build report differs: the second build reports that it rebuilt nothing.
    assert changed == ["report.json"]
    first, again = (json.loads(p["report.json"]) for p in (published.first, published.again))
    assert all(e["built"] == ["new edition"] for e in first["editions"] if e["status"] != "skipped")
    assert all(e["built"] == [] for e in again["editions"])


def test_publishing_into_another_folder_gives_identical_bytes(published: Published) -> None:
    assert published.fresh.keys() == published.first.keys()
    changed = [path for path in published.first if published.first[path] != published.fresh[path]]
    assert changed == []


def test_html_pages_declare_their_language_and_escape_text(published: Published) -> None:
    for entry in published.manifest["releases"]:
        page = published.first[f"en/{entry['id']}.html"].decode()
        assert '<html lang="en"' in page
        scripts = re.findall(r"<script[^>]*>", page.lower())
        # structured data, and only the read-along script shipped with the package (same site, deferred)
        assert scripts[0] == '<script type="application/ld+json">'
        assert set(scripts[1:]) <= {'<script src="../assets/readalong.js" defer>'}
        assert f'href="{entry["id"]}.pdf"' in page
        title = entry["title"].replace("&", "&amp;")
        assert f'<h1 id="{entry["id"]}:title">{title}</h1>' in page


def test_pdfs_are_real_tagged_pdfs_with_the_title(published: Published) -> None:
    for entry in published.manifest["releases"]:
        path = published.out / "en" / f"{entry['id']}.pdf"
        assert path.read_bytes().startswith(b"%PDF-")
        reader = PdfReader(path)
        root = reader.trailer["/Root"]
        assert root["/Lang"] == "en"
        assert bool(root["/MarkInfo"]["/Marked"])
        assert "/StructTreeRoot" in root
        assert reader.metadata is not None and reader.metadata.title == entry["title"]
        text = " ".join((page.extract_text() or "") for page in reader.pages)
        assert " ".join(entry["title"].split()) in " ".join(text.split())


def test_published_pdfs_have_no_wall_clock_dates(published: Published) -> None:
    for entry in published.manifest["releases"]:
        reader = PdfReader(published.out / "en" / f"{entry['id']}.pdf")
        created = str(reader.metadata.get("/CreationDate", ""))
        assert created == "" or created.startswith("D:" + entry["date"].replace("-", ""))
