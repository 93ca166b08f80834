"""The only writer of the output folder: paths checked, writes atomic, each path written once per build.

One build writes a folder at a time: ``OutputStore.lock()`` holds an exclusive ``flock`` on
``.ggmulti.lock`` inside it, and a second build refuses at once (it does not wait). The kernel drops
the lock when its holder exits, however it exits, so the file a killed build leaves never blocks
the next one.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from .errors import OutputError
from .manifest import Artifact, ArtifactKind
from .readpolicy import path_length_problem, read_bytes, shown

_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
LOCK_NAME = ".ggmulti.lock"  # never published; verify.py ignores exactly this name
_HOLDER_BYTES = 200  # "pid N since <time>" is far shorter
_LOCK_ATTEMPTS = 5  # a lock file replaced this often while we look is not a folder to write into


def _cannot(path: Path, doing: str, exc: OSError) -> OutputError:
    """One line naming the file and the system's reason (read-only folder, full disk, ...)."""
    return OutputError(f"{path}: cannot {doing}: {exc.strerror or exc}")


def atomic_write(target: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename: readers see the old or the new file.

    Raises OSError (the temporary file removed); the output store turns it into an OutputError line.
    """
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


MAX_READ_BYTES = 2 * 1024**3  # a published file read back (the manifest, a bundle part): bounded all the same


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
        problem = path_length_problem(root)
        if problem is not None:
            raise OutputError(f"{shown(root)[:80]}...: cannot be an output folder: {problem}")
        self.root = root
        self._written: set[str] = set()
        self.states: dict[str, FileState] = {}
        self.known: dict[str, FileState] = {}

    def _make_root(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise OutputError(f"{self.root}: output path exists and is not a folder")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{self.root}: cannot create output folder: {exc.strerror}") from None

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Be the folder's only writer until the block ends; OutputError at once if another build is.

        Refusing rather than waiting: a build takes minutes, and a second one started by mistake
        (a double click, an overlapping cron run) should say so now rather than hang. The file goes
        when the block ends, so a folder nobody writes holds only what was published.
        """
        self._make_root()
        path = self.root / LOCK_NAME
        fd = self._acquire(path)
        try:
            since = datetime.now().astimezone().isoformat(timespec="seconds")
            try:
                os.ftruncate(fd, 0)  # a killed build's file may still name it
                os.pwrite(fd, f"pid {os.getpid()} since {since}".encode(), 0)
            except OSError as exc:
                raise _cannot(path, "write the build lock", exc) from None
            try:
                yield
            finally:
                with suppress(OSError):
                    path.unlink()  # still holding the lock: whoever opened this file retries (below)
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def _acquire(self, path: Path) -> int:
        """A descriptor of ``path`` holding its exclusive flock, or OutputError naming the holder."""
        for _attempt in range(_LOCK_ATTEMPTS):
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                raise _cannot(path, "open the build lock", exc) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                holder = os.pread(fd, _HOLDER_BYTES, 0).decode("utf-8", "replace").strip()
                os.close(fd)
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    raise _cannot(path, "lock the output folder", exc) from None
                raise OutputError(
                    f"{self.root}: another ggmulti build is writing here ({holder or 'pid unknown'}); "
                    "run again when it has finished"
                ) from None
            try:
                current = os.stat(path, follow_symlinks=False).st_ino
            except FileNotFoundError:
                current = None
            if current == os.fstat(fd).st_ino:
                return fd
            os.close(fd)  # locked a file its last holder removed meanwhile: take the one there now
        raise OutputError(f"{path}: cannot lock the output folder: the lock file keeps being replaced")

    def prepare(self) -> None:
        """Create the folder and clear temporary files a killed build left (call it holding the lock)."""
        self._make_root()

        # A build killed mid-write leaves its temporary files (never a torn published file): clear them.
        def refuse(exc: OSError) -> None:
            raise _cannot(self.root, "list the output folder", exc)

        for folder, _dirs, names in os.walk(self.root, onerror=refuse):  # scandir: a stat-free walk
            for name in names:
                if name.startswith(".") and name.endswith(".tmp"):
                    stale = Path(folder, name)
                    if stale.is_file() and not stale.is_symlink():
                        try:
                            stale.unlink()
                        except OSError as exc:
                            raise _cannot(stale, "remove a temporary file", exc) from None

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
        try:
            root = self.root.resolve()
            # Symlinks planted inside the output folder must not redirect a write outside it.
            parent = target.parent
            while not parent.exists():
                parent = parent.parent
            inside = parent.resolve() == root or parent.resolve().is_relative_to(root)
        except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
            raise OutputError(
                f"{self.root}: refused to write {relpath!r}: a symbolic link loop lies on its way"
            ) from None
        if not inside:
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
        try:
            # Identical bytes are left alone: a rebuild that changes nothing touches no file.
            if not (target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data):
                atomic_write(target, data)
        except OSError as exc:
            raise _cannot(target, "write", exc) from None
        self._written.add(relpath)
        sha = sha256_bytes(data)
        self.states[relpath] = FileState(len(data), target.stat().st_mtime_ns, sha)
        return Artifact(kind=kind, path=relpath, sha256=sha, bytes=len(data))

    def remove(self, relpath: str) -> None:
        """Delete a file this folder's catalogue no longer lists (a withdrawn edition, a replaced bundle)."""
        target = self.resolve(relpath)
        try:
            target.unlink(missing_ok=True)
        except OSError as exc:
            raise _cannot(target, "remove", exc) from None
        folder = target.parent
        try:
            while folder != self.root and folder.is_relative_to(self.root) and not any(folder.iterdir()):
                folder.rmdir()  # an emptied language or bundle folder goes too
                folder = folder.parent
        except OSError as exc:
            raise _cannot(folder, "remove the emptied folder", exc) from None

    def read(self, relpath: str) -> bytes | None:
        target = self.resolve(relpath)
        if not os.path.lexists(target):
            return None
        return read_bytes(target, limit=MAX_READ_BYTES, fail=OutputError, what="published file")
