"""The pyttsx3 ("espeak" driver) voice, isolated in worker processes.

pyttsx3 shares one engine per process, is not thread-safe, reports a wrong voice only through its
``error`` callback (and then speaks with the previous voice), and may return before a file is written.
So each worker process owns one engine; the parent sends one sentence at a time with a timeout, checks
the voice the engine really used, the error callback and the length of the audio against the text,
and kills a worker that hangs. Any doubt is an EngineUnavailable naming the language and voice.

Debian's espeak-ng 1.51 reads Mandarin tone digits as English numbers; the worker loads espeak-ng 1.52
from the ``espeakng-loader`` wheel (library and data) before pyttsx3 is imported, so pyttsx3's own
``LoadLibrary("libespeak-ng.so.1")`` gets the already loaded 1.52 library.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import itertools
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any

import regex

from ..errors import EngineUnavailable
from ..lifetime import tie_from_environment, worker_environment
from .voice import Speech, unusable_reason

DRIVER = "espeak"  # pyttsx3's driver name on Linux ("espeak-ng" is refused)
SAMPLE_RATE = 22050
ESPEAK_RATE = 1  # espeak_PARAMETER espeakRATE
REQUIRED_VERSION = "1.52"  # Mandarin tones are read right from this version on (espeak-ng issue #1028)

# Lower bound of believable audio: 30% of the time a text takes at the configured rate, counting a
# Han/kana character or a run of other letters/digits as one word. Measured at rate 160: ~0.35 s per
# word (English, Vietnamese) and per Han character, so a shortfall means synthesis stopped early.
_WORDS = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]|[\p{L}\p{M}\p{N}]+")
MIN_FRACTION = 0.3


def minimum_seconds(text: str, rate: int) -> float:
    """The shortest audio that can be a complete reading of ``text`` at ``rate`` words per minute."""
    return MIN_FRACTION * len(_WORDS.findall(text)) * 60.0 / rate


@dataclass(frozen=True)
class InstalledVoice:
    id: str  # espeak-ng identifier, e.g. "sit/cmn"
    name: str
    languages: tuple[str, ...]


# ---------------------------------------------------------------------------------------------- worker


def _load_espeak_152() -> tuple[str, ctypes.CDLL]:
    """Point espeak-ng at the wheel's data and load its library; returns its version and handle."""
    import espeakng_loader

    os.environ["ESPEAK_DATA_PATH"] = str(Path(espeakng_loader.get_data_path()).parent)
    lib = ctypes.CDLL(espeakng_loader.get_library_path(), mode=ctypes.RTLD_GLOBAL)
    info = lib.espeak_Info
    info.restype = ctypes.c_char_p
    info.argtypes = [ctypes.c_void_p]
    version: bytes = info(None)
    return version.decode(), lib


def _rate_applied(lib: ctypes.CDLL, rate: int, within: float = 5.0) -> bool:
    """Wait for espeak-ng's thread to apply a queued rate change."""
    deadline = time.monotonic() + within
    while lib.espeak_GetParameter(ESPEAK_RATE, 1) != rate:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.001)
    return True


def serve(conn: Connection) -> None:
    """Worker process main: one pyttsx3 engine, one request at a time, answers on ``conn``.

    Requests are ``(voice_id, rate, text)``; answers ``("ok", pcm, sample_rate, voice_used)`` or
    ``("error", message)``. The first message is ``("ready", version, voices)`` or ``("fatal", message)``.
    """
    errors: list[str] = []
    finished: list[bool] = []  # completed flags of "finished-utterance"
    done = threading.Event()

    def on_finished(name: object = None, completed: object = None) -> None:
        finished.append(bool(completed))
        done.set()

    # pyttsx3 prints "Audio saved to ..." from espeak-ng's own thread; this process's stdout is unused.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    try:
        version, lib = _load_espeak_152()
        import pyttsx3
        from pyttsx3.drivers import _espeak

        engine = pyttsx3.init(DRIVER)
        lib.espeak_Synchronize()  # let espeak-ng's thread take what pyttsx3's init queued
        lib.espeak_GetParameter.argtypes = [ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        engine.connect("error", lambda name=None, exception=None: errors.append(str(exception)))
        engine.connect("finished-utterance", on_finished)
        voices = [
            (v.id, str(v.name), tuple(str(x) for x in (v.languages or ())))
            for v in engine.getProperty("voices")
        ]
    except Exception as exc:  # anything at all: the parent turns it into one clear line
        conn.send(("fatal", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", version, voices))
    with tempfile.TemporaryDirectory(prefix="ggmulti-espeak-") as scratch:
        for n in itertools.count():
            try:
                request = conn.recv()
            except EOFError:
                return
            if request is None:
                return
            voice_id, rate, text = request
            target = Path(scratch) / f"{n}.wav"
            errors.clear()
            finished.clear()
            done.clear()
            try:
                # Voice and rate are set on the library pyttsx3 drives (the same handle), and seen to
                # be in force before synthesis: espeak-ng changes voices at once but queues a rate
                # change to its own thread, and pyttsx3's setProperty hides both outcomes (measured:
                # pyttsx3's initial rate 200 overtook the configured 160 for a worker's first
                # paragraph in some builds; an unknown voice is only an "error" event).
                code = lib.espeak_SetVoiceByName(voice_id.encode())
                if code != 0:
                    conn.send(("error", f"espeak-ng refused voice '{voice_id}' (error {code})"))
                    continue
                lib.espeak_SetParameter(ESPEAK_RATE, rate, 0)
                if not _rate_applied(lib, rate):
                    conn.send(("error", f"espeak-ng did not take rate {rate}"))
                    continue
                # Every request takes the path of a new engine's first one: commands wait in pyttsx3's
                # queue until runAndWait() runs them in this thread; runAndWait() then returns at once
                # and the utterance is awaited below. Left "not busy" by the last utterance, pyttsx3
                # runs commands as they come and races with its espeak thread's bookkeeping (measured
                # here: a stray "stopped" event in ~1 of 90 requests, and an empty WAV in one build).
                engine.proxy.setBusy(True)
                engine.save_to_file(text, str(target))
                engine.runAndWait()
                # espeak-ng synthesizes on its own thread: runAndWait() may return before the WAV is
                # complete. Wait for the end of the utterance (the parent kills us if it never comes).
                done.wait()
                while _espeak.IsPlaying():  # the espeak thread is still leaving its callback
                    time.sleep(0.001)
                used = str(engine.getProperty("voice"))
                spoken_rate = lib.espeak_GetParameter(ESPEAK_RATE, 1)
                if errors:
                    conn.send(("error", "; ".join(errors)))
                elif spoken_rate != rate:
                    conn.send(("error", f"espeak-ng spoke at rate {spoken_rate}, not {rate}"))
                elif finished != [True]:
                    conn.send(("error", f"utterance not completed (finished events {finished})"))
                elif not target.exists():
                    conn.send(("error", "the utterance finished but no WAV file was written"))
                else:
                    with wave.open(str(target), "rb") as wav:
                        if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                            conn.send(("error", "the engine wrote a WAV that is not 16-bit mono"))
                        else:
                            pcm = wav.readframes(wav.getnframes())
                            conn.send(("ok", pcm, wav.getframerate(), used))
            except Exception as exc:
                conn.send(("error", f"{type(exc).__name__}: {exc}"))
            finally:
                target.unlink(missing_ok=True)


def _main(argv: list[str]) -> int:
    """``python -m ggmulti.speech.espeak FD [MODULE:FUNCTION]``: serve requests on socket FD."""
    tie_from_environment()  # die with the build, even one killed with SIGKILL
    conn = Connection(int(argv[0]))
    target = serve
    if len(argv) > 1:
        module, _, name = argv[1].partition(":")
        target = getattr(importlib.import_module(module), name)
    target(conn)
    return 0


class _Worker:
    """The parent's handle on one worker process.

    A plain ``python -m`` child rather than multiprocessing: spawn re-imports the parent's main
    module (the whole CLI, PDF stack included) in every worker; this child imports only this module.
    """

    def __init__(self, target: str | None, start_timeout: float) -> None:
        mine, theirs = socket.socketpair()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        argv = [sys.executable, "-m", __name__, str(theirs.fileno()), *([target] if target else [])]
        env = {**worker_environment(), "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        try:
            self.process = subprocess.Popen(
                argv,
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._stderr,
                env=env,
            )
        finally:
            theirs.close()
        self._conn = Connection(mine.detach())
        try:
            answer = self._receive(start_timeout, "starting")
        except EngineUnavailable:
            self.close()
            raise
        if answer[0] != "ready":
            self.close()
            raise EngineUnavailable(f"espeak-ng worker could not start: {answer[1]}")
        self.version: str = answer[1]
        self.voices = tuple(InstalledVoice(i, n, tuple(langs)) for i, n, langs in answer[2])

    def _last_error(self) -> str:
        self._stderr.seek(0)
        lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        return f": {lines[-1]}" if lines else ""

    def _receive(self, timeout: float, doing: str) -> tuple[Any, ...]:
        try:
            if not self._conn.poll(timeout):
                self.kill()
                raise EngineUnavailable(f"no answer within {timeout:.0f} s while {doing}; worker killed")
            answer: tuple[Any, ...] = self._conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise EngineUnavailable(
                f"worker died while {doing} (exit code {self.process.returncode}){self._last_error()}"
            ) from None
        return answer

    def request(self, voice_id: str, rate: int, text: str, timeout: float) -> tuple[Any, ...]:
        try:
            self._conn.send((voice_id, rate, text))
        except OSError:
            self.kill()
            raise EngineUnavailable(f"worker is gone (exit code {self.process.returncode})") from None
        return self._receive(timeout, f"reading {len(text)} characters")

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(5)
        self._conn.close()

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self._conn.send(None)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5)
        self.kill()
        self._stderr.close()


# ---------------------------------------------------------------------------------------------- parent


class EspeakEngine:
    """Starts worker processes and hands out checked voices; one fresh worker per session.

    espeak-ng carries state from one utterance to the next inside a process (its pitch flutter
    runs on), so the same text sounds a few samples different after other texts. A session (one
    edition) therefore gets a new worker: its audio depends only on what the session itself says,
    whatever ran before or in parallel. Starting a worker takes ~0.1 s.

    ``timeout`` is the base time a worker gets per request (a sentence); it grows by ``per_char`` for each
    character. ``worker`` names another function for the worker process to run ("module:function",
    for tests); by default it is ``serve``.
    """

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        per_char: float = 0.02,
        start_timeout: float = 60.0,
        worker: str | None = None,
    ) -> None:
        self.timeout = timeout
        self.per_char = per_char
        self._start_timeout = start_timeout
        self._target = worker
        self._lock = threading.Lock()
        self._live: set[_Worker] = set()
        self._info: tuple[str, tuple[InstalledVoice, ...]] | None = None

    def __enter__(self) -> EspeakEngine:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            live, self._live = self._live, set()
        for w in live:
            w.close()

    def _start(self) -> _Worker:
        w = _Worker(self._target, self._start_timeout)
        with self._lock:
            self._live.add(w)
            if self._info is None:
                self._info = (w.version, w.voices)
        return w

    def _stop(self, w: _Worker) -> None:
        with self._lock:
            self._live.discard(w)
        w.close()

    @contextlib.contextmanager
    def session(self) -> Iterator[EspeakSession]:
        """A fresh worker for one edition, closed (or killed) afterwards."""
        w = self._start()
        try:
            yield EspeakSession(self, w)
        finally:
            self._stop(w)

    def _ensure_info(self) -> tuple[str, tuple[InstalledVoice, ...]]:
        if self._info is None:
            self._stop(self._start())
        assert self._info is not None
        return self._info

    @property
    def version(self) -> str:
        return self._ensure_info()[0]

    def installed(self) -> tuple[InstalledVoice, ...]:
        return self._ensure_info()[1]

    def resolve(self, voice_id: str) -> InstalledVoice | None:
        """The installed voice a configured id names: the identifier, or its last part ("cmn")."""
        wanted = voice_id.lower()
        voices = self.installed()
        for v in voices:
            if v.id == wanted:
                return v
        for v in voices:
            if v.id.rsplit("/", 1)[-1] == wanted:
                return v
        return None

    def problem(self, lang: str, voice_id: str | None, name: str | None = None) -> str | None:
        """Why ``lang`` cannot be spoken with ``voice_id`` (a phrase for notes); None when it can."""
        who = f"{name} ({lang})" if name else f"'{lang}'"
        if not voice_id:
            return f"no espeak-ng voice exists for {who}"
        if reason := unusable_reason(voice_id):
            return f"espeak-ng voice '{voice_id}' for {who} is not used: {reason}"
        if not self.version.startswith(REQUIRED_VERSION):
            return f"espeak-ng {self.version} is loaded; {who} needs {REQUIRED_VERSION}"
        if self.resolve(voice_id) is None:
            return f"espeak-ng {self.version} has no voice '{voice_id}' for {who}"
        return None

    def check(self, lang: str, voice_id: str | None) -> str:
        """The installed voice id for ``lang``; EngineUnavailable (never another voice) when there is none."""
        problem = self.problem(lang, voice_id)
        if problem is not None:
            raise EngineUnavailable(f"speech [{lang}]: {problem}")
        assert voice_id is not None
        found = self.resolve(voice_id)
        assert found is not None
        return found.id


class EspeakSession:
    """One worker process, used for one edition; its voices speak in the order they are asked."""

    def __init__(self, engine: EspeakEngine, worker: _Worker) -> None:
        self.engine = engine
        self._worker = worker

    @property
    def pid(self) -> int:
        """The worker's process id (tests stop it to simulate a hang)."""
        return self._worker.pid

    def voice(self, lang: str, voice_id: str | None, rate: int) -> EspeakVoice:
        return EspeakVoice(self, lang, self.engine.check(lang, voice_id), rate)

    def synthesize(self, lang: str, voice_id: str, rate: int, text: str) -> Speech:
        label = f"speech [{lang}] espeak-ng voice '{voice_id}'"
        if not self._worker.alive:
            raise EngineUnavailable(f"{label}: the worker process is gone")
        timeout = self.engine.timeout + self.engine.per_char * len(text)
        try:
            answer = self._worker.request(voice_id, rate, text, timeout)
        except EngineUnavailable as exc:
            raise EngineUnavailable(f"{label}: {exc}") from None
        if answer[0] != "ok":
            raise EngineUnavailable(f"{label}: {answer[1]}")
        _, pcm, sample_rate, used = answer
        if used != voice_id:
            raise EngineUnavailable(f"{label}: the engine spoke with voice '{used}' instead; audio discarded")
        if sample_rate != SAMPLE_RATE:
            raise EngineUnavailable(f"{label}: {sample_rate} Hz audio, {SAMPLE_RATE} Hz expected")
        speech = Speech(bytes(pcm), sample_rate)
        floor = minimum_seconds(text, rate)
        if speech.seconds < floor:
            raise EngineUnavailable(
                f"{label}: {speech.seconds:.2f} s of audio for {len(text)} characters "
                f"(at least {floor:.2f} s expected): synthesis stopped early"
            )
        return speech


@dataclass(frozen=True)
class EspeakVoice:
    """One language's espeak-ng voice within a session."""

    session: EspeakSession
    lang: str
    voice_id: str
    rate: int

    @property
    def description(self) -> str:
        return f"espeak-ng {self.session.engine.version} {self.voice_id}, rate {self.rate}"

    def speak(self, text: str) -> Speech:
        return self.session.synthesize(self.lang, self.voice_id, self.rate, text)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
