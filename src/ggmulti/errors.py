"""Error hierarchy: ``str(err)`` is the one line a user sees; the CLI maps classes to exit codes."""

from __future__ import annotations


class GgmultiError(Exception):
    """Base of every error the user can act on (bad input, bad config, missing capability)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(GgmultiError):
    """ggmulti.toml is unreadable or invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class InputError(GgmultiError):
    """A source file (feed, Markdown, text dump) cannot be ingested."""


class LanguageCheckError(GgmultiError):
    """A release is not written in the language it declares."""


class GlossaryError(GgmultiError):
    """The term glossary is invalid."""


class EngineUnavailable(GgmultiError):
    """No translation engine or voice can serve a request; never papered over with a substitute."""


class OutputError(GgmultiError):
    """Writing to the output folder was refused (path escapes it, one path written twice, ...)."""


class BuildFailed(GgmultiError):
    """The build finished its checks with problems that --strict (or the issue's rules) make fatal."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))
