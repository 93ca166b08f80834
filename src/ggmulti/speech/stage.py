"""The speech stage: translated editions -> tagged MP3 + WebVTT, or the reason an edition has no audio.

Each sentence (segment) is synthesized on its own, by the voice of the language it is written in (an
untranslated English sentence in a partial edition is read by the English voice), so its start and end
in the MP3 are exact sample offsets: captions, chapters and EPUB media overlays use them without any
alignment. Glossary terms are read as their spoken form. An edition whose text includes a language without a usable voice gets no audio.
Editions are synthesized in parallel, each in its own worker process, so the bytes of an edition do
not depend on scheduling.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..config import Config, LanguageConfig
from ..errors import EngineUnavailable
from ..glossary.match import Matcher, normalise
from ..glossary.model import Glossary, Term
from ..model import TranslatedRelease, TranslatedSegment, closing_key
from ..publisher import publisher_name
from ..segment import join_sentences
from .encode import (
    MULTIPLE,
    EncodedAudio,
    SentenceTiming,
    SpokenParagraph,
    SpokenSentence,
    Tags,
    encode_edition,
)
from .espeak import EspeakEngine, EspeakSession
from .voice import unusable_reason


@dataclass(frozen=True)
class SpokenEdition:
    audio: EncodedAudio
    voices: tuple[str, ...]  # what spoke, for the build report

    @property
    def timings(self) -> tuple[SentenceTiming, ...]:
        """Each sentence's segment key, written text, start and end (s) in the MP3, title first."""
        return self.audio.timings


@dataclass(frozen=True)
class NoAudio:
    reason: str  # a note for the manifest and build report, starting "no audio: "


class SpokenForms:
    """Replaces approved glossary forms in text of one language with their spoken form there."""

    def __init__(self, glossary: Glossary, source_lang: str, lang: str) -> None:
        self.lang = lang
        terms: list[Term] = []
        self._spoken: dict[str, tuple[str, str]] = {}  # term id -> (approved form, spoken form)
        for term in glossary.terms:
            said = term.spoken.get(lang)
            form = term.target_form(source_lang, lang)
            if said and form and said != form:
                terms.append(Term(id=term.id, kind=term.kind, forms={lang: form}))
                self._spoken[term.id] = (form, said)
        self._matcher = Matcher(Glossary(tuple(terms)), lang)

    def apply(self, text: str) -> str:
        out: list[str] = []
        at = 0
        for hit in self._matcher.find(text):
            form, said = self._spoken[hit.term_id]
            head = hit.surface[: len(form)]
            # An English plural ending matched with the form stays after the spoken form.
            tail = (
                hit.surface[len(form) :] if normalise(head, self.lang) == normalise(form, self.lang) else ""
            )
            out += [text[at : hit.start], said, tail]
            at = hit.end
        out.append(text[at:])
        return "".join(out)


@dataclass(frozen=True)
class _Sentence:
    key: str  # segment key
    lang: str  # the voice that reads it
    written: str
    said: str  # with glossary spoken forms


@dataclass(frozen=True)
class _Paragraph:
    written: str
    sentences: tuple[_Sentence, ...]


@dataclass(frozen=True)
class _Job:
    key: tuple[str, str]
    paragraphs: tuple[_Paragraph, ...]
    voices: Mapping[str, LanguageConfig]
    tags: Tags
    lang: str = ""  # the edition's language: its voice says the notice (tags.comment) first


def _paragraph(segments: Sequence[TranslatedSegment], forms: Mapping[str, SpokenForms]) -> _Paragraph:
    sentences = tuple(_Sentence(s.segment.key, s.lang, s.text, forms[s.lang].apply(s.text)) for s in segments)
    return _Paragraph(join_sentences([s.text for s in segments]), sentences)


def _run(engine: EspeakEngine, job: _Job) -> tuple[tuple[str, str], SpokenEdition]:
    with engine.session() as session:
        return job.key, _speak(session, job)


def _speak(session: EspeakSession, job: _Job) -> SpokenEdition:
    voices = {lang: session.voice(lang, cfg.voice, cfg.rate) for lang, cfg in job.voices.items()}
    spoken = [
        SpokenParagraph(
            para.written,
            tuple(SpokenSentence(s.key, s.written, voices[s.lang].speak(s.said)) for s in para.sentences),
        )
        for para in job.paragraphs
    ]
    voice = voices.get(job.lang)
    preamble = voice.speak(job.tags.comment) if job.tags.comment and voice is not None else None
    audio = encode_edition(spoken, job.tags, preamble)
    return SpokenEdition(audio, tuple(v.description for v in voices.values()))


def speak_editions(
    config: Config,
    glossary: Glossary,
    editions: Sequence[TranslatedRelease],
    engine: EspeakEngine,
    workers: int = 2,
    closing: Mapping[str, tuple[str, str]] | None = None,
    comments: Mapping[tuple[str, str], str] | None = None,
) -> dict[tuple[str, str], SpokenEdition | NoAudio]:
    """Audio per (release id, language), or why there is none (no voice exists, or a known-broken one).

    ``closing``: per language, a last paragraph (as written, as said) read after the release in that
    language's voice (the help line, [publisher.help]); its cue id is ``closing_key(release id)``.

    Raises EngineUnavailable, before any synthesis, for a configured voice the engine does not have
    (a broken install or a typo in ggmulti.toml), and when a voice misbehaves (hangs, returns early,
    speaks with another voice)."""
    results: dict[tuple[str, str], SpokenEdition | NoAudio] = {}
    problems: dict[str, str | None] = {}
    forms: dict[tuple[str, str], SpokenForms] = {}
    jobs: list[_Job] = []
    for tr in editions:
        key = (tr.release.id, tr.lang)
        segments = list(tr.segments)
        langs = sorted({s.lang for s in segments})
        missing = []
        for lang in langs:
            if lang not in problems:
                cfg = config.languages.get(lang)
                problems[lang] = engine.problem(lang, cfg.voice if cfg else None, cfg.name if cfg else None)
                if cfg and cfg.voice and problems[lang] and not unusable_reason(cfg.voice):
                    raise EngineUnavailable(f"speech [{lang}]: {problems[lang]}")
            if problems[lang] is not None:
                missing.append(str(problems[lang]))
        if missing:
            results[key] = NoAudio(f"no audio: {'; '.join(missing)}")
            continue
        src = tr.release.source_lang
        for lang in langs:
            forms.setdefault((src, lang), SpokenForms(glossary, src, lang))
        by_lang = {lang: forms[(src, lang)] for lang in langs}
        paragraphs = tuple(_paragraph(p, by_lang) for p in ((tr.title,), *tr.paragraphs) if p)
        last = (closing or {}).get(tr.lang)
        if last is not None and tr.lang in langs:  # only in a voice the edition already speaks with
            written, said = last
            help_line = _Sentence(closing_key(tr.release.id), tr.lang, written, said)
            paragraphs += (_Paragraph(written, (help_line,)),)
        cfg = config.language(tr.lang)
        heard = spoken_language(tr)
        tags = Tags(
            title=tr.title.text,
            artist=publisher_name(config, glossary, tr.lang).alone,
            album=f"{config.publisher.site_title} ({cfg.native_name})",
            lang=config.language(heard).bcp47 if heard in config.languages else heard,
            date=tr.release.date,
            comment=(comments or {}).get(key, ""),
        )
        jobs.append(_Job(key, paragraphs, {lang: config.language(lang) for lang in langs}, tags, tr.lang))
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for key, spoken in pool.map(lambda job: _run(engine, job), jobs):
            results[key] = spoken
    return results


def spoken_language(tr: TranslatedRelease) -> str:
    """The language that speaks most of an edition (by characters; "mul" when none does): the MP3's
    language tag, which is the edition's language only when most of what it says is."""
    heard = Counter[str]()
    for seg in tr.segments:
        heard[seg.lang] += len(seg.text)
    total = sum(heard.values())
    lang, count = max(heard.items(), key=lambda kv: (kv[1], kv[0] == tr.lang), default=(tr.lang, 0))
    return lang if total == 0 or count * 2 > total else MULTIPLE
