"""Stand-in worker functions for EspeakEngine(worker="speech_fakes:NAME"): engines that misbehave."""

from __future__ import annotations

from multiprocessing.connection import Connection

VOICES = [("aav/vi", "Vietnamese (Northern)", ("vi",)), ("gmw/en", "English", ("en",))]


def _serve(conn: Connection, answer) -> None:  # type: ignore[no-untyped-def]
    conn.send(("ready", "1.52.0", VOICES))
    while (request := conn.recv()) is not None:
        conn.send(answer(*request))


def short_audio(conn: Connection) -> None:
    """Returns 0.05 s of sound whatever the text: what an early return from runAndWait() looks like."""
    _serve(conn, lambda voice, rate, text: ("ok", b"\x10\x20" * 1100, 22050, voice))


def other_voice(conn: Connection) -> None:
    """Speaks with the English voice whatever was asked: pyttsx3 keeping its previous voice."""
    _serve(conn, lambda voice, rate, text: ("ok", b"\x10\x20" * 220500, 22050, "gmw/en"))


def crash(conn: Connection) -> None:
    raise RuntimeError("libespeak-ng.so.1: cannot open shared object file")
