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


class GlossaryError(GgmultiError):
    """The term glossary is invalid."""


class GlossaryFileError(GlossaryError):
    """A problem at a place in one glossary file; `glossary check` lists it with the others."""

    def __init__(self, file: str, line: int, detail: str) -> None:
        super().__init__(f"{file}:{line}: {detail}")
        self.file, self.line, self.detail = file, line, detail


class EngineUnavailable(GgmultiError):
    """No translation engine or voice can serve a request; never papered over with a substitute."""


class ModelError(GgmultiError):
    """A translation package, the lock file or a package index is unusable (one line per problem)."""


class OutputError(GgmultiError):
    """Writing to the output folder was refused (path escapes it, one path written twice, ...)."""


class BuildFailed(GgmultiError):
    """The build finished its checks with problems that --strict (or the issue's rules) make fatal."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class MemoryFileError(GgmultiError):
    """A translation memory or XLIFF file is unreadable or invalid."""


class ReviewError(GgmultiError):
    """An XLIFF file cannot be imported; every problem is listed, nothing is written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class ToolMissing(GgmultiError):
    """An outside program a check needs (pdftotext, epubcheck, ...) is not installed."""


class QaInputError(GgmultiError):
    """A segment given to the translation QA checks is too long to be one sentence."""


class TranscriptError(GgmultiError):
    """A published WebVTT transcript cannot give back its sentence timings (a bundle's read-aloud)."""
