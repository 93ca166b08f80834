"""Language check with langdetect, seeded per build so the same text always gets the same verdict."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Sequence

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from .cache import WorkCache, key_of
from .model import Finding, LanguageReport, ParagraphLanguage, Release, Severity

# Paragraphs shorter than this (in letters) are mostly names or dates: their verdict is noise.
MIN_LETTERS = 25
# A paragraph is flagged as another language only when langdetect is this sure.
MIN_PROBABILITY = 0.90
SEED = 20251112

# langdetect profile -> project language code
_FROM_PROFILE = {"zh-cn": "zh", "zh-tw": "zh"}


class LanguageChecker:
    """Owns one langdetect factory (loaded once per build, on the first paragraph not in the cache).

    With a work cache, each paragraph's verdict is looked up by its text first: langdetect is seeded,
    so the same text always gets the same verdict, and a rebuild re-detects only new paragraphs.
    """

    def __init__(self, profiles: dict[str, str | None], cache: WorkCache | None = None) -> None:
        """``profiles`` maps a project language code to its langdetect profile (None: no profile)."""
        self._loaded: DetectorFactory | None = None
        self._profiles = profiles
        self._cache = cache
        self._verdicts: dict[str, tuple[str | None, float]] = {}  # this build's, by text

    @property
    def _factory(self) -> DetectorFactory:
        if self._loaded is None:
            self._loaded = DetectorFactory()
            self._loaded.load_profile(PROFILES_DIRECTORY)
            self._loaded.set_seed(SEED)
        return self._loaded

    def detect(self, text: str) -> tuple[str | None, float]:
        if text in self._verdicts:
            return self._verdicts[text]
        letters = sum(1 for ch in text if unicodedata.category(ch).startswith("L"))
        if letters < MIN_LETTERS:
            return None, 0.0
        detector = self._factory.create()
        detector.append(text)
        try:
            best = detector.get_probabilities()[0]
        except (LangDetectException, IndexError):
            return None, 0.0
        return _FROM_PROFILE.get(best.lang, best.lang), float(best.prob)

    def check_all(self, releases: Sequence[Release]) -> list[LanguageReport]:
        """``check`` for every release, with one cache lookup for all their paragraphs."""
        if self._cache is not None:
            keys = {
                p: key_of("langdetect", SEED, self._cache.code, p) for r in releases for p in r.paragraphs
            }
            found = self._cache.get_many("langdetect", keys.values())
            fresh: dict[str, str] = {}
            for text, key in keys.items():
                if key in found:
                    lang, prob = json.loads(found[key])
                    self._verdicts[text] = (lang, float(prob))
                else:
                    self._verdicts[text] = self.detect(text)
                    fresh[key] = json.dumps(self._verdicts[text])
            self._cache.put_many("langdetect", fresh)
        return [self.check(r) for r in releases]

    def _knows(self, code: str) -> bool:
        return code in self._profiles.values() or any(
            profile == code or _FROM_PROFILE.get(profile) == code for profile in self._factory.get_lang_list()
        )

    def check(self, release: Release) -> LanguageReport:
        declared = release.source_lang
        where = f"{release.source_ref} ({release.id})"
        # A language outside the configured set is still checked when langdetect knows it (zh through
        # its zh-cn and zh-tw profiles).
        if self._profiles.get(declared) is None and not self._knows(declared):
            finding = Finding(
                Severity.WARNING, where, f"langdetect has no profile for '{declared}': language not checked"
            )
            return LanguageReport(release.id, declared, None, (), (finding,))
        results = tuple(ParagraphLanguage(i, *self.detect(p)) for i, p in enumerate(release.paragraphs))
        weight: Counter[str] = Counter()
        for r in results:
            if r.lang is not None:
                weight[r.lang] += len(release.paragraphs[r.index])
        detected = weight.most_common(1)[0][0] if weight else None
        findings: list[Finding] = []
        mismatched = [r for r in results if r.lang is not None and r.lang != declared]
        if detected is not None and detected != declared:
            first = next(r for r in mismatched if r.lang == detected)
            findings.append(
                Finding(
                    Severity.ERROR,
                    where,
                    f"declared '{declared}' but the text is '{detected}' (paragraph {first.index + 1}: "
                    f"{_excerpt(release.paragraphs[first.index])!r})",
                )
            )
        else:
            for r in mismatched:
                if r.probability >= MIN_PROBABILITY:
                    findings.append(
                        Finding(
                            Severity.WARNING,
                            where,
                            f"paragraph {r.index + 1} looks like '{r.lang}' ({r.probability:.2f}), not '{declared}': "
                            f"{_excerpt(release.paragraphs[r.index])!r}",
                        )
                    )
        return LanguageReport(release.id, declared, detected, results, tuple(findings))


def _excerpt(text: str, n: int = 50) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
