"""The input policy, in one place: which files a source may be, how much of them is read, and YAML
without surprises. ingest.py parses formats; this module decides what reaches the parsers.

- A source is a regular file of at most ``MAX_SOURCE_BYTES``, read by the policy every file ggmulti
  opens follows (readpolicy.py): FIFOs, devices and sockets refused without blocking.
- Folders are walked without following links: a symbolic link inside a folder is read only when it
  resolves inside that folder, hidden entries are skipped, and excluded folders (the output folder) are
  never entered.
- YAML is composed, never constructed, by a loader that refuses anchors and aliases (no "billion
  laughs"), tags other than the plain ones, nesting beyond a few levels and duplicate keys; the caller
  caps the text's size first and types each value itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import InputError
from .readpolicy import read_bytes
from .readpolicy import shown as shown

MAX_SOURCE_BYTES = 20 * 1024 * 1024  # a feed may hold many releases
MAX_YAML_DEPTH = 8
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str", "bool", "null", "int", "float", "timestamp")
)


def read_regular_file(path: Path, *, limit: int = MAX_SOURCE_BYTES, name: Path | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or InputError naming ``name`` (or path).

    A link already resolved (``name`` differs) is opened with O_NOFOLLOW: its target must not move.
    """
    nofollow = name is not None and name != path
    return read_bytes(path, limit=limit, fail=InputError, what="source", name=name, nofollow=nofollow)


@dataclass(frozen=True)
class SourceFile:
    """A file to read: ``path`` as the user knows it (for messages), ``real`` where it actually is."""

    path: Path
    real: Path


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def walk_folder(
    folder: Path,
    suffixes: frozenset[str],
    *,
    exclude: Iterable[Path] = (),
    ignore: frozenset[str] = frozenset(),
) -> list[SourceFile]:
    """The files under ``folder`` whose suffix is in ``suffixes``, sorted; links never lead outside it.

    Hidden entries and names in ``ignore`` (lowercase) are skipped; folders in ``exclude`` are not
    entered. A link that resolves outside ``folder`` (or nowhere) is an InputError, not a silent skip:
    either the folder was meant to hold that file, or someone planted the link.
    """
    root = Path(os.path.realpath(folder))
    excluded = {Path(os.path.realpath(p)) for p in exclude}
    found: list[SourceFile] = []

    def refuse(exc: OSError) -> None:
        raise InputError(f"{shown(exc.filename or folder)}: cannot read folder: {exc.strerror}")

    for dirpath, dirnames, filenames in os.walk(folder, onerror=refuse, followlinks=False):
        here = Path(dirpath)
        keep = []
        for name in sorted(dirnames):
            sub = here / name
            real = Path(os.path.realpath(sub))
            if name.startswith(".") or real in excluded:
                continue
            if sub.is_symlink():
                # Not followed: inside the folder its files are reached by their real path anyway.
                if not _inside(real, root):
                    raise InputError(
                        f"{shown(sub)}: symbolic link to a folder outside {shown(folder)}; sources are read "
                        "only inside the folders given (name the other folder as a source instead)"
                    )
                continue
            keep.append(name)
        dirnames[:] = keep
        for name in filenames:
            if name.startswith(".") or name.lower() in ignore:
                continue
            if os.path.splitext(name)[1].lower() not in suffixes:
                continue
            path = here / name
            real = Path(os.path.realpath(path))
            if path.is_symlink():
                if not _inside(real, root):
                    raise InputError(
                        f"{shown(path)}: symbolic link to a file outside {shown(folder)}; sources are read "
                        "only inside the folders given"
                    )
                if not real.exists():
                    raise InputError(f"{shown(path)}: symbolic link to nothing")
            found.append(SourceFile(path, real))
    found.sort(key=lambda f: f.path)
    return found


# ---------------------------------------------------------------- YAML


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader's composer with a depth count and no anchors or aliases."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            # Refused where they appear, before any expansion: a nested alias ("billion laughs")
            # is a few hundred bytes that become gigabytes once anything walks the value.
            raise yaml.MarkedYAMLError(
                problem="YAML anchors and aliases are not allowed", problem_mark=event.start_mark
            )
        if self._depth >= MAX_YAML_DEPTH:
            raise yaml.MarkedYAMLError(
                problem=f"nested deeper than {MAX_YAML_DEPTH} levels", problem_mark=event.start_mark
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)  # type: ignore[arg-type]
        finally:
            self._depth -= 1


def _check_node(node: yaml.Node, where: str, first_line: int, what: str) -> None:
    """Plain tags only, text keys, no key twice; iterative, and the composer already capped the depth."""
    todo = [node]
    while todo:
        current = todo.pop()
        line = current.start_mark.line + first_line
        if current.tag not in _PLAIN_TAGS:
            raise InputError(f"{where}:{line}: {what}: unsupported YAML tag {current.tag[:60]!r}")
        if isinstance(current, yaml.MappingNode):
            keys: set[str] = set()
            for key, value in current.value:
                key_line = key.start_mark.line + first_line
                if not isinstance(key, yaml.ScalarNode) or key.tag != "tag:yaml.org,2002:str":
                    raise InputError(f"{where}:{key_line}: {what}: keys must be plain text")
                if key.value in keys:
                    raise InputError(f"{where}:{key_line}: {what}: key {key.value[:40]!r} appears twice")
                keys.add(key.value)
                todo.append(value)
        elif isinstance(current, yaml.SequenceNode):
            todo.extend(current.value)


def compose_mapping(
    text: str, where: str, *, first_line: int = 1, what: str = "YAML"
) -> dict[str, yaml.Node]:
    """A YAML mapping as {key: node}, nothing constructed; InputError as "where:line: what: problem".

    ``first_line`` is the file line of the text's first line, so messages point into the file. Nodes
    keep their tag and the text as written; the caller decides which types each key accepts.
    """
    try:
        node = yaml.compose(text, Loader=_StrictLoader)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + first_line
        raise InputError(
            f"{where}:{line}: {what}: character U+{exc.character:04X} is not allowed in YAML "
            "(control characters and noncharacters)"
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f":{mark.line + first_line}" if mark is not None else ""
        raise InputError(f"{where}{at}: {what}: {exc.problem or exc.context or 'invalid YAML'}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{where}: {what}: invalid YAML ({type(exc).__name__})") from None
    if node is None:
        return {}
    _check_node(node, where, first_line, what)
    if not isinstance(node, yaml.MappingNode):
        line = node.start_mark.line + first_line
        raise InputError(f"{where}:{line}: {what}: must be a mapping of keys to values")
    return {key.value: value for key, value in node.value}
