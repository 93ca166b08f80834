"""Publishing the sample corpus with audio: MP3 + WebVTT for every edition with a voice, none for Lao
with the reason recorded, a valid feed per language, an audio player on the release page."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ggmulti.config import load_config
from ggmulti.publish import PublishOptions, publish
from test_speech_feeds import validate_rss

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "releases"
LANGS = ("vi", "zh", "lo", "hi")
TLAN = {"vi": "vie", "zh": "zho", "hi": "hin"}
# Languages with approved translations in memory/ and a voice: hi joined when memory/en-hi.xlf landed.
SPOKEN = tuple(lang for lang in ("vi", "zh", "hi") if (ROOT / "memory" / f"en-{lang}.xlf").exists())


@dataclass
class Published:
    out: Path
    manifest: dict[str, Any]
    report: dict[str, Any]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    models = tmp_path_factory.mktemp("no-models")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GGMULTI_MODELS_DIR", str(models))
        mp.setenv("ARGOS_PACKAGES_DIR", str(models))
        out = tmp_path_factory.mktemp("spoken") / "out"
        config = load_config(ROOT / "ggmulti.toml")
        options = PublishOptions(sources=(SAMPLES,), out=out, languages=LANGS, formats=("html", "audio"))
        publish(config, options)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        yield Published(out, manifest, json.loads((out / "report.json").read_text(encoding="utf-8")))


def _editions(p: Published, lang: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (r["id"], r["editions"][lang])
        for r in p.manifest["releases"]
        if r["editions"][lang]["status"] in ("published", "partial")
    ]


def test_every_edition_with_a_voice_has_audio_and_a_transcript(published: Published) -> None:
    assert set(SPOKEN) >= {"vi", "zh"}
    for lang in SPOKEN:
        editions = _editions(published, lang)
        assert len(editions) >= 4, lang
        for rid, ed in editions:
            kinds = {a["kind"]: a for a in ed["artifacts"]}
            assert kinds["audio"]["path"] == f"{lang}/{rid}.mp3"
            assert kinds["transcript"]["path"] == f"{lang}/{rid}.vtt"
            for a in (kinds["audio"], kinds["transcript"]):
                assert (published.out / a["path"]).stat().st_size == a["bytes"]
            assert not any(n.startswith("no audio") for n in ed["notes"])


def test_ffprobe_shows_duration_language_and_a_chapter_per_paragraph(published: Published) -> None:
    for lang in SPOKEN:
        rid, _ed = _editions(published, lang)[0]
        mp3 = published.out / lang / f"{rid}.mp3"
        info = json.loads(
            subprocess.run(
                ["ffprobe", "-v", "error", "-show_format", "-show_chapters", "-of", "json", str(mp3)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        assert float(info["format"]["duration"]) > 20
        assert info["format"]["tags"]["language"] == TLAN[lang]
        vtt = (published.out / lang / f"{rid}.vtt").read_text(encoding="utf-8")
        blocks = vtt.strip().split("\n\n")[1:]
        assert blocks[0].startswith("NOTE ")  # what listeners are told (synthetic voice, machine, ...)
        cues = [c.split("\n") for c in blocks if not c.startswith("NOTE")]
        # The title is read first, then each paragraph: one chapter each, and one cue per sentence
        # (identified by its segment key), none longer than 15 s.
        page = (published.out / lang / f"{rid}.html").read_text(encoding="utf-8")
        paragraphs = (
            page.split("<article>")[1].split("</article>")[0].count("<p>")
        )  # the meta line is <p class>
        # ... and last the help line of [publisher.help] (ggmulti.toml names Danuri), in the edition's voice
        assert len(info["chapters"]) == 1 + paragraphs + 1 >= 4
        keys = [ident for ident, _timing, _text in cues]
        assert keys[0] == f"{rid}:title" and len(cues) > len(info["chapters"])
        assert keys[-1] == f"{rid}:help" and "1577-1366" in cues[-1][2]
        assert len({k.split(":")[1] for k in keys}) == len(info["chapters"])
        for _ident, timing, _text in cues:
            start, end = (
                sum(float(x) * m for x, m in zip(t.split(":"), (3600, 60, 1), strict=True))
                for t in timing.split(" --> ")
            )
            assert 0 < end - start <= 15.0


def test_lao_has_no_audio_and_says_why(published: Published) -> None:
    editions = _editions(published, "lo")
    assert editions, "the Lao memory should publish some editions"
    reason = "no audio: no espeak-ng voice exists for Lao (lo)"
    for rid, ed in editions:
        assert reason in ed["notes"]
        assert {a["kind"] for a in ed["artifacts"]} == {"html", "data"}  # no audio, no transcript
        assert not (published.out / "lo" / f"{rid}.mp3").exists()
    reported = [e for e in published.report["editions"] if e["lang"] == "lo" and e["status"] != "skipped"]
    assert reported and all(reason in e["notes"] for e in reported)
    assert not (published.out / "lo" / "feed.xml").exists()


def test_feeds_validate_and_enclosures_match_the_files(published: Published) -> None:
    site = {a["path"]: a for a in published.manifest["site"]}
    for lang in SPOKEN:
        entry = site[f"{lang}/feed.xml"]
        assert entry["kind"] == "feed"
        data = (published.out / lang / "feed.xml").read_bytes()
        assert len(data) == entry["bytes"]
        channel = validate_rss(data).find("channel")
        assert channel is not None
        items = channel.findall("item")
        assert len(items) == len(_editions(published, lang))
        for item in items:
            enclosure = item.find("enclosure")
            assert enclosure is not None
            # Links are absolute under [publisher] url (feeds need full URLs); map back to the file.
            url = enclosure.get("url", "")
            assert url.startswith(f"http://localhost:8000/{lang}/"), url
            mp3 = published.out / url.removeprefix("http://localhost:8000/")
            assert int(enclosure.get("length", "0")) == mp3.stat().st_size


def test_the_release_page_offers_the_audio_and_its_transcript(published: Published) -> None:
    rid, _ed = _editions(published, "vi")[0]
    page = (published.out / "vi" / f"{rid}.html").read_text(encoding="utf-8")
    assert f'<audio controls preload="none" src="{rid}.mp3" data-readalong>' in page
    assert f'<track kind="captions" src="{rid}.vtt" srclang="vi"' in page  # the read-along's cues
    # readers are offered the transcript as a page, not the raw .vtt; it links the .vtt as a file
    assert f'<a href="{rid}.vtt"' not in page and f'<a href="{rid}.transcript.html">' in page
    transcript = (published.out / "vi" / f"{rid}.transcript.html").read_text(encoding="utf-8")
    assert f'<a href="{rid}.vtt" type="text/vtt">' in transcript and f'<a href="{rid}.html">' in transcript
    # listen first: the player comes before the first sentence of the text
    assert page.index("<audio") < page.index(f'id="{rid}:p0:s0"')
    lo_rid, _ = _editions(published, "lo")[0]
    assert "<audio" not in (published.out / "lo" / f"{lo_rid}.html").read_text(encoding="utf-8")


def test_language_index_links_its_feed_only_where_there_is_audio(published: Published) -> None:
    vi = (published.out / "vi" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" type="application/rss+xml" href="feed.xml"' in vi
    assert '<a href="feed.xml" type="application/rss+xml">' in vi
    assert "feed.xml" not in (published.out / "lo" / "index.html").read_text(encoding="utf-8")
