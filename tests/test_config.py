"""ggmulti.toml: one schema, every problem reported at once (each naming its key), usage errors exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from ggmulti.cli import main
from ggmulti.config import CONFIG_NAME, DEFAULT_LANGUAGES, find_config, load_config
from ggmulti.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "ggmulti.toml"
EXAMPLE = REPO / "examples" / "releases" / "01-asocio-digital-government-award.md"


def _toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / CONFIG_NAME
    path.write_text(text, encoding="utf-8")
    return path


def test_default_language_set() -> None:
    assert DEFAULT_LANGUAGES == (
        "vi", "zh", "lo", "hi", "th", "km", "mn", "ru", "uz", "ne", "tl", "id", "my", "ja", "en",
    )  # fmt: skip


def test_repository_config_loads_with_the_default_languages() -> None:
    config = load_config(CONFIG)
    assert tuple(config.languages) == DEFAULT_LANGUAGES
    assert config.build.formats == ("html", "pdf", "audio", "epub")
    assert config.language("zh").bcp47 == "zh-Hans"
    assert config.language("zh").voice == "cmn"  # the override in ggmulti.toml
    assert config.root == REPO


def test_without_a_file_the_built_in_defaults_apply(tmp_path: Path) -> None:
    config = load_config(None, cwd=tmp_path)
    assert tuple(config.languages) == DEFAULT_LANGUAGES


def test_nearest_config_upwards_is_found(tmp_path: Path) -> None:
    path = _toml(tmp_path, '[build]\nlanguages = ["en", "vi"]\n')
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_config(nested) == path
    assert tuple(load_config(None, cwd=nested).languages) == ("en", "vi")


def test_overrides_and_new_languages(tmp_path: Path) -> None:
    path = _toml(
        tmp_path,
        """
[build]
languages = ["en", "vi", "fr"]
[languages.vi]
rate = 150
[languages.fr]
name = "French"
native_name = "Français"
bcp47 = "fr"
script = "Latn"
font = "Noto Sans"
""",
    )
    config = load_config(path)
    assert config.language("vi").rate == 150
    assert config.language("vi").native_name == "Tiếng Việt"  # untouched fields keep their built-in values
    assert config.language("fr").name == "French"
    assert config.glossary_dir == tmp_path / "glossary"


def test_invalid_toml_is_one_error_naming_the_file(tmp_path: Path) -> None:
    path = _toml(tmp_path, "[build\nlanguages = [\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert len(err.value.problems) == 1
    assert str(path) in err.value.problems[0] and "invalid TOML" in err.value.problems[0]


def test_non_utf8_config_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / CONFIG_NAME
    path.write_bytes(b'[publisher]\nname = "caf\xe9"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path)


def test_every_bad_field_is_reported_at_once_each_naming_its_key(tmp_path: Path) -> None:
    path = _toml(
        tmp_path,
        """
[publisher]
nme = "typo"

[build]
formats = ["html", "gif"]

[languages.vi]
rate = 10
script = "latin"
""",
    )
    with pytest.raises(ConfigError) as err:
        load_config(path)
    problems = err.value.problems
    keys = ["publisher.nme", "build.formats", "languages.vi.rate", "languages.vi.script"]
    for key in keys:
        assert sum(key in p for p in problems) == 1, (key, problems)
    assert all(p.startswith(str(path)) for p in problems)
    assert "gif" in next(p for p in problems if "build.formats" in p)


def test_unknown_language_without_its_fields_names_what_to_give(tmp_path: Path) -> None:
    path = _toml(tmp_path, '[build]\nlanguages = ["en", "xx"]\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert any("languages.xx.font" in p and "unknown language 'xx'" in p for p in err.value.problems)


def test_cli_reports_every_config_problem_one_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _toml(tmp_path, '[build]\nformats = ["gif"]\n[languages.vi]\nrate = 10\n')
    assert main(["--config", str(path), "check", str(EXAMPLE)]) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 2
    assert all(line.startswith("error: ") and str(path) in line for line in lines)
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_cli_missing_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(tmp_path / "nope.toml"), "doctor"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "nope.toml" in err


def test_unknown_lang_code_is_exit_1_with_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(["--config", str(CONFIG), "publish", str(EXAMPLE), "--out", str(out), "--lang", "xx"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip().splitlines() == [err.strip()]
    assert "--lang xx" in err and "not a configured language" in err
    assert not out.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["publish", str(EXAMPLE)],  # no --out
        ["publish", "--out", "somewhere"],  # no source
        ["check"],  # no source
        ["frobnicate"],  # no such command
        ["publish", str(EXAMPLE), "--out", "x", "--no-such-option"],
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--config", str(CONFIG), *argv]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "Error" in captured.err
    assert list(tmp_path.iterdir()) == []
