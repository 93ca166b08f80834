"""EPUB 3 talking books from real editions (approved translations in memory/, real espeak-ng speech),
checked the way publishers and libraries check them: epubcheck (0 errors, 0 warnings) and DAISY Ace
(0 violations), plus the overlay against the synthesis timings and byte-identical rebuilds."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import yaml
from lxml import etree

from ace_checker import ace
from ggmulti.config import load_config
from ggmulti.glossary.load import load_glossary
from ggmulti.ingest import ingest
from ggmulti.model import Origin, Release, Segment, TranslatedRelease, TranslatedSegment
from ggmulti.render.epub import (
    ACTIVE_CLASS,
    EpubAudio,
    EpubBook,
    EpubChapter,
    EpubClip,
    EpubLabels,
    EpubName,
    EpubSentence,
    epub_audio,
    epub_chapter,
    epub_edition,
)
from ggmulti.segment import segment_release, title_segment
from ggmulti.speech.espeak import EspeakEngine
from ggmulti.speech.stage import NoAudio, SpokenEdition, speak_editions

ROOT = Path(__file__).resolve().parents[1]
CONFIG = load_config(ROOT / "ggmulti.toml")
GLOSSARY = load_glossary(ROOT / "glossary")
RELEASES = {r.id: r for r in ingest([ROOT / "examples" / "releases"])}
CHILDCARE = "foreign-children-childcare-support-increase-2025"
INTERPRETERS = "interpretation-support-team-launch-2025"
LANGS = ("en", "vi", "zh", "lo", "hi")
# Quicker JVM start for a short-lived checker (C1 only, serial GC): ~2x faster on a busy machine.
EPUBCHECK = ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", "/usr/share/java/epubcheck.jar"]
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "smil": "http://www.w3.org/ns/SMIL",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# What the generator will take from the UI strings; written here in each language for the test books.
AUDIO_SUMMARIES = {
    "en": " A synchronized narration reads it aloud and highlights each sentence as it is read.",
    "vi": " Phần đọc đồng bộ đọc to văn bản và tô sáng từng câu đang được đọc.",
    "zh": "同步朗读会读出全文，并突出显示正在朗读的句子。",
    "hi": " साथ चलने वाला वाचन पाठ को पढ़ता है और पढ़े जा रहे हर वाक्य को हाइलाइट करता है।",
}
SUMMARIES = {
    "en": "The full text of the press release, with headings, a table of contents and a list of names.",
    "vi": "Toàn văn thông cáo báo chí, có tiêu đề, mục lục và danh sách tên riêng.",
    "zh": "新闻稿全文，包含标题、目录和名称列表。",
    "lo": "ເນື້ອໃນຂ່າວສານທັງໝົດ ພ້ອມຫົວຂໍ້ ແລະ ສາລະບານ.",
    "hi": "प्रेस विज्ञप्ति का पूरा पाठ, शीर्षकों, विषय सूची और नामों की सूची के साथ।",
}


def _memory(lang: str) -> dict[str, str]:
    """Approved translations by segment key, from the project's own XLIFF memory."""
    tree = etree.parse(str(ROOT / "memory" / f"en-{lang}.xlf"))
    out = {}
    for unit in tree.iter("{*}trans-unit"):
        note = unit.findtext("{*}note") or ""
        key = note.split("segment: ", 1)[1].split("\n", 1)[0]
        out[key] = unit.findtext("{*}target") or ""
    return out


def _translated(release: Release, lang: str, untranslated: frozenset[str] = frozenset()) -> TranslatedRelease:
    """The release in ``lang`` from memory; keys in ``untranslated`` stay English (a partial edition)."""
    memory = _memory(lang) if lang != "en" else {}

    def seg(segment: Segment) -> TranslatedSegment:
        source = segment.text
        if lang == "en":
            return TranslatedSegment(segment, source, "en", Origin.SOURCE)
        if segment.key in untranslated or segment.key not in memory:
            return TranslatedSegment(segment, source, "en", Origin.UNTRANSLATED)
        return TranslatedSegment(segment, memory[segment.key], lang, Origin.MEMORY)

    paras = tuple(tuple(seg(s) for s in para) for para in segment_release(release))
    return TranslatedRelease(release, lang, seg(title_segment(release)), paras)


def _names(tr: TranslatedRelease) -> tuple[EpubName, ...]:
    text = " ".join(s.text for s in [tr.title, *(s for p in tr.paragraphs for s in p)]).casefold()
    names = []
    for term in GLOSSARY.terms:
        shown, korean = term.forms.get(tr.lang), term.forms.get("ko")
        if shown and korean and shown.casefold() in text:
            names.append(EpubName(shown, korean, "ko"))
    return tuple(names)


def _labels(lang: str) -> EpubLabels:
    ui = yaml.safe_load((ROOT / "src" / "ggmulti" / "templates" / "ui.yaml").read_text(encoding="utf-8"))
    own = {**ui["en"], **ui.get(lang, {})}
    return EpubLabels(own["contents"], own["names"], own["name_col"], own["korean_col"])


def _tag(code: str) -> str:
    return CONFIG.language(code).bcp47


def _book(lang: str, editions: list[tuple[TranslatedRelease, SpokenEdition | None]], ident: str) -> EpubBook:
    chapters = tuple(
        epub_chapter(
            tr,
            _tag,
            names=_names(tr),
            audio=epub_audio(spoken.audio.mp3, spoken.timings) if spoken else None,
            notice="Some sentences are not translated yet."
            if any(s.origin is Origin.UNTRANSLATED for p in tr.paragraphs for s in p)
            else None,
        )
        for tr, spoken in editions
    )
    first = editions[0][0]
    dates = sorted(tr.release.date for tr, _ in editions if tr.release.date)
    return EpubBook(
        identifier=f"urn:ggmulti:{ident}:{lang}",
        title=first.title.text
        if len(editions) == 1
        else f"Gyeonggi Province press releases {dates[0]} – {dates[-1]}",
        language=_tag(lang),
        publisher=CONFIG.publisher.name,
        publisher_lang=None if lang == "en" else "en",
        date=dates[-1],
        modified=f"{dates[-1]}T00:00:00Z",
        accessibility_summary=SUMMARIES[lang]
        + (AUDIO_SUMMARIES[lang] if any(s for _, s in editions) else ""),
        chapters=chapters,
        labels=_labels(lang),
    )


@dataclass(frozen=True)
class Built:
    name: str
    lang: str
    book: EpubBook
    data: bytes
    path: Path
    editions: tuple[tuple[TranslatedRelease, SpokenEdition | None], ...]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Built]]:
    childcare, interpreters = RELEASES[CHILDCARE], RELEASES[INTERPRETERS]
    vi_partial = frozenset({f"{CHILDCARE}:p1:s1"})
    editions = {
        lang: _translated(childcare, lang, vi_partial if lang == "vi" else frozenset()) for lang in LANGS
    }
    second = _translated(interpreters, "zh")
    with EspeakEngine() as engine:
        spoken = speak_editions(CONFIG, GLOSSARY, [*editions.values(), second], engine)
    audio = {key: s for key, s in spoken.items() if isinstance(s, SpokenEdition)}
    assert isinstance(spoken[(CHILDCARE, "lo")], NoAudio)  # no Lao voice: the Lao book is text only
    plan: dict[str, tuple[str, list[tuple[TranslatedRelease, SpokenEdition | None]], str]] = {
        lang: (lang, [(editions[lang], audio.get((CHILDCARE, lang)))], CHILDCARE) for lang in LANGS
    }
    plan["vi-text"] = ("vi", [(editions["vi"], None)], CHILDCARE)
    plan["zh-bundle"] = (
        "zh",
        [(editions["zh"], audio[(CHILDCARE, "zh")]), (second, audio[(INTERPRETERS, "zh")])],
        "2025-09",
    )
    out = tmp_path_factory.mktemp("epub")
    books = {}
    for name, (lang, chapters, ident) in plan.items():
        book = _book(lang, chapters, ident)
        data = epub_edition(book)
        path = out / f"{name}.epub"
        path.write_bytes(data)
        books[name] = Built(name, lang, book, data, path, tuple(chapters))
    yield books


def _epubcheck(path: Path) -> dict[str, object]:
    out = path.with_suffix(".epubcheck.json")
    run = subprocess.run(
        [*EPUBCHECK, "--json", str(out), str(path)], capture_output=True, text=True, timeout=300
    )
    report: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    report["exit"] = run.returncode
    return report


def test_epubcheck_finds_no_errors_and_no_warnings(built: dict[str, Built]) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = dict(zip(built, pool.map(_epubcheck, [b.path for b in built.values()]), strict=True))
    for name, report in reports.items():
        checker = report["checker"]
        assert isinstance(checker, dict)
        assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0), (
            name,
            report["messages"],
        )
        assert report["exit"] == 0, name
    assert {b.lang for b in built.values()} == set(LANGS)


def test_ace_finds_no_violations_in_any_language(built: dict[str, Built], tmp_path: Path) -> None:
    for lang in LANGS:
        report, violations = ace(built[lang].path, tmp_path / lang)
        assert violations == [], lang
        assert report["earl:result"]["earl:outcome"] == "pass", lang
        assert not report["a11y-metadata"]["empty"]
        # Ace read the content documents: their headings are in its outline.
        assert built[lang].book.chapters[0].title.text in report["outlines"]["headings"], lang


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def _xml(archive: zipfile.ZipFile, name: str) -> etree._Element:
    return etree.fromstring(archive.read(name))


def _clock(value: str) -> float:
    return sum(float(x) * m for x, m in zip(value.split(":"), (3600, 60, 1), strict=True))


def test_each_overlay_has_a_par_per_sentence_at_the_synthesis_times(built: dict[str, Built]) -> None:
    for name in ("en", "vi", "zh", "hi", "zh-bundle"):
        b = built[name]
        archive = _zip(b.data)
        for n, (tr, spoken) in enumerate(b.editions, start=1):
            assert spoken is not None
            segments = [tr.title, *(s for p in tr.paragraphs for s in p)]
            smil = _xml(archive, f"EPUB/c{n}.smil")
            pars = smil.findall(".//smil:par", NS)
            assert len(pars) == len(segments) == len(spoken.timings), name
            page = _xml(archive, f"EPUB/c{n}.xhtml")
            for par, seg, timing in zip(pars, segments, spoken.timings, strict=True):
                text, audio = par.find("smil:text", NS), par.find("smil:audio", NS)
                assert text is not None and audio is not None
                fragment = text.get("src", "").split("#")[1]
                (element,) = page.xpath(f"//*[@id='{fragment}']")
                assert "".join(element.itertext()) == seg.text  # the element read is the sentence
                assert timing.key == seg.segment.key
                assert audio.get("src") == f"audio/c{n}.mp3"
                assert abs(_clock(audio.get("clipBegin", "")) - timing.start) <= 0.0005
                assert abs(_clock(audio.get("clipEnd", "")) - timing.end) <= 0.0005
            assert archive.read(f"EPUB/audio/c{n}.mp3") == spoken.audio.mp3


def test_each_clip_starts_where_the_mp3_inside_is_heard_to_start_the_sentence(
    built: dict[str, Built],
) -> None:
    """Decoded as a reading app plays it: quiet just before every clipBegin, speech within 100 ms after."""
    archive = _zip(built["vi"].data)
    pcm = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", "-", "-f", "s16le", "-ac", "1", "-ar", "22050", "-"],
        input=archive.read("EPUB/audio/c1.mp3"),
        capture_output=True,
        check=True,
    ).stdout
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    loud = np.flatnonzero(np.abs(samples) > 1500) / 22050  # seconds where the voice is clearly heard
    smil = _xml(archive, "EPUB/c1.smil")
    for audio in smil.findall(".//smil:audio", NS):
        begin = _clock(audio.get("clipBegin", ""))
        before = loud[(loud > begin - 0.25) & (loud < begin - 0.02)]
        assert before.size == 0, (begin, before[:3])
        onset = loud[loud >= begin - 0.02]
        assert onset.size and onset[0] - begin < 0.1, (begin, onset[:1])


def test_package_metadata_and_overlay_durations(built: dict[str, Built]) -> None:
    for b in built.values():
        archive = _zip(b.data)
        opf = _xml(archive, "EPUB/package.opf")
        meta: dict[str, list[str]] = {}
        for el in opf.findall("opf:metadata/opf:meta", NS):
            key = el.get("property", "") + (f"@{el.get('refines')}" if el.get("refines") else "")
            meta.setdefault(key, []).append(el.text or "")
        assert opf.findtext("opf:metadata/dc:language", namespaces=NS) == b.book.language
        assert opf.get(XML_LANG) == b.book.language and opf.get("dir") == "ltr"
        assert opf.findtext("opf:metadata/dc:identifier", namespaces=NS) == b.book.identifier
        assert opf.findtext("opf:metadata/dc:publisher", namespaces=NS) == "Gyeonggi Province"
        assert meta["dcterms:modified"] == [b.book.modified]
        has_audio = any(s for _, s in b.editions)
        assert meta["schema:accessMode"] == (["textual", "auditory"] if has_audio else ["textual"])
        assert meta["schema:accessModeSufficient"] == ["textual"]
        features = set(meta["schema:accessibilityFeature"])
        assert features >= {
            "structuralNavigation",
            "tableOfContents",
            "readingOrder",
            "displayTransformability",
        }
        assert ("synchronizedAudioText" in features) == has_audio
        assert meta["schema:accessibilityHazard"] == ["none"]
        assert meta["schema:accessibilitySummary"] == [b.book.accessibility_summary]
        assert meta["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
        if not has_audio:
            assert not any(k.startswith("media:") for k in meta)
            assert not [n for n in archive.namelist() if n.endswith((".smil", ".mp3"))]
            continue
        assert meta["media:active-class"] == [ACTIVE_CLASS]
        assert f".{ACTIVE_CLASS} {{" in archive.read("EPUB/style.css").decode()
        per_item = []
        for n in range(1, len(b.editions) + 1):
            (duration,) = meta[f"media:duration@#mo-{n}"]
            pars = _xml(archive, f"EPUB/c{n}.smil").findall(".//smil:audio", NS)
            spoken_ms = sum(
                round((_clock(a.get("clipEnd", "")) - _clock(a.get("clipBegin", ""))) * 1000) for a in pars
            )
            assert round(_clock(duration) * 1000) == spoken_ms
            per_item.append(spoken_ms)
        (total,) = meta["media:duration"]
        assert round(_clock(total) * 1000) == sum(per_item)


def test_content_marks_languages_untranslated_sentences_and_korean_names(built: dict[str, Built]) -> None:
    archive = _zip(built["vi"].data)
    page = _xml(archive, "EPUB/c1.xhtml")
    assert page.get("lang") == page.get(XML_LANG) == "vi" and page.get("dir") == "ltr"
    (english,) = page.xpath("//x:span[@class='untranslated']", namespaces=NS)
    assert english.get("lang") == english.get(XML_LANG) == "en"
    assert english.get("id") == f"s-{CHILDCARE}.p1.s1"
    korean = page.xpath("//x:table[@class='names']//x:td[@lang]", namespaces=NS)
    assert ("ko", "ko", "경기도") in [(td.get("lang"), td.get(XML_LANG), td.text) for td in korean]
    assert page.xpath("//x:h2/text()", namespaces=NS) == ["Tên riêng trong bản tin"]
    assert page.findtext(".//x:p[@class='notice']", namespaces=NS) == "Some sentences are not translated yet."
    # Chinese sentences are written without a space between them, other languages with one.
    zh = _xml(_zip(built["zh"].data), "EPUB/c1.xhtml")
    first = zh.xpath("//x:section/x:p[not(@class)]", namespaces=NS)[0]
    assert " " not in "".join(first.itertext())
    en = _xml(_zip(built["en"].data), "EPUB/c1.xhtml")
    assert ". The amount" in "".join(en.xpath("//x:section/x:p[not(@class)]", namespaces=NS)[0].itertext())
    # The bundle: one chapter per release, the contents first in reading order.
    bundle = _zip(built["zh-bundle"].data)
    opf = _xml(bundle, "EPUB/package.opf")
    assert [i.get("idref") for i in opf.findall("opf:spine/opf:itemref", NS)] == ["nav", "c1", "c2"]
    nav = _xml(bundle, "EPUB/nav.xhtml")
    assert len(nav.xpath("//x:nav[@id='toc']//x:li", namespaces=NS)) == 2


def test_two_builds_give_the_same_bytes_and_a_conforming_container(built: dict[str, Built]) -> None:
    for b in built.values():
        assert epub_edition(b.book) == b.data
        archive = _zip(b.data)
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert b.data[30:38] == b"mimetype" and archive.read("mimetype") == b"application/epub+zip"
        assert not first.extra
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_values_that_cannot_be_packaged_are_refused_by_name() -> None:
    title = EpubSentence("s-r.title", "Title")
    base = EpubBook(
        identifier="urn:ggmulti:r:en",
        title="Title",
        language="en",
        publisher="Gyeonggi Province",
        date="2025-10-02",
        modified="2025-10-02T00:00:00Z",
        accessibility_summary="Text.",
        chapters=(EpubChapter(title, ((EpubSentence("s-r.p0.s0", "One."),),)),),
    )
    epub_edition(base)  # valid as it stands
    cases = [
        (EpubChapter(title, ((EpubSentence("s-r.title", "Twice."),),)), "used twice"),
        (EpubChapter(title, ((EpubSentence("r:p0:s0", "Colon."),),)), "is not an XML id"),
        (EpubChapter(title, (), audio=EpubAudio(b"x", (EpubClip("s-r.p9", 0.0, 1.0),))), "unknown sentence"),
        (
            EpubChapter(title, (), audio=EpubAudio(b"x", (EpubClip("s-r.title", 1.0, 1.0),))),
            "empty or out of order",
        ),
    ]
    for chapter, message in cases:
        with pytest.raises(ValueError, match=message):
            epub_edition(EpubBook(**{**base.__dict__, "chapters": (chapter,)}))
    with pytest.raises(ValueError, match="empty accessibility summary"):  # Ace's violation otherwise
        epub_edition(EpubBook(**{**base.__dict__, "accessibility_summary": " "}))
    with pytest.raises(ValueError, match="urn:ggmulti:r:en: modified"):
        epub_edition(EpubBook(**{**base.__dict__, "modified": "2025-10-02"}))
