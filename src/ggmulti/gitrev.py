"""Running git for the review commands (`glossary diff`, `review diff`): what a file was at a revision."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from .errors import GgmultiError

GIT_TIMEOUT = 60  # seconds: a hung git (a credential prompt, a huge repository) becomes one line


def run_git(args: Sequence[str], cwd: Path, error: type[GgmultiError]) -> subprocess.CompletedProcess[bytes]:
    """git with ``args`` in ``cwd``; ``error`` (one line) when git cannot run at all."""
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise error(f"git {' '.join(args)}: {exc}") from None
