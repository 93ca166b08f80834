"""Hostile input, fuzzed: glossary files and reviewed XLIFF either load or fail with a clear GgmultiError."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ggmulti.errors import GgmultiError
from ggmulti.glossary.load import check_directory
from ggmulti.glossary.model import Glossary
from ggmulti.model import Release
from ggmulti.review import import_review

YAML_PIECES = st.sampled_from(
    [
        "kind: places\n",
        "entries:\n",
        "  - id: a\n",
        "    forms: {en: Seoul}\n",
        "    forms:\n      en: x\n",
        "  - id: A B\n",
        "!!python/object:os.system\n",
        "&a [*a]\n",
        "- [\n",
        "    dnt: yes\n",
        "\t",
        "'",
        ":",
        "    variants: {en: [Gyeonggi-do]}\n",
        "    review: [lo]\n",
        "\x00",
        "kind: 5\n",
        "entries: {}\n",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(YAML_PIECES, max_size=12), noise=st.text(max_size=40))
def test_glossary_files_load_or_report(tmp_path: Path, parts: list[str], noise: str) -> None:
    (tmp_path / "g.yaml").write_text("".join(parts) + noise, encoding="utf-8")
    try:
        glossary, problems = check_directory(tmp_path, {"en": "Latn", "lo": "Laoo"})
    except GgmultiError as exc:
        assert str(exc)
        return
    assert isinstance(glossary, Glossary)
    assert all(str(p).startswith(str(tmp_path / "g.yaml")) for p in problems if p.error and p.file)


XLIFF_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
XLIFF_PIECES = st.sampled_from(
    [
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:1.1" version="1.1">',
        '<file original="x" source-language="en" datatype="plaintext" target-language="vi"><body>',
        '<trans-unit id="r:p0:s0">',
        '<trans-unit id="../x">',
        "<source>Hello there.</source>",
        '<target state="final">Xin chào.</target>',
        "</trans-unit>",
        "</body></file></xliff>",
        '<!DOCTYPE x [<!ENTITY e "ee">]>',
        "&e;",
        "<![CDATA[x]]>",
        "<target>",
        "</source>",
        "\x01",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(XLIFF_PIECES, max_size=12))
def test_xliff_import_never_crashes_or_half_writes(tmp_path: Path, parts: list[str]) -> None:
    path = tmp_path / "in.xlf"
    path.write_text(XLIFF_HEAD + "".join(parts), encoding="utf-8")
    memory = tmp_path / "memory"
    release = Release("r", "Title", None, "en", ("Hello there.",), "test")
    try:
        import_review(path, memory, [release], Glossary(()), ["en", "vi"])
    except GgmultiError as exc:
        assert str(exc)
        assert not memory.exists() or not any(memory.iterdir())
        return
    files = list(memory.glob("*")) if memory.exists() else []
    assert all(f.suffix == ".xlf" and not f.name.startswith(".") for f in files)
