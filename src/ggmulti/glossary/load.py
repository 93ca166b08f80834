"""Load glossary/*.yaml into Terms, with every schema problem reported as file:line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from jsonschema import Draft202012Validator

from ..cache import key_of
from ..errors import GlossaryError, GlossaryFileError
from ..readpolicy import read_text
from .check import Problem, consistency_problems
from .model import Glossary, Term

if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from ..cache import WorkCache

MAX_GLOSSARY_FILE_BYTES = 2 * 1024 * 1024
_LANG = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
_ID = r"^[a-z0-9][a-z0-9-]{0,79}$"
_FORM = {"type": "string", "minLength": 1, "maxLength": 200}
_MAX_DEPTH = 8
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str", "bool", "null", "int", "float")
)

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "entries"],
    "properties": {
        "kind": {"type": "string", "pattern": r"^[a-z][a-z-]*$"},
        "description": {"type": "string"},
        "entries": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "forms"],
                "properties": {
                    "id": {"type": "string", "pattern": _ID},
                    "forms": {
                        "type": "object",
                        "minProperties": 1,
                        "additionalProperties": False,
                        "patternProperties": {_LANG: _FORM},
                    },
                    "variants": {
                        "type": "object",
                        "additionalProperties": False,
                        "patternProperties": {_LANG: {"type": "array", "items": _FORM}},
                    },
                    "spoken": {
                        "type": "object",
                        "additionalProperties": False,
                        "patternProperties": {_LANG: _FORM},
                    },
                    "dnt": {"type": "boolean"},
                    "note": {"type": "string"},
                    "review": {"type": "array", "items": {"type": "string", "pattern": _LANG}},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Located:
    """A YAML document as plain data, plus the line of every node by its path."""

    data: Any
    lines: dict[tuple[str | int, ...], int]


def _to_data(
    node: yaml.Node,
    path: tuple[str | int, ...],
    lines: dict[tuple[str | int, ...], int],
    where: str,
    seen: set[int] | None = None,
) -> Any:
    seen = set() if seen is None else seen
    line = node.start_mark.line + 1
    # Anchors and aliases: a node met twice. Refused: they make diffs unreadable, and a recursive or
    # nested alias ("billion laughs") would expand without bound.
    if id(node) in seen:
        raise GlossaryFileError(where, line, "YAML anchors and aliases are not allowed in the glossary")
    seen.add(id(node))
    if len(path) > _MAX_DEPTH:
        raise GlossaryFileError(where, line, f"nested deeper than {_MAX_DEPTH} levels")
    lines[path] = line
    if node.tag not in _PLAIN_TAGS:
        raise GlossaryFileError(where, line, f"unsupported YAML tag {node.tag!r}")
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _to_data(key_node, (*path, "<key>"), {}, where, seen)
            if not isinstance(key, str):
                raise GlossaryFileError(
                    where, key_node.start_mark.line + 1, f"keys must be text, got {key!r}"
                )
            if key in out:
                raise GlossaryFileError(where, key_node.start_mark.line + 1, f"duplicate key '{key}'")
            out[key] = _to_data(value_node, (*path, key), lines, where, seen)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(child, (*path, i), lines, where, seen) for i, child in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    tag = node.tag
    if tag == "tag:yaml.org,2002:str":
        return node.value
    if tag == "tag:yaml.org,2002:bool":
        return node.value.lower() in ("true", "yes", "on")
    if tag == "tag:yaml.org,2002:null":
        return None
    return node.value  # int and float: never valid glossary values; the schema names the field


def read_yaml(text: str, where: str) -> Located:
    """Compose (never construct) the document, so no tag can build a Python object.

    libyaml's parser when PyYAML has it: the pure-Python one took most of `glossary check` at 20,000 entries.
    """
    lines: dict[tuple[str | int, ...], int] = {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise GlossaryFileError(where, line, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise GlossaryFileError(where, 0, f"invalid YAML: {exc}") from None
    if node is None:
        raise GlossaryFileError(where, 1, "empty glossary file")
    return Located(_to_data(node, (), lines, where), lines)


def _line_of(located: Located, path: tuple[str | int, ...]) -> int:
    while path not in located.lines and path:
        path = path[:-1]
    return located.lines.get(path, 1)


def schema_problems(located: Located, where: str) -> tuple[list[Problem], set[int]]:
    """Problems as "file:line: field: message", and the indexes of entries they make unusable."""
    validator = Draft202012Validator(SCHEMA)
    problems = []
    broken: set[int] = set()
    for err in sorted(
        validator.iter_errors(located.data), key=lambda e: (_line_of(located, tuple(e.path)), e.message)
    ):
        path = tuple(err.path)
        field = ".".join(str(p) for p in path) or "(top level)"
        message = err.message
        if err.validator == "additionalProperties":
            message = message.replace("Additional properties are not allowed", "unknown field(s)")
        problems.append(Problem(where, _line_of(located, path), f"{field}: {message}"))
        broken.add(int(path[1]) if len(path) > 1 and path[0] == "entries" else -1)
    return problems, broken


def terms_from(located: Located, where: str, skip: set[int]) -> list[Term]:
    kind = located.data["kind"]
    terms = []
    for i, entry in enumerate(located.data["entries"]):
        if i in skip:
            continue
        terms.append(
            Term(
                id=entry["id"],
                kind=kind,
                forms=dict(entry["forms"]),
                variants={k: tuple(v) for k, v in entry.get("variants", {}).items()},
                spoken=dict(entry.get("spoken", {})),
                dnt=bool(entry.get("dnt", False)),
                note=entry.get("note", ""),
                review=tuple(entry.get("review", [])),
                file=where,
                line=_line_of(located, ("entries", i)),
            )
        )
    return terms


def parse_file(text: str, where: str) -> tuple[list[Term], list[Problem]]:
    """The usable terms of one glossary file, and all of its problems (each with file:line).

    Entries with schema problems are left out, so the checks across entries still run on the rest.
    """
    try:
        located = read_yaml(text, where)
    except GlossaryFileError as exc:
        return [], [Problem(exc.file, exc.line, exc.detail)]
    problems, broken = schema_problems(located, where)
    if -1 in broken:
        return [], problems
    return terms_from(located, where, broken), problems


def glossary_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


def load_texts(texts: dict[str, str]) -> tuple[Glossary, list[Problem]]:
    """Glossary from {file name: YAML text}: shared by the working tree and `glossary diff --base REV`."""
    terms: list[Term] = []
    problems: list[Problem] = []
    for where in sorted(texts):
        file_terms, file_problems = parse_file(texts[where], where)
        terms.extend(file_terms)
        problems.extend(file_problems)
    return Glossary(tuple(terms)), problems


def read_directory(directory: Path) -> dict[str, str]:
    if not directory.is_dir():
        raise GlossaryError(f"{directory}: glossary folder not found")
    texts: dict[str, str] = {}
    for path in glossary_files(directory):
        where = str(path)
        texts[where] = read_text(
            path, limit=MAX_GLOSSARY_FILE_BYTES, fail=GlossaryError, what="glossary file"
        )
    return texts


def check_directory(directory: Path, scripts: dict[str, str] | None = None) -> tuple[Glossary, list[Problem]]:
    """Every problem of the glossary in ``directory``: schema (file:line) and across entries."""
    glossary, problems = load_texts(read_directory(directory))
    return glossary, problems + consistency_problems(glossary, scripts)


def load_glossary(
    directory: Path, scripts: dict[str, str] | None = None, cache: WorkCache | None = None
) -> Glossary:
    """The glossary of ``directory``; GlossaryError listing every error if any entry or file is invalid.

    With a work cache, a glossary whose files (names and bytes), scripts and checking code are those of
    an earlier valid load is taken from the cache: no YAML, schema or consistency pass on a build that
    changed no glossary file. An invalid glossary is never cached, so its errors are reported every time.
    """
    texts = read_directory(directory)
    key = key_of("glossary", cache.code, scripts or {}, sorted(texts.items())) if cache else ""
    if cache is not None and (found := cache.get("glossary", key)) is not None:
        return Glossary(_terms_adapter().validate_json(found))
    glossary, problems = load_texts(texts)
    problems += consistency_problems(glossary, scripts)
    errors = [str(p) for p in problems if p.error]
    if errors:
        raise GlossaryError("\n".join(errors))
    if cache is not None:
        cache.put("glossary", key, _terms_adapter().dump_json(glossary.terms).decode())
    return glossary


def _terms_adapter() -> TypeAdapter[tuple[Term, ...]]:
    from pydantic import TypeAdapter  # imported when a cache is used, as data.py does

    return TypeAdapter(tuple[Term, ...])
