"""Network for a jailed command only to the hosts it needs: an allowlisting HTTP proxy outside the jail.

A coding agent run as a fixer must reach its model's API and nothing else. The
jail keeps its network unshared (a loopback of its own, no route out, no DNS);
`open_egress` starts, outside, a small HTTP proxy listening on a Unix socket in
a private (0700) folder, and `Jail.wrap(..., egress=...)` binds that folder
into the jail and puts the bridge (healer.pipeline.egress_bridge) in front of
the command: it listens on the jail's 127.0.0.1 and carries each connection to
the socket, and starts the command with HTTPS_PROXY and its relatives set.

The proxy understands CONNECT (HTTPS, any TLS stays end to end: nothing is
decrypted) and plain-HTTP requests in absolute form; it resolves names itself,
outside, and connects only where a rule allows:

- `api.anthropic.com`: that host exactly (case and a trailing dot aside);
- `*.openai.com`: any name below openai.com (not openai.com itself);
- `127.0.0.1`, `[::1]`: an address, written as such (a wildcard matches names only);
- a rule without `:port` allows ports 443 and 80; `localhost:8080` that port only.

Anything else is answered `403` and its `host:port` kept in `Egress.refused`, so
healer can say what the agent tried to reach. Matching is on the name asked
for, not on the address it resolves to. Bounded: 64 connections at once, 30 s
to send a request's head (64 KiB at most), 10 minutes without a byte either
way, 64 KiB in flight per direction.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import selectors
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from healer.pipeline import egress_bridge
from healer.pipeline.egress_bridge import CHUNK, IDLE_SECONDS, MAX_CONNECTIONS, Server, finish, relay

DEFAULT_PORTS = (443, 80)
HEAD_SECONDS = 30.0
MAX_HEAD = 64 * 1024
CONNECT_SECONDS = 10.0
MAX_RECORDED = 256
"""Distinct hosts kept in `refused` and `allowed` (a loop trying ten thousand names is not kept whole)."""
SOCKET_NAME = "proxy.sock"
MAX_SOCKET_PATH = 100
"""A Unix socket's path must fit in 108 bytes; a long TMPDIR (macOS's) falls back to /tmp."""
BRIDGE = egress_bridge.__file__
HOP_BY_HOP = {"proxy-connection", "proxy-authorization", "connection", "keep-alive", "te", "trailer", "upgrade"}
REASONS = {400: "Bad Request", 403: "Forbidden", 431: "Request Header Fields Too Large", 502: "Bad Gateway",
           503: "Service Unavailable"}  # fmt: skip
_LABEL = re.compile(r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?")
_METHOD = re.compile(r"[A-Z]{1,20}")


def normal_host(text: str) -> str | None:
    """`text` as rules and requests are compared: lower case, without a trailing dot, an IPv6 address without
    brackets and every address in its canonical form; None if it is no host name or address at all."""
    host = text.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        with contextlib.suppress(ValueError):
            return ipaddress.IPv6Address(host[1:-1]).compressed
        return None
    host = host.removesuffix(".")
    if not host or len(host) > 253:
        return None
    with contextlib.suppress(ValueError):
        return str(ipaddress.ip_address(host))
    labels = host.split(".")
    if labels[-1].isdigit():  # 127.1, 2130706433: numbers the resolver would read as addresses
        return None
    return host if all(_LABEL.fullmatch(label) for label in labels) else None


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def where(host: str, port: int) -> str:
    """`host:port` as `refused` and `allowed` say it (an IPv6 address in brackets)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def split_authority(text: str, default: int | None) -> tuple[str, int]:
    """(normal host, port) of `host[:port]` or `[v6][:port]`; ValueError when it is neither."""
    port_text = ""
    if text.startswith("["):
        end = text.find("]")
        host, rest = text[: end + 1], text[end + 1 :]
        if end < 0 or (rest and not rest.startswith(":")):
            raise ValueError(f"not a host: {text!r}")
        port_text = rest[1:]
        if rest and not port_text:
            raise ValueError(f"no port after ':' in {text!r}")
    elif text.count(":") == 1:
        host, port_text = text.split(":")
        if not port_text:
            raise ValueError(f"no port after ':' in {text!r}")
    elif ":" in text:
        host = f"[{text}]"  # a bare IPv6 address
    else:
        host = text
    name = normal_host(host)
    if name is None:
        raise ValueError(f"not a host name or address: {text!r}")
    if not port_text:
        if default is None:
            raise ValueError(f"no port in {text!r}")
        return name, default
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"not a port: {port_text!r} in {text!r}")
    return name, int(port_text)


@dataclass(frozen=True)
class Rule:
    """One allowlist entry: a host (or, `wildcard`, every name below it) on `port`, or on 443 and 80."""

    host: str
    port: int | None = None
    wildcard: bool = False

    @classmethod
    def parse(cls, text: str) -> Rule:
        """`api.anthropic.com`, `*.openai.com`, `localhost:8080`, `[::1]:8080`; ValueError for anything else."""
        raw = text.strip()
        wildcard = raw.startswith("*.")
        if raw == "*" or "*" in raw[2 if wildcard else 0 :]:
            raise ValueError(f"{text!r}: a wildcard is `*.` before a domain (for every host, sandbox.network = true)")
        host, port = split_authority(raw[2:] if wildcard else raw, 0)
        if wildcard and (_is_address(host) or "." not in host):
            raise ValueError(f"{text!r}: a wildcard needs a domain of two labels or more, not an address")
        return cls(host, port or None, wildcard)

    def matches(self, host: str, port: int) -> bool:
        """Whether a request for `host` (normal, as `normal_host` gives it) on `port` is allowed by this rule."""
        if port not in ((self.port,) if self.port else DEFAULT_PORTS):
            return False
        if self.wildcard:
            return not _is_address(host) and host.endswith("." + self.host)
        return host == self.host

    def __str__(self) -> str:
        text = ("*." if self.wildcard else "") + (f"[{self.host}]" if ":" in self.host else self.host)
        return f"{text}:{self.port}" if self.port else text


def rules(allow: Iterable[str]) -> tuple[Rule, ...]:
    return tuple(Rule.parse(text) for text in allow)


def allows(allowlist: Sequence[Rule], host: str, port: int) -> bool:
    """Whether `host` (as a request names it, any case, a trailing dot or not) on `port` may be reached."""
    name = normal_host(host)
    return name is not None and any(rule.matches(name, port) for rule in allowlist)


class BadRequest(ValueError):
    pass


@dataclass(frozen=True)
class Request:
    method: str
    host: str
    port: int
    forwarded: bytes
    """What goes to the server first: nothing for CONNECT, else the head rewritten to origin form."""


def parse_request(head: bytes) -> Request:
    """A proxy request's head (up to and with its blank line): CONNECT host:port, or an absolute http:// URL."""
    lines = head.decode("latin-1").split("\r\n")
    words = lines[0].split(" ")
    if len(words) != 3 or not _METHOD.fullmatch(words[0]) or words[2] not in ("HTTP/1.0", "HTTP/1.1"):
        raise BadRequest(f"not an HTTP/1 request line: {lines[0][:200]!r}")
    method, target, version = words
    if method == "CONNECT":
        try:
            host, port = split_authority(target, None)
        except ValueError as error:
            raise BadRequest(str(error)) from None
        return Request(method, host, port, b"")
    if not target.lower().startswith("http://"):
        raise BadRequest("a proxy takes CONNECT host:port or a request for an absolute http:// URL")
    parts = urlsplit(target)
    try:
        host, port = split_authority(parts.netloc.rpartition("@")[2], 80)
    except ValueError as error:
        raise BadRequest(str(error)) from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kept = [line for line in lines[1:] if line and line.split(":", 1)[0].strip().lower() not in HOP_BY_HOP]
    text = f"{method} {path} {version}\r\n" + "".join(f"{line}\r\n" for line in kept) + "Connection: close\r\n\r\n"
    return Request(method, host, port, text.encode("latin-1"))


def reply(connection: socket.socket, status: int, text: str) -> None:
    """A short plain-text answer, then the connection is done."""
    body = (text + "\n").encode()
    mark = "refused" if status == 403 else "error"
    head = (
        f"HTTP/1.1 {status} {REASONS[status]}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\nX-Healer-Egress: {mark}\r\n\r\n"
    )
    with contextlib.suppress(OSError):
        connection.settimeout(5.0)
        connection.sendall(head.encode() + body)
    finish(connection)


def read_head(connection: socket.socket, stop: int, seconds: float = HEAD_SECONDS) -> tuple[bytes, bytes] | None:
    """(head, what followed it) of the request on `connection`; None when it ends, stalls past `seconds` in all,
    grows past MAX_HEAD (answered 431) or the proxy stops."""
    buffer = b""
    deadline = time.monotonic() + seconds
    with selectors.DefaultSelector() as selector:
        selector.register(connection, selectors.EVENT_READ)
        selector.register(stop, selectors.EVENT_READ)
        while b"\r\n\r\n" not in buffer:
            if len(buffer) > MAX_HEAD:
                reply(connection, 431, "healer egress: the request's head is too long")
                return None
            left = deadline - time.monotonic()
            ready = selector.select(left) if left > 0 else []
            if not ready or any(key.fd == stop for key, _ in ready):
                return None
            data = connection.recv(CHUNK)
            if not data:
                return None
            buffer += data
    end = buffer.index(b"\r\n\r\n") + 4
    if end > MAX_HEAD:
        reply(connection, 431, "healer egress: the request's head is too long")
        return None
    return buffer[:end], buffer[end:]


def loopback_port() -> int:
    """A port free on this machine's 127.0.0.1 now (for the bridge under Seatbelt, which shares the loopback)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Egress:
    """A running allowlisting proxy: what `open_egress` yields and `Jail.wrap(..., egress=)` takes."""

    def __init__(self, allowlist: tuple[Rule, ...], folder: str, listener: socket.socket, python: str) -> None:
        self.rules = allowlist
        self.folder = folder
        """The private folder holding the socket: bound (read-only) into the jail at the same path."""
        self.socket_path = os.path.join(folder, SOCKET_NAME)
        self.python = python
        """The interpreter the bridge runs with inside the jail."""
        self._refused: dict[str, None] = {}
        self._allowed: dict[str, None] = {}
        self._lock = threading.Lock()
        self._server = Server(listener, self._handle, overflow=self._busy)
        self._closed = False

    @property
    def refused(self) -> tuple[str, ...]:
        """Each `host:port` asked for and refused, in the order first asked."""
        with self._lock:
            return tuple(self._refused)

    @property
    def allowed(self) -> tuple[str, ...]:
        """Each `host:port` connected to, in the order first connected."""
        with self._lock:
            return tuple(self._allowed)

    def command(self, argv: Sequence[str], port: int = 0) -> list[str]:
        """`argv` behind the bridge: run inside the jail, it listens on 127.0.0.1:`port` (0: any free one)."""
        chosen = ["--port", str(port)] if port else []
        return [self.python, "-I", BRIDGE, self.socket_path, *chosen, "--", *argv]

    def visible(self) -> list[str]:
        """What the jail must show for the bridge to run and reach the proxy."""
        python = self.python
        real = os.path.realpath(python)
        found = [self.folder, os.path.dirname(BRIDGE), os.path.dirname(python), os.path.dirname(os.path.dirname(real))]
        if os.path.isfile(os.path.join(os.path.dirname(os.path.dirname(python)), "pyvenv.cfg")):
            found.append(os.path.dirname(os.path.dirname(python)))
        if real == os.path.realpath(sys.executable):
            found += [sys.prefix, sys.base_prefix]
        return found

    def _record(self, kept: dict[str, None], entry: str) -> None:
        with self._lock:
            if len(kept) < MAX_RECORDED:
                kept.setdefault(entry)

    def _busy(self, connection: socket.socket) -> None:
        reply(connection, 503, f"healer egress: more than {MAX_CONNECTIONS} connections at once")

    def _handle(self, client: socket.socket) -> None:
        stop = self._server.stop_fd
        read = read_head(client, stop)
        if read is None:
            return
        head, rest = read
        try:
            request = parse_request(head)
        except BadRequest as error:
            reply(client, 400, f"healer egress: {error}")
            return
        target = where(request.host, request.port)
        if not allows(self.rules, request.host, request.port):
            self._record(self._refused, target)
            reply(client, 403, f"healer egress: {target} is not on the allowlist")
            return
        try:
            upstream = socket.create_connection((request.host, request.port), timeout=CONNECT_SECONDS)
        except OSError as error:
            reply(client, 502, f"healer egress: cannot reach {target}: {error.strerror or error}")
            return
        self._record(self._allowed, target)
        with upstream:
            self._server.track(upstream)
            try:
                if request.method == "CONNECT":
                    client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                first = request.forwarded + rest
                if first:
                    upstream.sendall(first)
                relay(client, upstream, stop, IDLE_SECONDS)
            finally:
                self._server.forget(upstream)

    def start(self) -> None:
        self._server.start()

    def close(self) -> None:
        """Stop accepting, cut every connection, remove the socket's folder. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._server.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def private_folder() -> str:
    """A new 0700 folder, short enough to hold a Unix socket's path."""
    folder = tempfile.mkdtemp(prefix="healer-egress-")
    if len(os.path.join(folder, SOCKET_NAME)) <= MAX_SOCKET_PATH or not os.path.isdir("/tmp"):
        return folder
    os.rmdir(folder)
    return tempfile.mkdtemp(prefix="healer-egress-", dir="/tmp")


@contextlib.contextmanager
def open_egress(allow: Iterable[str], *, python: str = sys.executable) -> Iterator[Egress]:
    """The proxy, running (on threads of this process) until the block ends; ValueError for a bad rule."""
    allowlist = rules(allow)
    folder = private_folder()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(os.path.join(folder, SOCKET_NAME))
        listener.listen(MAX_CONNECTIONS)
    except OSError:
        listener.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    egress = Egress(allowlist, folder, listener, python)
    egress.start()
    try:
        yield egress
    finally:
        egress.close()
