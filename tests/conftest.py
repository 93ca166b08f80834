"""Shared fixtures. Translation fixtures obtain their models themselves: nothing is skipped."""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]

# Hypothesis runs the same examples on every run (derandomized), so `make test` cannot pass once and
# fail the next time; no deadlines, as the machines are slow and shared. CI (the CI variable set)
# also keeps no example database and prints no reproduction blobs: nothing differs between runs.
settings.register_profile("ggmulti", derandomize=True, deadline=None)
settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=False)
settings.load_profile("ci" if os.environ.get("CI") else "ggmulti")


def _outside_the_clone(root: Path) -> Callable[[str, tuple[object, ...]], None]:
    """An audit hook refusing any file or folder the tests open beside the clone (a sibling folder of notes).

    A clone elsewhere has nothing beside it, so a test reading there passes here and fails for a newcomer.
    Temporary folders, caches in the home folder and Python's own prefix stay readable wherever they lie.
    """
    parent = str(root.parent).rstrip(os.sep) + os.sep
    home = Path.home()
    readable = (root, Path(tempfile.gettempdir()), Path(sys.prefix), Path(sys.base_prefix))
    caches = (home / ".cache", home / ".local", home / ".config", home / ".npm")
    folders = (str(p).rstrip(os.sep) + os.sep for p in (*readable, *caches))
    # A folder that holds the clone's parent (a clone made in /tmp) exempts nothing beside the clone.
    allowed = tuple(f for f in folders if not parent.startswith(f))

    def hook(event: str, args: tuple[object, ...]) -> None:
        if event not in ("open", "os.listdir", "os.scandir") or not args:
            return
        target = args[0]
        if isinstance(target, bytes):
            target = os.fsdecode(target)
        if not isinstance(target, str | os.PathLike):
            return
        path = os.path.abspath(target) + os.sep
        if path.startswith(parent) and not path.startswith(allowed):
            raise PermissionError(
                f"a test opened {path.rstrip(os.sep)}: outside the repository ({root}); "
                "a clone elsewhere has nothing beside it, so tests read only the repository's own files"
            )

    return hook


def pytest_sessionstart(session: pytest.Session) -> None:
    sys.addaudithook(_outside_the_clone(ROOT))


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def zh_en_argosmodel() -> Path:
    """The real zh->en Argos model (74 MB), downloaded once into a cache outside the clone and sha-checked."""
    fetcher = _load("ggmulti_fetch_test_model", ROOT / "scripts" / "fetch_test_model.py")
    path: Path = fetcher.fetch()
    return path


@pytest.fixture(scope="session")
def zh_en_models_dir(zh_en_argosmodel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models folder with the real zh->en package installed (shared read-only by the session)."""
    from ggmulti.translate.archive import install

    root = tmp_path_factory.mktemp("zh-en-models")
    install(zh_en_argosmodel, root=root)
    return root


@pytest.fixture(scope="session")
def build_argosmodel(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """build_argosmodel(from_code, to_code, **kw) -> a tiny random-weight .argosmodel, built offline."""
    synthetic = _load("ggmulti_synthetic_argos", ROOT / "tests" / "fixtures" / "synthetic_argos.py")
    folder = tmp_path_factory.mktemp("synthetic-argos")
    built: dict[tuple[object, ...], Path] = {}

    def build(from_code: str, to_code: str, **kw: object) -> Path:
        key = (from_code, to_code, *sorted((k, repr(v)) for k, v in kw.items()))
        if key not in built:
            out = folder / f"{len(built)}" / f"translate-{from_code}_{to_code}.argosmodel"
            built[key] = synthetic.build_package(out, from_code, to_code, **kw)
        return built[key]

    return build


@pytest.fixture(scope="session")
def demo_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``make demo`` once per session (no translation models, whatever this machine has): its output folder."""
    from ggmulti.cli import main

    models = tmp_path_factory.mktemp("demo-no-models")
    out = tmp_path_factory.mktemp("demo") / "output"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GGMULTI_MODELS_DIR", str(models))
        mp.setenv("ARGOS_PACKAGES_DIR", str(models))
        argv = ["--config", str(ROOT / "ggmulti.toml"), "publish", str(ROOT / "examples" / "releases")]
        assert main([*argv, "--out", str(out), "-q"]) == 0
    return out


@pytest.fixture(autouse=True)
def _manifests_follow_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every manifest any test makes ggmulti write is checked against the documented schema first."""
    import json

    import jsonschema

    from ggmulti import manifest

    validator = jsonschema.Draft202012Validator(
        json.loads((ROOT / "docs" / "manifest.schema.json").read_text(encoding="utf-8"))
    )
    original = manifest.dumps

    def checked(value: manifest.Catalogue | dict[str, object]) -> bytes:
        data = original(value)
        if isinstance(value, manifest.Catalogue):
            errors = sorted(validator.iter_errors(json.loads(data)), key=lambda e: list(e.path))
            assert not errors, (
                f"manifest breaks docs/manifest.schema.json: {errors[0].message} at {list(errors[0].path)}"
            )
        return data

    monkeypatch.setattr(manifest, "dumps", checked)


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[None]:
    """One local Ray cluster (2 CPUs) for the whole test run; builds with --executor ray use it."""
    import logging

    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    try:
        yield
    finally:
        ray.shutdown()
