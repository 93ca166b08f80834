"""ggmulti as an installed tool: the wheel built from this checkout, in a fresh venv, outside the checkout.

The fresh venv gets the wheel itself (no editable install, nothing from the checkout) and borrows the
already-installed third-party packages through a .pth line, so the test needs no download.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this checkout, built as `make wheel` builds it."""
    wheels = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (built,) = wheels.glob("ggmulti-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bin/ of a fresh venv with the wheel of this checkout installed."""
    work = tmp_path_factory.mktemp("install")
    names = zipfile.ZipFile(wheel).namelist()
    assert "ggmulti/templates/ui.yaml" in names and "ggmulti/templates/release.html.j2" in names
    assert "ggmulti/scaffold/ggmulti.toml.tmpl" in names
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    purelib = Path(
        subprocess.run(
            [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # Third-party packages from the test environment; ggmulti itself only from the wheel.
    (purelib / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(purelib), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (venv / "bin" / "ggmulti").write_text(
        f"#!{venv / 'bin' / 'python'}\nimport sys\nfrom ggmulti.cli import main\nsys.exit(main())\n",
        encoding="utf-8",
    )
    (venv / "bin" / "ggmulti").chmod(0o755)
    return venv / "bin"


def _run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["GGMULTI_MODELS_DIR"] = str(cwd / "no-models")
    return subprocess.run(
        [str(bin_dir / "ggmulti"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(installed / "python"), "-c", "import ggmulti; print(ggmulti.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(ROOT) not in done.stdout, done.stdout
    version = _run(installed, "--version", cwd=tmp_path)
    assert version.returncode == 0 and "ggmulti" in version.stdout


def test_init_then_publish_in_the_new_project(installed: Path, tmp_path: Path) -> None:
    made = _run(installed, "init", "site", "--lang", "vi", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    site = tmp_path / "site"
    for name in (
        "ggmulti.toml",
        "glossary/places.yaml",
        "memory/README.md",
        "sources/welcome.md",
        ".github/workflows/review.yml",
        "README.md",
    ):
        assert (site / name).is_file(), name
    config = site / "ggmulti.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'formats = ["html", "pdf", "audio"]', 'formats = ["html", "pdf"]'
        ),
        encoding="utf-8",
    )
    published = _run(installed, "publish", "sources", "--out", "output", "-q", cwd=site)
    assert published.returncode == 0, published.stderr
    manifest = json.loads((site / "output" / "manifest.json").read_text(encoding="utf-8"))
    (release,) = manifest["releases"]
    kinds = {a["kind"] for a in release["editions"]["en"]["artifacts"]}
    assert {"html", "pdf"} <= kinds
    assert _run(installed, "verify", "output", cwd=site).returncode == 0
    again = _run(installed, "init", "site", cwd=tmp_path)
    assert again.returncode == 1 and "never overwrites" in again.stderr


def _git_init(folder: Path) -> Path:
    folder.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(folder)], check=True, timeout=60)
    return folder


def test_init_in_a_fresh_git_repository_refuses_only_what_it_would_overwrite(
    installed: Path, tmp_path: Path
) -> None:
    repo = _git_init(tmp_path / "repo")
    (repo / "README.md").write_text("# Our press site\n", encoding="utf-8")
    (repo / ".gitignore").write_text("node_modules/\n", encoding="utf-8")
    made = _run(installed, "init", ".", "--lang", "vi", cwd=repo)
    assert made.returncode == 0, made.stderr
    assert (repo / "ggmulti.toml").is_file() and (repo / ".github" / "workflows" / "review.yml").is_file()
    assert (repo / "README.md").read_text(encoding="utf-8") == "# Our press site\n"
    assert "kept your ./README.md" in made.stdout or "kept your README.md" in made.stdout
    ignored = (repo / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ignored[0] == "node_modules/" and "output/" in ignored
    again = _run(installed, "init", ".", cwd=repo)
    assert again.returncode == 1
    (line,) = again.stderr.strip().splitlines()
    assert "would overwrite ggmulti.toml" in line and "never overwrites" in line


@pytest.mark.slow
def test_the_wheel_and_its_dependencies_install_with_no_compiler_the_way_the_workflow_does(
    wheel: Path, installed: Path, tmp_path: Path
) -> None:
    """The README's install path: the wheel (here through the scaffolded workflow's own install step) into a
    new venv with every dependency from the package registry, CC and CXX set to /bin/false."""
    site = _git_init(tmp_path / "site")
    assert _run(installed, "init", ".", "--lang", "vi", cwd=site).returncode == 0
    (site / "tools").mkdir()
    shutil.copy(wheel, site / "tools" / wheel.name)
    workflow = yaml.safe_load((site / ".github" / "workflows" / "review.yml").read_text(encoding="utf-8"))
    (step,) = [s for s in workflow["jobs"]["review"]["steps"] if s.get("name") == "Install ggmulti"]
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(
        PATH=f"{venv / 'bin'}:{env.get('PATH', '')}",
        CC="/bin/false",
        CXX="/bin/false",
        GGMULTI_SOURCE="",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=site, env=env, capture_output=True, text=True, timeout=1200
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    pyicu = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "show", "PyICU"],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert pyicu.returncode != 0, "PyICU (which compiles) was installed"
    ggmulti = venv / "bin" / "ggmulti"
    imported = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import ggmulti, icu; print(ggmulti.__file__, icu.ICU_VERSION)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert imported.returncode == 0 and str(venv) in imported.stdout, imported.stderr
    checked = subprocess.run(
        [str(ggmulti), "glossary", "check"], cwd=site, env=env, capture_output=True, text=True, timeout=300
    )
    assert checked.returncode == 0, checked.stderr
    fresh = _git_init(tmp_path / "fresh")
    made = subprocess.run(
        [str(ggmulti), "init", ".", "--lang", "lo"],
        cwd=fresh,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    assert (fresh / "ggmulti.toml").is_file()
