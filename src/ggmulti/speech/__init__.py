"""Spoken editions: text-to-speech per paragraph, MP3 with chapters and tags, WebVTT, podcast feeds.

Nothing here runs at import time; the espeak-ng engine lives in worker processes owned by the build.
"""
