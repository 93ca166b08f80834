"""The espeak-ng voice in worker processes: real 1.52 audio, and every way it can go wrong is loud."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from ggmulti.cli import main
from ggmulti.errors import EngineUnavailable
from ggmulti.speech.espeak import EspeakEngine, minimum_seconds

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def engine() -> Iterator[EspeakEngine]:
    with EspeakEngine() as e:
        yield e


def rms(pcm: bytes) -> float:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    return float(np.sqrt(np.mean(samples**2)))


def test_workers_speak_with_espeak_ng_152(engine: EspeakEngine) -> None:
    assert engine.version.startswith("1.52")
    ids = {v.id for v in engine.installed()}
    assert {"aav/vi", "sit/cmn", "inc/hi", "gmw/en"} <= ids
    assert engine.resolve("cmn") is not None and engine.resolve("cmn").id == "sit/cmn"  # type: ignore[union-attr]
    assert engine.resolve("zh") is None  # espeak-ng has no "zh" voice id


# Phonemes of a Mandarin phrase from the library the workers load; Debian's 1.51 reads the tone digits
# of its pinyin as English numbers, which shows up as "(en)" language switches in the phonemes.
_PHONEMES = """
import ctypes, sys
from pathlib import Path
import espeakng_loader as el
lib = ctypes.CDLL(el.get_library_path())
lib.espeak_Initialize(1, 0, str(Path(el.get_data_path()).parent).encode(), 0)
lib.espeak_SetVoiceByName(b"cmn")
lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_int]
buf = ctypes.c_char_p(sys.argv[1].encode())
out = []
while buf.value:
    out.append(lib.espeak_TextToPhonemes(ctypes.byref(buf), 1, 0).decode())
print(" ".join(out))
"""


def test_mandarin_tones_are_not_read_as_english_numbers() -> None:
    text = "京畿道知事金东兖表示。"
    done = subprocess.run(
        [sys.executable, "-c", _PHONEMES, text], capture_output=True, text=True, check=True, timeout=60
    )
    phonemes = done.stdout
    assert "(en)" not in phonemes, phonemes
    assert "tS;'i55N" in phonemes  # jīng, first tone (55), read as Mandarin
    debian = shutil.which("espeak-ng")
    if debian and "1.51" in subprocess.run([debian, "--version"], capture_output=True, text=True).stdout:
        old = subprocess.run([debian, "-q", "-x", "-v", "cmn", text], capture_output=True, text=True).stdout
        assert "(en)" in old  # the bug the wheel's 1.52 avoids (espeak-ng issue #1028)


def test_speech_is_real_audio_and_as_long_as_the_text(engine: EspeakEngine) -> None:
    with engine.session() as session:
        vi = session.voice("vi", "vi", 160)
        speech = vi.speak("Xin chào các bạn. Tỉnh Gyeonggi tăng hỗ trợ cho trẻ em nước ngoài.")
        zh = session.voice("zh", "cmn", 160).speak("京畿道增加对外国儿童的保育支持。")
    assert speech.sample_rate == 22050
    assert 2.0 < speech.seconds < 10.0
    assert rms(speech.pcm) > 500
    assert zh.seconds > minimum_seconds("京畿道增加对外国儿童的保育支持。", 160)
    assert rms(zh.pcm) > 500


def test_a_session_gives_the_same_bytes_every_time(engine: EspeakEngine) -> None:
    texts = ["Xin chào.", "Tỉnh Gyeonggi tăng hỗ trợ."]
    runs = []
    for _ in range(2):
        with engine.session() as session:
            voice = session.voice("vi", "vi", 160)
            runs.append([voice.speak(t).pcm for t in texts])
    assert runs[0] == runs[1]


def test_an_unknown_voice_fails_loudly(engine: EspeakEngine) -> None:
    with engine.session() as session:
        with pytest.raises(
            EngineUnavailable, match=r"speech \[vi\]: espeak-ng 1\.52\.\d+ has no voice 'xx-none'"
        ):
            session.voice("vi", "xx-none", 160)
        # Past the parent's check, straight to the worker: espeak-ng refuses it, nothing is spoken.
        with pytest.raises(
            EngineUnavailable, match=r"speech \[vi\] espeak-ng voice 'xx-none': espeak-ng refused"
        ):
            session.synthesize("vi", "xx-none", 160, "Xin chào.")


def test_languages_without_a_usable_voice(engine: EspeakEngine) -> None:
    assert engine.problem("lo", None, "Lao") == "no espeak-ng voice exists for Lao (lo)"
    for lang, voice in (("th", "th"), ("my", "my"), ("ja", "ja")):
        problem = engine.problem(lang, voice)
        assert problem is not None and "is not used" in problem
    with engine.session() as session, pytest.raises(EngineUnavailable, match="Thai"):
        session.voice("th", "th", 160)
    assert engine.problem("vi", "vi") is None


def test_a_hang_is_reported_and_the_worker_killed() -> None:
    with EspeakEngine(timeout=1.0, per_char=0.0) as engine, engine.session() as session:
        voice = session.voice("vi", "vi", 160)
        voice.speak("Xin chào.")
        os.kill(session.pid, signal.SIGSTOP)  # the engine stops answering, as a hung runAndWait() would
        started = time.monotonic()
        with pytest.raises(EngineUnavailable, match=r"speech \[vi\].*no answer within 1 s.*worker killed"):
            voice.speak("Xin chào các bạn.")
        assert time.monotonic() - started < 10
        with pytest.raises(ProcessLookupError):
            os.kill(session.pid, 0)
        with pytest.raises(EngineUnavailable, match="gone"):
            voice.speak("Xin chào.")


def test_an_early_return_is_reported() -> None:
    with EspeakEngine(worker="speech_fakes:short_audio") as engine, engine.session() as session:
        voice = session.voice("vi", "vi", 160)
        with pytest.raises(EngineUnavailable, match=r"0\.05 s of audio .* synthesis stopped early"):
            voice.speak("Tỉnh Gyeonggi sẽ tăng thêm 50.000 won vào khoản hỗ trợ phí chăm sóc trẻ hằng tháng.")


def test_audio_in_another_voice_is_refused() -> None:
    with (
        EspeakEngine(worker="speech_fakes:other_voice") as engine,
        engine.session() as session,
        pytest.raises(EngineUnavailable, match="spoke with voice 'gmw/en' instead"),
    ):
        session.voice("vi", "vi", 160).speak("Xin chào.")


def test_a_worker_that_cannot_start_says_why() -> None:
    with EspeakEngine(worker="speech_fakes:crash") as engine, pytest.raises(EngineUnavailable) as info:
        engine.version  # noqa: B018
    assert "worker died while starting" in str(info.value)
    assert "cannot open shared object file" in str(info.value)


def test_publish_with_an_unknown_voice_fails_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "ggmulti.toml"
    config.write_text(
        '[build]\nlanguages = ["vi", "en"]\nformats = ["html", "audio"]\n'
        f'[paths]\nglossary = "{ROOT / "glossary"}"\nmemory = "{ROOT / "memory"}"\n'
        '[languages.vi]\nvoice = "xx-none"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    code = main(
        ["--config", str(config), "publish", str(ROOT / "examples" / "releases"), "--out", str(out), "-q"]
    )
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: speech [vi]: espeak-ng 1.52.0 has no voice 'xx-none' for Vietnamese (vi)"]
    assert not out.exists() or not any(out.iterdir())
