"""The Voice interface and its result types, plus which languages have no usable voice and why.

A voice speaks one language. Anything that cannot be spoken right (no voice, a broken voice, an engine
that hangs or returns early) is an error or a recorded reason, never audio in another language's voice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

# espeak-ng voices that exist but read the language wrongly (measured with espeak-ng 1.52; see the
# README, "Spoken editions"). Keyed by the voice id's last part, so "th" and "tai/th" both match.
# A language with one of these gets no audio, with this reason recorded.
UNUSABLE_VOICES: dict[str, str] = {
    "th": "espeak-ng's Thai voice does not split Thai words and reads letter runs as nonsense",
    "my": "espeak-ng's Burmese voice drops syllables",
    "ja": "espeak-ng's Japanese voice reads kana only and says every kanji as 'Chinese letter' in English",
}


def unusable_reason(voice_id: str) -> str | None:
    """Why this espeak-ng voice must not be used, or None when it may."""
    return UNUSABLE_VOICES.get(voice_id.rsplit("/", 1)[-1].lower())


@dataclass(frozen=True)
class Speech:
    """Synthesized audio for one text: 16-bit signed little-endian mono PCM."""

    pcm: bytes
    sample_rate: int

    @property
    def samples(self) -> int:
        return len(self.pcm) // 2

    @property
    def seconds(self) -> float:
        return self.samples / self.sample_rate


class Voice(Protocol):
    """One language's voice. ``speak`` raises EngineUnavailable rather than return doubtful audio."""

    @property
    def lang(self) -> str: ...

    @property
    def description(self) -> str:
        """What speaks, for reports: engine, version, voice id, rate."""
        ...

    def speak(self, text: str) -> Speech: ...


@dataclass(frozen=True)
class NoVoice:
    """A language that gets no audio, and the reason recorded in the manifest and build report."""

    lang: str
    reason: str
