"""--executor ray (ray_executor.py) on one local Ray cluster per test run: the same bytes as a local
build, a worker killed mid-build retried, an edition that keeps failing named in one line."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

import ggmulti.publish as publish
import ggmulti.ray_executor as ray_executor
from ggmulti.cli import main
from ggmulti.executor import Chunk
from ggmulti.formats.api import EditionKey, EditionResult
from projects import ROOT, memory_only_config

SAMPLES = ROOT / "examples" / "releases"


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _project(tmp: Path, theme: Path | None = None, executor: str = "local") -> Path:
    config = tmp / "ggmulti.toml"
    text = memory_only_config(["en", "vi"], ROOT / "glossary")
    text = text.replace('formats = ["html"]', f'formats = ["html", "epub"]\nexecutor = "{executor}"')
    if theme is not None:
        text = text.replace("[paths]\n", f'[paths]\ntemplates = "{theme}"\n')
    config.write_text(text, encoding="utf-8")
    return config


def _publish(config: Path, out: Path, *extra: str) -> int:
    return main(["--config", str(config), "publish", str(SAMPLES), "--out", str(out), "-q", *extra])


@pytest.mark.usefixtures("ray_cluster")
def test_the_demo_on_ray_is_byte_identical_to_the_local_build(
    demo_output: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models = tmp_path / "no-models"
    models.mkdir()
    monkeypatch.setenv("GGMULTI_MODELS_DIR", str(models))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(models))
    out = tmp_path / "output"
    argv = ["--config", str(ROOT / "ggmulti.toml"), "publish", str(SAMPLES), "--out", str(out), "-q"]
    assert main([*argv, "--executor", "ray"]) == 0
    assert (out / "manifest.json").read_bytes() == (demo_output / "manifest.json").read_bytes()
    assert _files(out) == _files(demo_output)
    assert main(["verify", str(out)]) == 0


@pytest.mark.usefixtures("ray_cluster")
def test_a_ray_worker_killed_mid_build_is_retried_and_the_bytes_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = tmp_path / "local"
    assert _publish(_project(tmp_path), local) == 0

    killed: list[int] = []
    finished = ray_executor.RayExecutor._finished

    def kills_a_worker(
        self: ray_executor.RayExecutor, chunks: Sequence[Chunk]
    ) -> Iterator[tuple[int, dict[EditionKey, EditionResult]]]:
        import ray

        for n, item in enumerate(finished(self, chunks)):
            if n == 1:  # chunks are in flight on every actor: kill one of their processes
                pid = ray.get(self.actors[0].pid.remote())
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            yield item

    monkeypatch.setattr(ray_executor.RayExecutor, "_finished", kills_a_worker)
    monkeypatch.setattr(publish, "chunk_size", lambda _workers: 1)
    out = tmp_path / "ray"
    assert _publish(_project(tmp_path), out, "--executor", "ray") == 0
    assert killed, "no worker was killed: the build finished in fewer than two chunks"
    assert (out / "manifest.json").read_bytes() == (local / "manifest.json").read_bytes()
    assert _files(out) == _files(local)


@pytest.mark.usefixtures("ray_cluster")
def test_an_edition_that_keeps_failing_stops_the_build_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    page = (ROOT / "src" / "ggmulti" / "templates" / "release.html.j2").read_text(encoding="utf-8")
    broken = '{% if title.text.startswith("K-Beauty") %}{{ 1 // (title.text|length - title.text|length) }}{% endif %}'
    (theme / "release.html.j2").write_text(page.replace("{% block head %}", "{% block head %}" + broken, 1))
    out = tmp_path / "out"
    assert _publish(_project(tmp_path, theme, executor="ray"), out) == 1  # [build] executor
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        "error: k-beauty-expo-vietnam-2025 [en]: ZeroDivisionError: integer division or modulo by zero"
    ]
    assert not (out / "manifest.json").exists()
