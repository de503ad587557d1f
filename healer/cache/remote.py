"""A client for the Bazel remote-cache HTTP protocol: GET and PUT on `/ac/<key>` and `/cas/<sha256>`.

What bazel-remote, BuildBuddy's HTTP cache and an nginx location with `dav_methods PUT` all serve: the
action cache (`/ac/`, any 64-hex-digit key, the value whatever the client put) and the content-addressed
store (`/cas/`, the key the value's own lowercase sha256). A 404 is a miss. bazel-remote checks that what is
put under `/ac/` is a Bazel ActionResult unless it runs with `--disable_http_ac_validation`; a 400 answer to
a PUT there says so in the notice.

A shared cache must never slow a check down: the first failure to reach the server (refused, no answer
within `connect_timeout`, a name that does not resolve, a 5xx, a refused login) is said once and every later
request of this client, and of every client for that URL in this process for `DOWN_SECONDS`, returns at
once without a socket. One connection is kept open (HTTP/1.1 keep-alive) for all requests of a client, so
a run with many stages pays the connection once. Usable on its own (`get_blob`/`put_blob` for anything
content-addressed: shared fixes, logs).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import socket
import threading
import time
from collections.abc import Callable, Mapping
from urllib.parse import unquote, urlsplit

from healer.errors import HealerError

Notify = Callable[[str], None]

DOWN_SECONDS = 300.0
"""How long a server found unreachable is not asked again by this process (watch mode lives long)."""
MAX_BODY = 64 * 1024 * 1024
"""A larger answer is no healer entry: it is not read into memory."""

_down: dict[str, float] = {}
"""URL -> when this process found it unreachable (monotonic clock)."""
_down_lock = threading.Lock()


class _Down(Exception):
    """The server cannot be reached or refuses us: stop asking it."""


def blob_digest(data: bytes) -> str:
    """The key of `data` in the content-addressed store: its lowercase sha256."""
    return hashlib.sha256(data).hexdigest()


def _is_key(key: str) -> bool:
    return len(key) == 64 and all(c in "0123456789abcdef" for c in key)


def _connection_class(scheme: str) -> type[http.client.HTTPConnection]:
    """A connection whose connect waits `connect_timeout`, and whose reads wait the longer `timeout`."""
    base: type[http.client.HTTPConnection] = http.client.HTTPConnection
    if scheme == "https":
        base = http.client.HTTPSConnection

    class Connection(base):  # type: ignore[valid-type,misc]
        connect_timeout = 0.08

        def connect(self) -> None:
            # An ASCII host as bytes: a str would load the idna codec (milliseconds) to say the same.
            host = self.host.encode("ascii") if self.host.isascii() else self.host
            sock = socket.create_connection((host, self.port), self.connect_timeout, self.source_address)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(self.timeout)
            if scheme == "https":
                # The handshake is a read like any other: the longer timeout.
                sock = self._context.wrap_socket(sock, server_hostname=self.host)
            self.sock = sock

    return Connection


class RemoteCache:
    """One server's `/ac/` and `/cas/`, through one kept-alive connection; thread-safe (one request at a time)."""

    def __init__(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = 5.0,
        connect_timeout: float = 0.08,
        notify: Notify | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            # Never the URL itself in the message: one from an environment variable may carry a password.
            raise HealerError(
                f"remote cache: the URL ({parts.scheme or 'no'} scheme) is not an http(s) URL with a host"
            )
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.base = parts.path.rstrip("/")
        # For messages and the down memo: never the credentials a URL may carry.
        self.url = f"{parts.scheme}://{self.host}:{self.port}{self.base}"
        self.headers = dict(headers or {})
        if parts.username is not None:
            login = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            self.headers.setdefault("Authorization", "Basic " + base64.b64encode(login.encode()).decode())
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.notify = notify or (lambda _text: None)
        self.down: str | None = None
        """Why this client asks the server nothing more, once it found it unusable."""
        self.writes_refused: str | None = None
        """Why this client puts nothing more (the server refused a write), reads going on."""
        self.requests = 0
        """Requests sent (tests and benchmarks count them)."""
        self._lock = threading.Lock()
        self._connection: http.client.HTTPConnection | None = None
        with _down_lock:
            since = _down.get(self.url)
        if since is not None and time.monotonic() - since < DOWN_SECONDS:
            self.down = "found unreachable earlier in this process"

    # -- the protocol --------------------------------------------------------------------------

    def get_action(self, key: str) -> bytes | None:
        """The action cache's value for `key` (64 hex digits), or None: a miss, or the server unusable."""
        return self._get(f"/ac/{key}")

    def put_action(self, key: str, data: bytes) -> bool:
        """Store `data` under `key` in the action cache; False when it was not stored (said once)."""
        return self._put(f"/ac/{key}", data)

    def get_blob(self, digest: str) -> bytes | None:
        """The content-addressed blob whose sha256 is `digest`; None if it is missing, or damaged (its content is
        not that digest: corrupt or truncated). The caller says what it cannot do without it."""
        data = self._get(f"/cas/{digest}")
        if data is None or blob_digest(data) != digest:
            return None
        return data

    def put_blob(self, data: bytes) -> str | None:
        """Store `data` in the content-addressed store; its digest, or None when it was not stored."""
        digest = blob_digest(data)
        return digest if self._put(f"/cas/{digest}", data) else None

    def close(self) -> None:
        with self._lock:
            self._drop()

    # -- requests ------------------------------------------------------------------------------

    def _get(self, path: str) -> bytes | None:
        if not _is_key(path.rpartition("/")[2]):
            raise ValueError(f"not a sha256 key: {path}")
        with self._lock:
            answer = self._send("GET", path, None)
        if answer is None:
            return None
        status, body = answer
        if status == 200:
            return body
        return None  # 404 (a miss) and whatever else a cache may say about one entry

    def _put(self, path: str, data: bytes) -> bool:
        if not _is_key(path.rpartition("/")[2]):
            raise ValueError(f"not a sha256 key: {path}")
        with self._lock:
            if self.writes_refused is not None:
                return False
            answer = self._send("PUT", path, data)
            if answer is None:
                return False
            status, body = answer
            if 200 <= status < 300:
                return True
            said = body[:200].decode("utf-8", "replace").strip()
            hint = ""
            if status == 400 and path.startswith("/ac/"):
                hint = " (bazel-remote takes healer's entries only with --disable_http_ac_validation)"
            elif status == 405:
                hint = " (an nginx location needs `dav_methods PUT;` and `create_full_put_path on;`)"
            self.writes_refused = f"HTTP {status}"
            self.notify(f"the remote cache {self.url} refused a write (HTTP {status}{': ' + said if said else ''})"
                        f"{hint}; nothing more is written to it this run")  # fmt: skip
            return False

    def _send(self, method: str, path: str, body: bytes | None) -> tuple[int, bytes] | None:
        """(status, body), or None when the server is unusable (said once, then never asked again)."""
        if self.down is not None:
            return None
        try:
            return self._exchange(method, path, body)
        except _Down as error:
            self._give_up(str(error))
            return None

    def _exchange(self, method: str, path: str, body: bytes | None) -> tuple[int, bytes]:
        for attempt in (1, 2):
            fresh = self._connection is None
            connection = self._open()
            try:
                self.requests += 1
                headers = {**self.headers, "Connection": "keep-alive"}
                connection.request(method, self.base + path, body=body, headers=headers)
                response = connection.getresponse()
                length = response.getheader("Content-Length")
                if length is not None and length.isdigit() and int(length) > MAX_BODY:
                    self._drop()
                    return 413, b""
                data = response.read(MAX_BODY + 1)
                if response.will_close or len(data) > MAX_BODY:
                    self._drop()
            except http.client.IncompleteRead as error:
                # The server closed in the middle of an answer: this entry is truncated, the server may be fine.
                self._drop()
                return 200, bytes(error.partial)
            except (OSError, http.client.HTTPException) as error:
                self._drop()
                if fresh or attempt == 2:
                    raise _Down(_why(error)) from error
                continue  # a kept-alive connection the server had closed meanwhile: once more, on a new one
            if response.status in (401, 403):
                raise _Down(f"it refused healer's credentials (HTTP {response.status})")
            if response.status >= 500:
                raise _Down(f"it answered HTTP {response.status}")
            return response.status, data
        raise AssertionError("unreachable")

    def _open(self) -> http.client.HTTPConnection:
        if self._connection is None:
            kind = _connection_class(self.scheme)
            connection = kind(self.host, self.port, timeout=self.timeout)
            connection.connect_timeout = self.connect_timeout  # type: ignore[attr-defined]
            self._connection = connection
        return self._connection

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _give_up(self, why: str) -> None:
        self._drop()
        self.down = why
        with _down_lock:
            _down[self.url] = time.monotonic()
        self.notify(f"the remote cache {self.url} cannot be used ({why}); this run goes on without it")


def _why(error: BaseException) -> str:
    if isinstance(error, socket.timeout | TimeoutError):
        return "no answer in time"
    if isinstance(error, socket.gaierror):
        return f"its host name does not resolve: {error.strerror or error}"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def forget_down() -> None:
    """Ask every server again (tests; a long-lived process that knows the network is back)."""
    with _down_lock:
        _down.clear()
