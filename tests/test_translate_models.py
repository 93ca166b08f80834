"""Model packages: install/remove/lock, hostile archives, and fetch from an index served on 127.0.0.1."""

from __future__ import annotations

import hashlib
import http.server
import json
import socket
import stat
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ggmulti.cli import main
from ggmulti.errors import EngineUnavailable, GgmultiError, ModelError
from ggmulti.translate.archive import install, remove
from ggmulti.translate.index import fetch
from ggmulti.translate.lockfile import read_lock
from ggmulti.translate.models import installed_models, packages_dir

Build = Callable[..., Path]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_install_unpacks_records_and_locks(build_argosmodel: Build, tmp_path: Path) -> None:
    pkg = build_argosmodel("en", "vi")
    root, lock = tmp_path / "models", tmp_path / "models.lock"
    result = install(pkg, sha(pkg), root=root, lock_path=lock)
    assert not result.unchanged and result.model.sha256 == sha(pkg)
    assert [m.pairs for m in installed_models(root)] == [("en-vi",)]
    entry = read_lock(lock)["en-vi"]
    assert (entry.file, entry.package_version, entry.sha256) == (pkg.name, "1.0", sha(pkg))
    text = lock.read_text(encoding="utf-8")
    assert '[models."en-vi"]' in text and f'sha256 = "{sha(pkg)}"' in text
    assert install(pkg, root=root, lock_path=lock).unchanged  # idempotent
    assert sorted(p.name for p in root.iterdir()) == ["translate-en_vi-1_0"]  # no staging left behind


def test_sha256_mismatch_is_refused(build_argosmodel: Build, tmp_path: Path) -> None:
    pkg = build_argosmodel("en", "vi")
    with pytest.raises(ModelError, match=r"sha256 is [0-9a-f]{64}, expected 0{64}"):
        install(pkg, "0" * 64, root=tmp_path / "models")
    with pytest.raises(ModelError, match="not 64 hex digits"):
        install(pkg, "abc", root=tmp_path / "models")
    assert not (tmp_path / "models").exists()


def test_lock_pins_the_model_per_pair(build_argosmodel: Build, tmp_path: Path) -> None:
    first, other = build_argosmodel("en", "vi", seed=1), build_argosmodel("en", "vi", seed=2)
    assert sha(first) != sha(other)
    root, lock = tmp_path / "models", tmp_path / "models.lock"
    install(first, root=root, lock_path=lock)
    with pytest.raises(ModelError, match=r"does not match models\.lock for en-vi"):
        install(other, root=root, lock_path=lock)
    assert installed_models(root)[0].sha256 == sha(first)  # untouched
    # another machine: empty models folder, same lock -> only the pinned file installs
    with pytest.raises(ModelError, match=r"models\.lock"):
        install(other, root=tmp_path / "elsewhere", lock_path=lock)
    assert install(first, root=tmp_path / "elsewhere", lock_path=lock).model.sha256 == sha(first)
    # to change models: remove the pair (package and lock entry), then install the new file
    assert remove("en-vi", root=root, lock_path=lock) == ["translate-en_vi-1_0"]
    assert installed_models(root) == [] and read_lock(lock) == {}
    install(other, root=root, lock_path=lock)
    assert read_lock(lock)["en-vi"].sha256 == sha(other)


def test_install_without_a_lock_replaces_the_pair(build_argosmodel: Build, tmp_path: Path) -> None:
    root = tmp_path / "models"
    install(build_argosmodel("en", "vi", seed=1), root=root)
    result = install(build_argosmodel("en", "vi", seed=2, version="1.1"), root=root)
    assert result.replaced == ("translate-en_vi-1_0",)
    assert [(m.path.name, m.version) for m in installed_models(root)] == [("translate-en_vi-1_1", "1.1")]


def test_remove_unknown_pair_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no installed model and no lock entry for en-km"):
        remove("en->km", root=tmp_path, lock_path=tmp_path / "models.lock")
    with pytest.raises(ModelError, match="not a language pair"):
        remove("english", root=tmp_path)


def test_models_dir_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GGMULTI_MODELS_DIR", raising=False)
    monkeypatch.delenv("ARGOS_PACKAGES_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert packages_dir() == tmp_path / "data" / "ggmulti" / "models"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "argos"))
    assert packages_dir() == tmp_path / "argos"
    monkeypatch.setenv("GGMULTI_MODELS_DIR", str(tmp_path / "mine"))
    assert packages_dir() == tmp_path / "mine"


# --- hostile archives --------------------------------------------------------------------------------

META = json.dumps({"from_code": "en", "to_code": "vi", "package_version": "1"})
GOOD = {"p/metadata.json": META, "p/model/model.bin": "x", "p/sentencepiece.model": "x"}


def make_zip(path: Path, members: dict[str, str], *, symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        if symlink is not None:
            info = zipfile.ZipInfo(symlink)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, "/etc/passwd")
    return path


@pytest.mark.parametrize(
    ("members", "symlink", "message"),
    [
        ({**GOOD, "p/../../evil.txt": "x"}, None, "unsafe member path"),
        ({**GOOD, "/etc/evil": "x"}, None, "unsafe member path"),
        ({**GOOD, "p\\..\\evil": "x"}, None, "unsafe member path"),
        ({**GOOD, "q/other.txt": "x"}, None, "exactly one top folder"),
        ({**GOOD, "loose.txt": "x"}, None, "outside the package folder"),
        (GOOD, "p/link", "link or special file"),
        ({k: v for k, v in GOOD.items() if k != "p/metadata.json"}, None, "no p/metadata.json"),
        ({**GOOD, "p/metadata.json": '{"from_code": "en"}'}, None, "no valid 'to_code'"),
        ({**GOOD, "p/metadata.json": "{not json"}, None, "not valid JSON"),
        ({**GOOD, "p/metadata.json": '{"from_code": "en", "to_code": "../x"}'}, None, "no valid 'to_code'"),
        ({k: v for k, v in GOOD.items() if k != "p/model/model.bin"}, None, "no p/model/model.bin"),
    ],
)
def test_hostile_or_broken_archives_are_refused(
    tmp_path: Path, members: dict[str, str], symlink: str | None, message: str
) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names some cases need
        pkg = make_zip(tmp_path / "bad.argosmodel", members, symlink=symlink)
    root = tmp_path / "models"
    with pytest.raises(ModelError, match=message):
        install(pkg, root=root, lock_path=tmp_path / "models.lock")
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()
    assert not root.exists() or list(root.iterdir()) == []
    assert not (tmp_path / "models.lock").exists()


def test_zip_bomb_is_refused_before_and_while_unpacking(tmp_path: Path) -> None:
    bomb = make_zip(tmp_path / "bomb.argosmodel", {**GOOD, "p/model/model.bin": "\0" * 5_000_000})
    assert bomb.stat().st_size < 100_000
    with pytest.raises(ModelError, match="unpacks to more than 1000000 bytes"):
        install(bomb, root=tmp_path / "models", max_unpacked_bytes=1_000_000)
    assert not (tmp_path / "models").exists()


def test_lying_size_header_cannot_write_more(tmp_path: Path) -> None:
    pkg = make_zip(tmp_path / "liar.argosmodel", {**GOOD, "p/model/model.bin": "\0" * 100_000})
    data = bytearray(pkg.read_bytes())
    # shrink the uncompressed size that the central directory records for model.bin to 10 bytes
    header = data.find(b"p/model/model.bin", data.find(b"PK\x01\x02")) - 46
    assert data[header : header + 4] == b"PK\x01\x02"
    data[header + 24 : header + 28] = (10).to_bytes(4, "little")
    pkg.write_bytes(bytes(data))
    with zipfile.ZipFile(pkg) as z:
        assert z.getinfo("p/model/model.bin").file_size == 10
    with pytest.raises(ModelError, match=r"liar\.argosmodel: "):
        install(pkg, root=tmp_path / "models")
    assert list((tmp_path / "models").iterdir()) == []


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "x.argosmodel"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(ModelError, match="not a zip archive"):
        install(path, root=tmp_path / "models")


# --- fetch from an index on 127.0.0.1 ----------------------------------------------------------------


class Server:
    def __init__(self, folder: Path) -> None:
        handler = _quiet_handler(folder)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.requests: list[str] = handler.log
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _quiet_handler(folder: Path) -> type[http.server.SimpleHTTPRequestHandler]:
    log: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            log.append(self.path)

    Handler.log = log  # type: ignore[attr-defined]
    return Handler


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    folder = tmp_path / "www"
    folder.mkdir()
    server = Server(folder)
    server.thread.start()
    try:
        yield server, folder
    finally:
        server.close()


def write_index(folder: Path, entries: list[dict[str, object]]) -> None:
    (folder / "index.json").write_text(json.dumps(entries), encoding="utf-8")


def publish(folder: Path, pkg: Path, **extra: object) -> dict[str, object]:
    (folder / "packages").mkdir(exist_ok=True)
    (folder / "packages" / pkg.name).write_bytes(pkg.read_bytes())
    return {
        "from_code": "en",
        "to_code": pkg.name.split("_")[1].split(".")[0],
        "package_version": "1.0",
        "links": [f"packages/{pkg.name}"],
        **extra,
    }


def test_fetch_downloads_verifies_installs_and_locks(
    build_argosmodel: Build, tmp_path: Path, served: tuple[Server, Path]
) -> None:
    server, www = served
    vi, lo = build_argosmodel("en", "vi"), build_argosmodel("en", "lo")
    write_index(www, [publish(www, vi, sha256=sha(vi)), publish(www, lo), {"type": "sbd", "from_code": "en"}])
    root, lock = tmp_path / "models", tmp_path / "models.lock"
    results = fetch(["vi", "lo"], server.url + "index.json", root=root, lock_path=lock)
    assert sorted(r.model.pairs[0] for r in results) == ["en-lo", "en-vi"]
    assert {p: e.sha256 for p, e in read_lock(lock).items()} == {"en-vi": sha(vi), "en-lo": sha(lo)}
    assert read_lock(lock)["en-vi"].file == vi.name
    served_count = len(server.requests)
    # everything installed and matching the lock: no network at all
    server.close()
    assert fetch(["vi", "lo"], server.url + "index.json", root=root, lock_path=lock) == []
    assert len(server.requests) == served_count


def test_fetch_refuses_a_package_whose_sha_differs_from_the_index(
    build_argosmodel: Build, tmp_path: Path, served: tuple[Server, Path]
) -> None:
    server, www = served
    vi = build_argosmodel("en", "vi")
    write_index(www, [publish(www, vi, sha256="f" * 64)])
    with pytest.raises(ModelError, match=r"does not match the index \(f{64}\)"):
        fetch(["vi"], server.url + "index.json", root=tmp_path / "models", lock_path=tmp_path / "models.lock")
    assert installed_models(tmp_path / "models") == [] and not (tmp_path / "models.lock").exists()


def test_fetch_refuses_a_package_that_differs_from_the_lock(
    build_argosmodel: Build, tmp_path: Path, served: tuple[Server, Path]
) -> None:
    server, www = served
    pinned, swapped = build_argosmodel("en", "vi", seed=1), build_argosmodel("en", "vi", seed=2)
    lock = tmp_path / "models.lock"
    install(pinned, root=tmp_path / "pinning-machine", lock_path=lock)
    write_index(www, [publish(www, swapped)])  # the index now serves another file under that name
    with pytest.raises(ModelError, match=r"does not match models\.lock for en-vi"):
        fetch(["vi"], server.url + "index.json", root=tmp_path / "models", lock_path=lock)
    assert installed_models(tmp_path / "models") == []


def test_fetch_reports_every_missing_pair(
    build_argosmodel: Build, tmp_path: Path, served: tuple[Server, Path]
) -> None:
    server, www = served
    write_index(www, [publish(www, build_argosmodel("en", "vi"))])
    with pytest.raises(ModelError) as err:
        fetch(["km", "vi", "my"], server.url + "index.json", root=tmp_path / "models")
    assert str(err.value).splitlines() == [
        f"{server.url}index.json: no en-km package",
        f"{server.url}index.json: no en-my package",
    ]
    assert [m.pairs for m in installed_models(tmp_path / "models")] == [("en-vi",)]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_offline_index_is_a_clear_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/index.json"
    with pytest.raises(
        EngineUnavailable, match=r"cannot reach .*index\.json: Connection refused \(offline\?"
    ):
        fetch(["vi"], url, root=tmp_path / "models", timeout=5)
    code = main(
        [
            "models",
            "--models-dir",
            str(tmp_path / "models"),
            "--lock",
            str(tmp_path / "models.lock"),
            "fetch",
            "vi",
            "--index",
            url,
        ]
    )
    err = capsys.readouterr().err
    assert (
        code == 1
        and err.count("\n") == 1
        and err.startswith(f"error: cannot reach {url}: Connection refused")
    )


# --- CLI ------------------------------------------------------------------------------------------


def test_cli_install_list_remove(
    build_argosmodel: Build, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pkg = build_argosmodel("en", "vi", target_prefixes={"vi": "__vi__", "lo": "__lo__"})
    base = ["models", "--models-dir", str(tmp_path / "models"), "--lock", str(tmp_path / "models.lock")]
    assert main([*base, "install", str(pkg), "--sha256", sha(pkg)]) == 0
    assert "installed translate-en_vi-1_0: en-vi, en-lo" in capsys.readouterr().out
    assert main([*base, "list", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert [(r["pair"], r["status"], r["target_prefix"]) for r in listing["models"]] == [
        ("en-lo", "ok", "__lo__"),
        ("en-vi", "ok", "__vi__"),
    ]
    assert main([*base, "list"]) == 0
    assert "en-vi" in capsys.readouterr().out
    assert main([*base, "install", str(pkg), "--sha256", "0" * 64]) == 1
    assert capsys.readouterr().err.startswith(f"error: {pkg.name}: sha256 is ")
    assert main([*base, "remove", "en-lo"]) == 0
    assert "removed translate-en_vi-1_0" in capsys.readouterr().out
    assert main([*base, "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["models"] == []


def test_cli_lock_defaults_to_the_project_root(
    build_argosmodel: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    (project / "ggmulti.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(project / "sub")
    monkeypatch.setenv("GGMULTI_MODELS_DIR", str(tmp_path / "models"))
    assert main(["models", "install", str(build_argosmodel("en", "vi"))]) == 0
    assert "en-vi" in read_lock(project / "models.lock")


def test_error_classes() -> None:
    assert issubclass(ModelError, GgmultiError)
