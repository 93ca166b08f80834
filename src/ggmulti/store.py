"""The only writer of the output folder: paths checked, writes atomic, each path written once per build."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import OutputError
from .manifest import Artifact, ArtifactKind

_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


def atomic_write(target: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename: readers see the old or the new file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the file from the web server and other readers
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class FileState:
    """What a build saw of a file it wrote or kept: a later build trusts an unchanged size and mtime."""

    size: int
    mtime_ns: int
    sha256: str


class OutputStore:
    """Writes below ``root`` only. A crash mid-write leaves the old file or the new one, never a torn one.

    ``states``: every file this build wrote, left alone or found intact, as it is now on disk; ``known``:
    the states an earlier build recorded (the build loads them from its work cache, see cache.py).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._written: set[str] = set()
        self.states: dict[str, FileState] = {}
        self.known: dict[str, FileState] = {}

    def prepare(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise OutputError(f"{self.root}: output path exists and is not a folder")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{self.root}: cannot create output folder: {exc.strerror}") from None
        # A build killed mid-write leaves its temporary files (never a torn published file): clear them.
        for stale in self.root.rglob(".*.tmp"):
            if stale.is_file() and not stale.is_symlink():
                stale.unlink()

    def resolve(self, relpath: str) -> Path:
        """The absolute path for ``relpath``, or OutputError if it could land outside the root."""
        pure = PurePosixPath(relpath)
        if (
            pure.is_absolute()
            or not pure.parts
            or any(not _SAFE_PART.match(p) or p in (".", "..") for p in pure.parts)
        ):
            raise OutputError(f"{self.root}: refused to write {relpath!r}: not a plain relative path")
        target = self.root.joinpath(*pure.parts)
        root = self.root.resolve()
        # Symlinks planted inside the output folder must not redirect a write outside it.
        parent = target.parent
        while not parent.exists():
            parent = parent.parent
        if not (parent.resolve() == root or parent.resolve().is_relative_to(root)):
            raise OutputError(
                f"{self.root}: refused to write {relpath!r}: it resolves outside the output folder"
            )
        if target.is_symlink():
            raise OutputError(f"{self.root}: refused to write {relpath!r}: it is a symbolic link")
        return target

    def write(self, relpath: str, data: bytes, kind: ArtifactKind) -> Artifact:
        if relpath in self._written:
            raise OutputError(f"{self.root}: {relpath} would be written twice in one build")
        target = self.resolve(relpath)
        # Identical bytes are left alone: a rebuild that changes nothing touches no file.
        if not (target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data):
            atomic_write(target, data)
        self._written.add(relpath)
        sha = sha256_bytes(data)
        self.states[relpath] = FileState(len(data), target.stat().st_mtime_ns, sha)
        return Artifact(kind=kind, path=relpath, sha256=sha, bytes=len(data))

    def remove(self, relpath: str) -> None:
        """Delete a file this folder's catalogue no longer lists (a withdrawn edition, a replaced bundle)."""
        target = self.resolve(relpath)
        target.unlink(missing_ok=True)
        folder = target.parent
        while folder != self.root and folder.is_relative_to(self.root) and not any(folder.iterdir()):
            folder.rmdir()  # an emptied language or bundle folder goes too
            folder = folder.parent

    def read(self, relpath: str) -> bytes | None:
        target = self.resolve(relpath)
        try:
            return target.read_bytes()
        except FileNotFoundError:
            return None
