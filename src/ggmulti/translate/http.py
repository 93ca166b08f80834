"""HTTP GET for package indexes and archives, through urllib3, bounded in every way a server can stall.

- urllib3 gives connect and read timeouts, strict Content-Length (a short body is an error) and no
  retries; redirects are followed here, at most five, and only to http(s).
- A read timeout alone lets a server that drips one byte per interval hold a download forever, so
  a watchdog cuts the request's sockets at the total deadline (headers included), and a transfer
  slower than ``min_rate`` bytes per second over ``rate_window`` seconds is stopped long before it.
- A Content-Length that is not a number is refused before the body is read.
"""

from __future__ import annotations

import contextlib
import errno
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ..errors import EngineUnavailable, GgmultiError, ModelError
from .limits import NETWORK_DEADLINE, NETWORK_TIMEOUT

MAX_REDIRECTS = 5
MIN_RATE = 1024  # bytes per second, averaged over RATE_WINDOW: slower is a stalled or hostile server
RATE_WINDOW = 60.0  # seconds


def check_http_url(url: str, what: str) -> str:
    """Only http(s) with a host: an index must not make us read local files (file://) or speak FTP."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ModelError(f"{what} {url!r} is not an http(s) URL")
    return url


@dataclass(frozen=True)
class Limits:
    """How long and how much one request may take."""

    max_bytes: int
    timeout: float = NETWORK_TIMEOUT  # connect, and one read
    deadline: float = NETWORK_DEADLINE  # the whole request, headers included
    declared_by: str = ""  # who set max_bytes, for the message ("the index declares")
    min_rate: int = MIN_RATE
    rate_window: float = RATE_WINDOW


class _Watchdog:
    """Shuts the request's sockets down when the total deadline passes."""

    def __init__(self, seconds: float) -> None:
        self.expired = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def track(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
        if self.expired.is_set():
            self._expire()

    def _expire(self) -> None:
        self.expired.set()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the raw socket, also under TLS

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def _pool(url: str, watchdog: _Watchdog, timeout: float) -> HTTPConnectionPool:
    """A one-request connection pool whose sockets the watchdog tracks from the moment they connect."""

    class Watched(HTTPConnection):
        def connect(self) -> None:
            super().connect()
            watchdog.track(self.sock)

    class WatchedTls(HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            watchdog.track(self.sock)

    parts = urllib.parse.urlsplit(url)
    host, limit = parts.hostname or "", urllib3.Timeout(connect=timeout, read=timeout)
    if parts.scheme == "https":
        pool: HTTPConnectionPool = HTTPSConnectionPool(
            host, parts.port, timeout=limit, retries=False, maxsize=1
        )
        pool.ConnectionCls = WatchedTls
    else:
        pool = HTTPConnectionPool(host, parts.port, timeout=limit, retries=False, maxsize=1)
        pool.ConnectionCls = Watched
    return pool


def _target(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))


def _network_error(url: str, exc: BaseException) -> EngineUnavailable:
    reason: object = exc
    seen: BaseException | None = exc
    while seen is not None:  # the system's own words (Connection refused) lie at the end of the chain
        if isinstance(seen, OSError) and seen.strerror:
            reason = seen
            break
        nested = getattr(seen, "reason", None)
        seen = nested if isinstance(nested, BaseException) else (seen.__cause__ or seen.__context__)
    if isinstance(reason, OSError) and reason.strerror:
        reason = reason.strerror
    elif isinstance(reason, BaseException):
        reason = f"{type(reason).__name__}: {reason}" if str(reason) else type(reason).__name__
    return EngineUnavailable(
        f"cannot reach {url}: {reason} (offline? install a carried .argosmodel with "
        "`ggmulti models install`, or point --index at an intranet mirror)"
    )


def http_get(url: str, sink: Callable[[bytes], object], limits: Limits) -> int:
    """Stream ``url`` into ``sink`` within ``limits``; the number of bytes received."""
    check_http_url(url, "package index or link")
    too_big = f"{url}: larger than the {limits.max_bytes} bytes {limits.declared_by or 'allowed'}"
    late = f"{url}: not finished within {limits.deadline:g} s (read timeout {limits.timeout:g} s)"
    slow = f"{url}: fewer than {limits.min_rate} bytes/s for {limits.rate_window:g} s; stopped"
    received = 0
    with _Watchdog(limits.deadline) as watchdog:
        try:
            response = _follow(url, watchdog, limits)
            try:
                length = response.headers.get("Content-Length")
                if length is not None and not length.strip().isdigit():
                    raise ModelError(f"{url}: invalid Content-Length {length[:40]!r}")
                if length is not None and int(length) > limits.max_bytes:
                    raise ModelError(f"{too_big} (Content-Length {int(length)})")
                window_start, window_bytes = time.monotonic(), 0
                # read1: whatever one socket read gives, so the checks run as often as data comes
                while chunk := response.read1(1 << 16):
                    received += len(chunk)
                    window_bytes += len(chunk)
                    if received > limits.max_bytes:
                        raise ModelError(too_big)
                    sink(chunk)
                    if watchdog.expired.is_set():
                        raise ModelError(late)
                    now = time.monotonic()
                    if now - window_start >= limits.rate_window:
                        if window_bytes < limits.min_rate * (now - window_start):
                            raise ModelError(slow)
                        window_start, window_bytes = now, 0
            finally:
                response.release_conn()
        except GgmultiError:
            raise
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
            if watchdog.expired.is_set():
                raise ModelError(late) from exc
            if isinstance(exc, urllib3.exceptions.ProtocolError) and "IncompleteRead" in repr(exc):
                raise ModelError(f"{url}: the body ended before its Content-Length ({exc})") from exc
            raise _network_error(url, exc) from exc
        if watchdog.expired.is_set():  # a socket cut by the watchdog reads as a clean end
            raise ModelError(late)
    return received


def _follow(url: str, watchdog: _Watchdog, limits: Limits) -> urllib3.BaseHTTPResponse:
    """The response at the end of at most MAX_REDIRECTS http(s) redirects; HTTP errors are raised."""
    for _hop in range(MAX_REDIRECTS + 1):
        pool = _pool(url, watchdog, limits.timeout)
        response = pool.urlopen(
            "GET",
            _target(url),
            headers={"User-Agent": "ggmulti", "Accept-Encoding": "identity"},
            redirect=False,
            preload_content=False,
            enforce_content_length=True,
            decode_content=False,  # bytes as sent: a gzip body is not inflated in transit
        )
        if response.status in (301, 302, 303, 307, 308):
            location = response.headers.get("Location")
            response.release_conn()
            if not location:
                raise EngineUnavailable(f"cannot reach {url}: HTTP {response.status} without a Location")
            url = check_http_url(urllib.parse.urljoin(url, location), f"{url}: redirect to")
            continue
        if response.status >= 400:
            response.release_conn()
            raise _network_error(url, EngineUnavailable(f"HTTP {response.status}"))
        return response
    raise EngineUnavailable(f"cannot reach {url}: more than {MAX_REDIRECTS} redirects")


def write_error(path: Path, exc: OSError) -> ModelError:
    """A failed write of a download, with a full disk called by its name."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ModelError(f"{path}: no space left on the device (download stopped and removed)")
    return ModelError(f"{path}: cannot write ({exc.strerror or exc})")


def file_sink(out: BinaryIO, path: Path) -> Callable[[bytes], object]:
    """A sink for ``http_get`` writing to ``out`` (opened unbuffered, so a full disk shows at once)."""

    def write(chunk: bytes) -> None:
        try:
            out.write(chunk)
        except OSError as exc:
            raise write_error(path, exc) from exc

    return write
