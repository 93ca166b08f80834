"""Docs stay honest: every command the CLI has is in the README (sqlite-utils' test_docs habit)."""

from __future__ import annotations

from pathlib import Path

import click

from ggmulti.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "ggmulti") -> list[str]:
    found = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            found += commands(command, path)
        else:
            found.append(path)
    return found


def test_every_command_is_documented() -> None:
    names = commands(cli)
    assert len(names) >= 12
    missing = [n for n in names if n not in README and f"`{n.split()[-1]}" not in README]
    assert missing == []


def test_readme_starts_with_the_two_commands() -> None:
    head = README[: README.index("## Command line")]
    assert "make demo" in head and "make test" in head
