"""HTML rendering with Jinja2 (autoescaping on): release pages, per-language indexes, the site index."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    select_autoescape,
)
from markupsafe import Markup, escape

from .. import dates
from ..config import Config, LanguageConfig, builtin_language
from ..dates import babel_locale
from ..errors import ConfigError
from ..glossary.model import Glossary
from ..languages import traits
from ..model import Origin, TranslatedRelease, TranslatedSegment, closing_key
from ..publisher import Name, publisher_name
from ..readpolicy import read_text
from ..segment import separator
from .linebreak import DICTIONARY_SCRIPTS, WordBreaker
from .units import plural_category

UI_FILE = "ui.yaml"
FALLBACK_UI_LANG = "en"


@dataclass(frozen=True)
class Link:
    href: str
    label: Markup  # an interface string, already escaped (may carry lang="en" when not yet translated)
    type: str
    size: str = ""  # the file's size as the reader writes it ("312 kB"): readers on phone plans choose


@dataclass(frozen=True)
class AudioLink:
    """The edition's audio as the release page offers it (hrefs relative to the page).

    ``transcript_href`` is the WebVTT the player's <track> reads (its cue ids are the sentences' ids on the
    page, which the read-along script follows); readers are offered ``page_href``, the transcript as HTML.
    """

    href: str
    transcript_href: str
    type: str = "audio/mpeg"
    page_href: str = ""
    duration: str = ""  # "3:07"
    duration_iso: str = ""  # "PT3M7S", for <time datetime>
    size: str = ""


@dataclass(frozen=True)
class BundleEntry:
    """One release in a language bundle's index page (hrefs relative to the zip's root)."""

    title: str
    title_lang_tag: str
    date: str | None
    pdf: str | None
    audio: str | None = None
    transcript: str | None = None
    pdf_size: str = ""
    audio_size: str = ""
    label: str = ""  # machine, mixed, partial: in the bundle's language


@dataclass(frozen=True)
class SegmentView:
    """A sentence as a page shows it: marked with its language when it differs from the page's."""

    text: str
    lang: str
    lang_tag: str
    origin: str
    sep: str = ""  # what follows it in its paragraph
    # (text, is a glossary name): in scripts without word spaces a name is kept on one line
    parts: tuple[tuple[str, bool], ...] = ()
    id: str = ""  # the segment key: the id of the sentence's WebVTT cue, so the page can follow the audio


@dataclass(frozen=True)
class TranscriptLine:
    """One sentence of a transcript page, with the time it is heard at ("0:07", "PT7S")."""

    at: str
    at_iso: str
    segment: SegmentView


@dataclass(frozen=True)
class HelpView:
    """The help line as a page shows it, in the page's language (the number a tel: link)."""

    text: Markup
    hours: Markup


@dataclass(frozen=True)
class Chrome:
    lang: LanguageConfig
    root: str  # from the page to the output folder ("../" or "")
    ui: dict[str, Markup]
    site_title: str
    site_title_html: Markup
    publisher_html: Markup
    publisher: str
    help: HelpView | None = None
    description: str = ""  # the page's <meta name="description">, in its language


@dataclass(frozen=True)
class NameNote:
    """A glossary name as the page shows it, with its original (Korean) form and that form's tag."""

    name: str
    original: str
    original_tag: str


@dataclass(frozen=True)
class ReleaseView:
    title: SegmentView
    date: str | None  # ISO, for <time datetime>
    date_text: str | None  # as the reader writes it
    machine: bool  # some sentences come from machine translation: the page says so
    source_url: str | None
    untranslated: bool
    paragraphs: tuple[tuple[SegmentView, ...], ...]
    names: tuple[NameNote, ...]
    anchor: str = ""  # its id in a bundle


@dataclass(frozen=True)
class PageMeta:
    """What a release page tells machines: JSON-LD (schema.org NewsArticle) and OpenGraph."""

    json_ld: Mapping[str, object]  # written with |tojson (HTML-safe)
    title: str
    description: str
    locale: str  # OpenGraph form: vi, zh_Hans
    alternate_locales: tuple[str, ...]
    url: str | None
    site_name: str
    published: str | None


@dataclass(frozen=True)
class BundleLink:
    """A bundle as a language index offers it (hrefs relative to the index)."""

    label: Markup
    pdf: str
    zip: str
    audio: bool
    epub: str | None = None  # the period's talking book (read aloud when ``audio``)
    sizes: tuple[str, str, str] = ("", "", "")  # of the PDF, the zip and the EPUB, as the reader writes them


@dataclass(frozen=True)
class Alternate:
    href: str
    bcp47: str
    native_name: str
    url: str | None = None  # absolute, under [publisher] url: search engines ignore relative hreflang links


@dataclass(frozen=True)
class IndexEntry:
    href: str
    title: str
    title_lang: str
    title_lang_tag: str
    date: str | None
    status: str
    label: str = ""  # machine or mixed translation, in the index's language


@dataclass(frozen=True)
class LanguageLink:
    href: str
    bcp47: str
    native_name: str
    name: str
    count: int  # releases translated into it
    count_text: Markup | str = ""  # "4 releases" in the language itself, with its plural
    note: Markup | str = ""  # told to its readers in their language (e.g. nothing translated yet)


def _parts(seg: TranslatedSegment) -> tuple[tuple[str, bool], ...]:
    """The sentence cut around its approved names, so no line break falls inside one (Lao, Thai, ...).

    Only scripts written without spaces need it: there a line may break between any two syllables, and
    a name split over two lines ("ແຂວງກຽງ|ກີ") reads as two words.
    """
    text = seg.text
    if traits(seg.lang).spaced:
        return ((text, False),)
    forms = sorted({c.expected for c in seg.terms if c.pinned and c.expected}, key=len, reverse=True)
    spans: list[tuple[int, int]] = []
    for form in forms:
        start = text.find(form)
        while start >= 0:
            end = start + len(form)
            if not any(a < end and start < b for a, b in spans):
                spans.append((start, end))
            start = text.find(form, end)
    parts: list[tuple[str, bool]] = []
    at = 0
    for start, end in sorted(spans):
        if start > at:
            parts.append((text[at:start], False))
        parts.append((text[start:end], True))
        at = end
    if at < len(text):
        parts.append((text[at:], False))
    return tuple(parts)


def load_ui_strings(templates_dir: Path, theme_dir: Path | None = None) -> dict[str, dict[str, str]]:
    """ui.yaml: interface strings per language code, English required (the fallback).

    A theme's ui.yaml overrides the shipped strings one key at a time (and may add languages).
    """
    strings = _read_ui(templates_dir / UI_FILE, required=True)
    if theme_dir is not None and (theme_dir / UI_FILE).is_file():
        for lang, own in _read_ui(theme_dir / UI_FILE, required=False).items():
            strings[lang] = {**strings.get(lang, {}), **own}
    return strings


MAX_UI_BYTES = 4 * 1024 * 1024


def _ui_error(message: str) -> ConfigError:
    return ConfigError([message])


def _read_ui(path: Path, *, required: bool) -> dict[str, dict[str, str]]:
    try:
        # libyaml when PyYAML has it: the pure-Python parser takes seconds over 15 languages of strings.
        text = read_text(path, limit=MAX_UI_BYTES, fail=_ui_error, what="interface strings file")
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError) as exc:
        raise ConfigError([f"{path}: cannot load interface strings: {exc}"]) from None
    if not isinstance(data, dict) or (required and FALLBACK_UI_LANG not in data):
        raise ConfigError([f"{path}: must map language codes to strings and include '{FALLBACK_UI_LANG}'"])
    if any(not isinstance(v, dict | None) for v in data.values()):
        raise ConfigError([f"{path}: each language must map keys to strings"])
    return {str(k): {str(a): str(b) for a, b in (v or {}).items()} for k, v in data.items()}


class HtmlRenderer:
    """Owns the Jinja environment for one build."""

    def __init__(self, config: Config, glossary: Glossary | None = None) -> None:
        self.config = config
        self._glossary = glossary
        self._terms = glossary.by_id() if glossary is not None else {}
        self._breaker = WordBreaker()
        self._dates: dict[tuple[str, str], str] = {}  # (ISO date, language) -> its text: indexes repeat them
        self.env = Environment(
            # A theme's templates first (a site's own look), then the ones ggmulti ships.
            loader=ChoiceLoader(
                [FileSystemLoader(d) for d in (config.theme_dir, config.templates_dir) if d is not None]
            ),
            autoescape=select_autoescape(enabled_extensions=("html", "j2", "xml"), default=True),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._ui = load_ui_strings(config.templates_dir, config.theme_dir)
        self.env.filters["wordbreak"] = self.wordbreak
        self.env.filters["date_text"] = self.date_text

    def ui(self, lang: str) -> dict[str, Markup]:
        """Interface strings in ``lang``; an English fallback is wrapped in lang="en" so it is read right."""
        own = self._ui.get(lang, {})
        out: dict[str, Markup] = {}
        for key, text in self._ui[FALLBACK_UI_LANG].items():
            if key in own:
                out[key] = escape(own[key])
            else:
                out[key] = Markup('<span lang="en">{}</span>').format(text)
        return out

    def _lang_tag(self, code: str) -> str:
        cfg = self.config.languages.get(code)
        return cfg.bcp47 if cfg else code

    def segment_view(self, seg: TranslatedSegment) -> SegmentView:
        """A sentence as pages show it (its id is its WebVTT cue id)."""
        return self._segment(seg)

    def _segment(self, seg: TranslatedSegment, sep: str = "") -> SegmentView:
        return SegmentView(
            seg.text, seg.lang, self._lang_tag(seg.lang), seg.origin.value, sep, _parts(seg), seg.segment.key
        )

    def help_line(self, lang: LanguageConfig) -> HelpView | None:
        """``[publisher.help]`` in the reader's language: the site's own sentence, else the shipped one."""
        help = self.config.publisher.help
        if help is None:
            return None
        number = Markup('<a href="tel:{}">{}</a>').format(re.sub(r"[^0-9+]", "", help.phone), help.phone)
        own = help.text.get(lang.code)
        if own is not None:
            text = Markup(escape(own)).format(name=help.name, phone=number)
        else:
            text = self.phrase(lang.code, "help_text", name=help.name, phone=number)
        hours = self.ui(lang.code)["help_always"] if help.hours == "24/7" else escape(help.hours)
        return HelpView(text=text, hours=hours)

    def help_spoken(self, code: str) -> tuple[str, str] | None:
        """The help line the audio ends with, (as written, as said), in ``code`` only (never an English
        fallback read by another voice); the number said digit by digit ("1 5 7 7, 1 3 6 6")."""
        help = self.config.publisher.help
        own = self._ui.get(code, {})
        sentence = help.text.get(code, own.get("help_text")) if help is not None else None
        if help is None or sentence is None:
            return None
        digits = ", ".join(" ".join(group) for group in re.findall(r"[0-9]+", help.phone))
        hours = own.get("help_always") if help.hours == "24/7" else help.hours
        written, said = (sentence.format(name=help.name, phone=number) for number in (help.phone, digits))
        return (f"{written} {hours}", f"{said} {hours}") if hours else (written, said)

    def _common(self, lang: LanguageConfig, root: str, description: str = "") -> dict[str, object]:
        """Template variables every page has: its language, interface strings, the publisher, the help line."""
        own_title = self._own_site_title(lang.code)
        name = self.publisher(lang.code)
        return vars(
            Chrome(
                lang=lang,
                root=root,
                ui=self.ui(lang.code),
                site_title=own_title or self.config.publisher.site_title,
                # The site's title in the reader's language where ui.yaml has it (with the publisher's
                # name from the glossary); else the publisher's English one, marked as English.
                site_title_html=self._marked(own_title, name.lang if name.lang != lang.code else "")
                if own_title
                else self._english(self.config.publisher.site_title, lang),
                publisher_html=escape(name.alone)
                if name.lang == lang.code
                else self._english(name.alone, lang),
                publisher=name.alone,
                help=self.help_line(lang),
                description=description,
            )
        )

    def publisher(self, code: str) -> Name:
        """The publisher's name in ``code`` (the glossary's form), or the English one."""
        return publisher_name(self.config, self._glossary, code)

    def _marked(self, title: str, name_lang: str) -> Markup:
        """A site title whose publisher's name is in another language (English): that name marked."""
        if not name_lang:
            return escape(title)
        name = self.config.publisher.name
        head, _, tail = title.partition(name)
        if not _:
            return escape(title)
        return Markup('{}<span lang="{}">{}</span>{}').format(head, self._lang_tag(name_lang), name, tail)

    def _release_view(self, tr: TranslatedRelease, anchor: str = "") -> ReleaseView:
        return ReleaseView(
            title=self._segment(tr.title),
            date=tr.release.date,
            date_text=self.date_text(tr.release.date, tr.lang),
            machine=any(s.origin is Origin.MACHINE for s in tr.segments),
            source_url=tr.release.source_url,
            untranslated=any(s.origin is Origin.UNTRANSLATED for s in tr.segments),
            paragraphs=tuple(self._paragraph(para) for para in tr.paragraphs),
            names=tuple(self.names(tr)),
            anchor=anchor,
        )

    @staticmethod
    def _english(text: str, lang: LanguageConfig) -> Markup:
        if lang.code == "en":
            return escape(text)
        return Markup('<span lang="en">{}</span>').format(text)

    def date_text(self, iso: str | None, code: str) -> str | None:
        """A date as readers of the language write it (CLDR), for inside <time datetime=ISO>."""
        if not iso:
            return None
        if (iso, code) not in self._dates:
            cfg = self.config.languages.get(code)
            self._dates[(iso, code)] = dates.long_date(iso, cfg.bcp47 if cfg else code)
        return self._dates[(iso, code)]

    def wordbreak(self, text: str, code: str) -> str:
        """Print HTML only: U+200B at word boundaries in scripts written without spaces (see linebreak.py)."""
        cfg = self.config.languages.get(code)
        if cfg is None or cfg.script not in DICTIONARY_SCRIPTS:
            return text
        return self._breaker.insert(text, cfg.bcp47)

    def names(self, tr: TranslatedRelease) -> list[NameNote]:
        """Glossary notes: each approved name the edition uses with its original (Korean by default).

        Residents meet these names on Korean signs and forms; the original is marked with its language,
        so it is read in that language's voice.
        """
        original_lang = self.config.names_lang
        found: dict[str, NameNote] = {}
        for seg in tr.segments:
            for check in seg.terms:
                term = self._terms.get(check.term_id)
                if term is None or not check.pinned or check.term_id in found:
                    continue
                original = term.forms.get(original_lang)
                shown = check.expected or term.forms.get(tr.lang)
                if not original or not shown or tr.lang == original_lang or shown == original:
                    continue
                found[check.term_id] = NameNote(shown, original, self._lang_tag(original_lang))
        return list(found.values())

    def text(self, lang: str, key: str) -> str:
        """An interface string as plain text (feeds, ID3 tags, WebVTT), English when ``lang`` lacks it."""
        return self._ui.get(lang, {}).get(key) or self._ui[FALLBACK_UI_LANG][key]

    def labels(self, lang: str, keys: Sequence[str]) -> str:
        """An edition's labels (labels.py) as one plain line in ``lang``: "machine translated; partly ..."."""
        return "; ".join(self.text(lang, key) for key in keys)

    def phrase(self, lang: str, key: str, **values: str) -> Markup:
        """An interface string with its {placeholders} filled (values escaped), English fallback marked."""
        own = self._ui.get(lang, {}).get(key)
        if own is not None:
            return Markup(escape(own)).format(**values)
        english = Markup(escape(self._ui[FALLBACK_UI_LANG][key])).format(**values)
        return Markup('<span lang="en">{}</span>').format(english)

    def count_phrase(self, code: str, count: int) -> Markup:
        """ "4 releases" in ``code``, the plural form chosen by CLDR's rules for that language."""
        from babel.numbers import format_decimal

        tag = self._lang_tag(code)
        number = format_decimal(count, locale=babel_locale(tag))
        return self.phrase(code, f"releases_{plural_category(count, tag)}", count=number)

    def _own_site_title(self, code: str) -> str | None:
        """ui.yaml's site title in ``code`` with the publisher's name in that language put in."""
        own = self._ui.get(code, {}).get("site_title")
        if own is None:
            return None
        try:
            return own.format(publisher=self.publisher(code).text)
        except (KeyError, IndexError, ValueError):  # a theme's title with other braces: taken as written
            return own

    def site_title(self, code: str) -> str:
        """The site's title in a language (ui.yaml), else the publisher's own (English) one."""
        return self._own_site_title(code) or self.config.publisher.site_title

    def period_label(self, period: str, lang: LanguageConfig) -> Markup:
        """A bundle's heading: "Releases of November 2025" in the reader's language, or the undated one."""
        if period == "undated":
            return self.ui(lang.code)["bundle_undated"]
        return self.phrase(lang.code, "bundle_period", period=dates.period_label(period, lang.bcp47))

    def bundle_cover(
        self, lang: LanguageConfig, releases: Sequence[tuple[TranslatedRelease, int]], *, period: Markup
    ) -> str:
        """A bundle's cover: title and contents, each release with the page its part starts on."""
        return self._render(
            "bundle_cover.pdf.html.j2",
            **self._common(lang, ""),
            releases=[(self._release_view(tr, anchor=bundle_anchor(tr)), page) for tr, page in releases],
            last_date=max((tr.release.date for tr, _ in releases if tr.release.date), default=None),
            period=period,
            css=Markup(self.stylesheet("print.css.j2")),
        )

    def bundle_part(self, tr: TranslatedRelease, *, first_page: int) -> str:
        """One release of a bundle as its own print HTML, its pages numbered from ``first_page``."""
        return self._render(
            "bundle_part.pdf.html.j2",
            **self._common(self.config.language(tr.lang), ""),
            r=self._release_view(tr, anchor=bundle_anchor(tr)),
            first_page=first_page,
            css=Markup(self.stylesheet("print.css.j2")),
        )

    def bundle_index(
        self,
        lang: LanguageConfig,
        entries: Sequence[BundleEntry],
        *,
        period: Markup,
        combined: str,
        combined_size: str = "",
        epub: str | None = None,
        epub_size: str = "",
    ) -> str:
        """The index page inside a zip: self-contained, opens from a USB stick with no server.

        ``epub``: the period's talking book in the zip (labelled as read aloud when an entry has audio)."""
        return self._render(
            "bundle_index.html.j2",
            **self._common(lang, ""),
            entries=entries,
            period=period,
            combined=combined,
            combined_size=combined_size,
            epub=epub,
            epub_size=epub_size,
            epub_audio=any(e.audio for e in entries),
            css=Markup(self.stylesheet()),
        )

    def _paragraph(self, para: Sequence[TranslatedSegment]) -> tuple[SegmentView, ...]:
        """Segments with the separator that follows each: none between two Chinese or Japanese sentences."""
        return tuple(
            self._segment(seg, separator(seg.text, para[i + 1].text) if i + 1 < len(para) else "")
            for i, seg in enumerate(para)
        )

    def release_page(
        self,
        tr: TranslatedRelease,
        *,
        downloads: Sequence[Link],
        alternates: Sequence[Alternate],
        audio: AudioLink | None = None,
        no_audio: Markup | None = None,
        original: Alternate | None = None,
        meta: PageMeta | None = None,
    ) -> str:
        """``no_audio``: why a page has no audio (told to readers); ``original``: the source edition."""
        lang = self.config.language(tr.lang)
        described = meta.description if meta is not None and meta.description else self._about(lang)
        return self._render(
            "release.html.j2",
            **self._common(lang, "../", described),
            **vars(self._release_view(tr)),
            downloads=downloads,
            alternates=alternates,
            audio=audio,
            no_audio=no_audio,
            original=original,
            meta=meta,
            **({"help_id": closing_key(tr.release.id)} if audio is not None else {}),  # heard last
        )

    def transcript_page(
        self, tr: TranslatedRelease, lines: Sequence[TranscriptLine], *, audio: AudioLink, release_href: str
    ) -> str:
        """An edition's transcript in HTML: what is heard, sentence by sentence, with its times."""
        lang = self.config.language(tr.lang)
        heading = (
            self._ui.get(lang.code, {}).get("transcript_heading") or self._ui["en"]["transcript_heading"]
        )
        return self._render(
            "transcript.html.j2",
            **self._common(lang, "../", f"{heading}: {tr.title.text}"),
            title=self._segment(tr.title),
            lines=lines,
            audio=audio,
            release_href=release_href,
        )

    def release_print(self, tr: TranslatedRelease) -> str:
        """The HTML WeasyPrint turns into the PDF: self-contained, stylesheet inline."""
        lang = self.config.language(tr.lang)
        return self._render(
            "release.pdf.html.j2",
            **self._common(lang, ""),
            **vars(self._release_view(tr)),
            css=Markup(self.stylesheet("print.css.j2")),
        )

    def language_index(
        self,
        lang: LanguageConfig,
        entries: Sequence[IndexEntry],
        *,
        bundles: Sequence[BundleLink] = (),
        feed: bool = False,
        coming_soon: bool = False,
    ) -> str:
        """``bundles``: the language's bundles, newest first; ``feed``: link the podcast feed.xml;
        ``coming_soon``: nothing is translated into it yet (the page says so)."""
        return self._render(
            "language_index.html.j2",
            **self._common(lang, "../", self._about(lang)),
            entries=entries,
            bundles=bundles,
            feed=feed,
            coming_soon=coming_soon,
        )

    def withdrawn_notice(
        self, lang: LanguageConfig, *, date: str, reason: str, reason_lang: str, back: str
    ) -> str:
        """What a withdrawn release's URL serves: withdrawn, when and why; nothing of the release itself."""
        date_text = self.date_text(date, lang.code) if date else None
        return self._render(
            "withdrawn.html.j2",
            **self._common(lang, "../"),
            notice=self.phrase(lang.code, "withdrawn_notice", date=date_text or "-"),
            reason=reason,
            reason_tag=self._lang_tag(reason_lang or lang.code),
            back=back,
        )

    def site_index(self, lang: LanguageConfig, languages: Sequence[LanguageLink]) -> str:
        about = self.phrase(lang.code, "site_description", publisher=self.config.publisher.name).striptags()
        return self._render("site_index.html.j2", **self._common(lang, "", about), languages=languages)

    def _about(self, lang: LanguageConfig) -> str:
        """What a language's pages are, in that language: a meta description (plain text)."""
        return self.phrase(
            lang.code, "page_description", publisher=self.config.publisher.name, language=lang.native_name
        ).striptags()

    def stylesheet(self, name: str = "style.css.j2") -> str:
        """Fonts by :lang() for every configured language, and the names' original language always."""
        langs = dict(self.config.languages)
        original = self.config.names_lang
        if original not in langs and (names := builtin_language(original)) is not None:
            langs[original] = names
        return self._render(name, languages=sorted(langs.values(), key=lambda cfg: cfg.code))

    def asset(self, name: str) -> bytes:
        """A file pages load as it is (the read-along script, the favicon): the theme's, else the shipped one."""
        for folder in (self.config.theme_dir, self.config.templates_dir):
            if folder is not None and (folder / name).is_file():
                try:
                    return (folder / name).read_bytes()
                except OSError as exc:
                    raise ConfigError([f"{folder / name}: cannot read: {exc}"]) from None
        raise ConfigError([f"{self.config.templates_dir / name}: missing (it ships with ggmulti)"])

    def _render(self, name: str, **context: object) -> str:
        try:
            return self.env.get_template(name).render(**context)
        except TemplateError as exc:
            raise ConfigError([f"{self.config.templates_dir / name}: template error: {exc}"]) from None


def bundle_anchor(tr: TranslatedRelease) -> str:
    """A release's target in its bundle: the contents link on the cover and its part's heading share it."""
    return f"r-{tr.release.id}"
