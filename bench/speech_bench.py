"""Speech: real-time factor of synthesis + encoding (target < 0.02) against espeak-ng alone, and sizes.

Per language, the sentences of the sample releases that have approved translations (English: the
sources) are spoken one request each in one worker session, as publish does (so each sentence's
timing is exact); encoding is timed on the same speech.
Worker start-up (~0.1 s per edition) is reported separately.
"""

from __future__ import annotations

import time
from pathlib import Path

from ggmulti.config import load_config
from ggmulti.glossary.load import load_glossary
from ggmulti.model import TranslatedRelease
from ggmulti.publish import build_resources, check_sources
from ggmulti.speech.encode import SpokenParagraph, SpokenSentence, Tags, encode_edition
from ggmulti.speech.espeak import EspeakEngine
from ggmulti.speech.stage import join_sentences
from ggmulti.translate.stage import TranslationStage

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("en", "vi", "zh", "hi")
RELEASES = 2  # editions per language


def _editions() -> dict[str, list[list[list[tuple[str, str]]]]]:
    config = load_config(ROOT / "ggmulti.toml")
    releases, _ = check_sources(config, [ROOT / "examples" / "releases"])
    glossary = load_glossary(config.glossary_dir)
    texts: dict[str, list[list[list[tuple[str, str]]]]] = {}  # lang -> editions -> paragraphs -> (key, text)
    with build_resources(config, glossary, {"en"}, LANGS) as resources:
        stage = TranslationStage(resources)
        for lang in LANGS:
            done = [t for t in stage.run(releases, lang).values() if isinstance(t, TranslatedRelease)]
            for tr in done[:RELEASES]:
                paragraphs = [[tr.title], *tr.paragraphs]
                texts.setdefault(lang, []).append(
                    [[(s.segment.key, s.text) for s in p] for p in paragraphs if p]
                )
    return texts


def run() -> list[dict[str, object]]:
    config = load_config(ROOT / "ggmulti.toml")
    rows: list[dict[str, object]] = []
    total = {"audio": 0.0, "synth": 0.0, "encode": 0.0, "start": 0.0, "bytes": 0}
    with EspeakEngine() as engine:
        engine.version  # noqa: B018 (probe worker started outside the timings)
        texts = _editions()
        for lang, editions in texts.items():
            cfg = config.language(lang)
            audio = synth = encode = start = 0.0
            size = 0
            for paragraphs in editions:
                t0 = time.perf_counter()
                with engine.session() as session:
                    voice = session.voice(lang, cfg.voice, cfg.rate)
                    t1 = time.perf_counter()
                    spoken = [
                        SpokenParagraph(
                            join_sentences([text for _, text in p]),
                            tuple(SpokenSentence(key, text, voice.speak(text)) for key, text in p),
                        )
                        for p in paragraphs
                    ]
                    t2 = time.perf_counter()
                encoded = encode_edition(
                    spoken, Tags(spoken[0].text, "Gyeonggi Province", "bench", lang, None)
                )
                t3 = time.perf_counter()
                start += t1 - t0
                synth += t2 - t1
                encode += t3 - t2
                audio += encoded.seconds
                size += len(encoded.mp3)
            rows += [
                {
                    "case": lang,
                    "metric": "audio",
                    "value": audio,
                    "unit": "s",
                    "note": f"{len(editions)} editions, {sum(len(p) for e in editions for p in e)} sentences",
                },
                {
                    "case": lang,
                    "metric": "RTF espeak alone",
                    "value": synth / audio,
                    "unit": "",
                    "note": "worker",
                },
                {"case": lang, "metric": "RTF encode (MP3+ID3+VTT)", "value": encode / audio, "unit": ""},
                {
                    "case": lang,
                    "metric": "RTF synth + encode",
                    "value": (synth + encode) / audio,
                    "unit": "",
                    "note": "target < 0.02",
                },
                {"case": lang, "metric": "MP3 size", "value": size / 1024 / (audio / 60), "unit": "KiB/min"},
            ]
            for key, value in (("audio", audio), ("synth", synth), ("encode", encode), ("start", start)):
                total[key] += value
            total["bytes"] += size
    n = sum(len(e) for e in texts.values())
    rows += [
        {
            "case": "all",
            "metric": "RTF synth + encode",
            "value": (total["synth"] + total["encode"]) / total["audio"],
            "unit": "",
            "note": "target < 0.02",
        },
        {
            "case": "all",
            "metric": "RTF incl. worker start",
            "value": sum(total[k] for k in ("synth", "encode", "start")) / total["audio"],
            "unit": "",
            "note": f"{n} editions, one worker each",
        },
        {"case": "all", "metric": "worker start", "value": total["start"] / n, "unit": "s/edition"},
    ]
    return rows
