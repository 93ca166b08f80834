"""What readers and listeners are told about an edition's text wherever they meet it.

Machine and mixed translation and partial editions are labelled on the release page, its language index
entry, the podcast item, the MP3 (ID3 comment), the WebVTT (NOTE), the bundle's index page and the EPUB,
always in the edition's language; audio also says it is a synthetic voice. One function decides which
labels an edition carries, so every surface says the same.
"""

from __future__ import annotations

from .model import Provenance, SegmentCounts

MACHINE = "machine_badge"
MIXED = "mixed_badge"
PARTIAL = "partial"
SYNTHETIC_VOICE = "synthetic_voice"


def translation_label(translation: Provenance | None) -> str | None:
    """The interface string key saying who translated the text, when a machine had a part in it."""
    if translation is Provenance.MACHINE:
        return MACHINE
    if translation is Provenance.MIXED:
        return MIXED
    return None


def label_keys(translation: Provenance | None, partial: bool) -> tuple[str, ...]:
    """Interface string keys of the labels an edition carries: machine or mixed, then partial."""
    keys = [key] if (key := translation_label(translation)) is not None else []
    return (*keys, PARTIAL) if partial else tuple(keys)


def keys_of(counts: SegmentCounts) -> tuple[str, ...]:
    return label_keys(Provenance.of(counts), partial=counts.untranslated > 0)
