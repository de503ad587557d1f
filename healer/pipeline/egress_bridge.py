"""Inside the jail, the way out to healer's egress proxy: a script, the parent of the jailed command.

Run as `python -I egress_bridge.py SOCKET [--port N] -- COMMAND...` with the
jail's Python (standard library only, no healer import: healer may not be
importable the same way inside). It listens on 127.0.0.1 of the jail's own
loopback, carries each connection, byte for byte, to the proxy's Unix socket
(healer.pipeline.egress, outside, where the allowlist is applied), starts
COMMAND with the proxy variables pointing at it, passes on the signals it gets,
and ends the way COMMAND ended: its exit code, or killed by the same signal.

`relay` and `serve` are also the proxy's own copying and accepting.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence

CHUNK = 64 * 1024
"""At most this much of a connection is held at once, per direction: a slow reader slows the writer down."""
MAX_CONNECTIONS = 64
IDLE_SECONDS = 600.0
"""A connection with no byte either way for this long is closed (a model's streamed answer can pause a while)."""
PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "ALL_PROXY", "all_proxy")
LOCAL = "localhost,127.0.0.1,::1"
"""NO_PROXY: only the jail's own loopback (a test's server) is reached directly; everything else goes out."""
FORWARDED = (
    signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGWINCH,
)  # fmt: skip
NAME = "healer egress bridge"


def relay(one: socket.socket, other: socket.socket, stop: int, idle: float = IDLE_SECONDS) -> None:
    """Copy bytes both ways until both sides have ended, `idle` seconds pass with none moving, a side fails, or
    the file descriptor `stop` becomes readable. Each direction holds at most CHUNK bytes: a side is read only
    once what it sent before is passed on, so a slow reader slows its writer down and stalls nothing else. The
    end of one side is passed on as a half close of the other."""
    sockets = {one.fileno(): one, other.fileno(): other}
    peer = {one: other, other: one}
    held = {one: b"", other: b""}
    """What was read from a side and not yet written to its peer."""
    open_ = {one: True, other: True}
    """Whether a side may still send."""
    wanted: dict[socket.socket, int] = {}
    for side in (one, other):
        side.setblocking(False)
    with selectors.DefaultSelector() as selector:
        selector.register(stop, selectors.EVENT_READ)
        while open_[one] or open_[other] or held[one] or held[other]:
            for side in (one, other):
                events = (selectors.EVENT_READ if open_[side] and not held[side] else 0) | (
                    selectors.EVENT_WRITE if held[peer[side]] else 0
                )
                if events != wanted.get(side, 0):
                    if not events:
                        selector.unregister(side)
                    elif wanted.get(side):
                        selector.modify(side, events)
                    else:
                        selector.register(side, events)
                    wanted[side] = events
            ready = selector.select(idle)
            if not ready:
                return
            for key, mask in ready:
                if key.fd == stop:
                    return
                side = sockets[key.fd]
                try:
                    if mask & selectors.EVENT_WRITE:
                        sent = side.send(held[peer[side]])
                        held[peer[side]] = held[peer[side]][sent:]
                    if mask & selectors.EVENT_READ:
                        data = side.recv(CHUNK)
                        if data:
                            held[side] = data
                        else:  # read only with nothing held: the end can be passed on at once
                            open_[side] = False
                            peer[side].shutdown(socket.SHUT_WR)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    return


def finish(connection: socket.socket, seconds: float = 1.0) -> None:
    """End a connection that was answered before all of its request was read: closed with bytes unread, it would
    be reset, and the answer lost before the peer reads it. Waits at most `seconds` for the peer to end."""
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + seconds
        for _ in range(64):
            left = deadline - time.monotonic()
            if left <= 0:
                return
            connection.settimeout(left)
            if not connection.recv(CHUNK):
                return


class Server:
    """Accepts connections on `listener` until stopped, each handled by `handle` on a thread of its own, at most
    `limit` at once (a connection over the limit goes to `overflow`, then is closed)."""

    def __init__(
        self,
        listener: socket.socket,
        handle: Callable[[socket.socket], None],
        *,
        limit: int = MAX_CONNECTIONS,
        overflow: Callable[[socket.socket], None] | None = None,
    ) -> None:
        self.listener = listener
        self._handle = handle
        self._overflow = overflow
        self._slots = threading.BoundedSemaphore(limit)
        self._wake, self._woken = os.pipe()
        self.stop_fd = self._wake
        """Readable once `stop` was called: every relay and wait of this server watches it."""
        self._live: set[socket.socket] = set()
        self._threads: set[threading.Thread] = set()
        self._lock = threading.Lock()
        self._accepting = threading.Thread(target=self._accept, name=f"{NAME} accept", daemon=True)

    def start(self) -> None:
        self._accepting.start()

    def _accept(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self.listener, selectors.EVENT_READ)
            selector.register(self._wake, selectors.EVENT_READ)
            while True:
                for key, _ in selector.select():
                    if key.fd == self._wake:
                        return
                    try:
                        connection, _ = self.listener.accept()
                    except OSError:
                        continue
                    self._start(connection)

    def _start(self, connection: socket.socket) -> None:
        if not self._slots.acquire(blocking=False):
            with connection, contextlib.suppress(OSError):
                connection.settimeout(0.2)  # bounds how long an overload stalls accepting
                if self._overflow is not None:
                    self._overflow(connection)
                finish(connection, 0.2)
            return
        thread = threading.Thread(target=self._run, args=(connection,), name=f"{NAME} connection", daemon=True)
        with self._lock:
            self._live.add(connection)
            self._threads.add(thread)
        thread.start()

    def _run(self, connection: socket.socket) -> None:
        try:
            with connection:
                self._handle(connection)
        except Exception:  # one connection's failure (a reset, a bad request) ends that connection only
            pass
        finally:
            with self._lock:
                self._live.discard(connection)
                self._threads.discard(threading.current_thread())
            self._slots.release()

    def track(self, extra: socket.socket) -> None:
        """Shut `extra` (a connection's other side) down too when the server stops."""
        with self._lock:
            self._live.add(extra)

    def forget(self, extra: socket.socket) -> None:
        with self._lock:
            self._live.discard(extra)

    def stop(self, wait: float = 2.0) -> bool:
        """Stop accepting, end every connection; True when every thread ended within `wait` seconds."""
        with contextlib.suppress(OSError):
            os.write(self._woken, b"x")
        with self._lock:
            live = list(self._live)
            threads = [self._accepting, *self._threads]
        for connection in live:  # wakes a send blocked on a peer that stopped reading
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + wait
        for thread in threads:
            with contextlib.suppress(RuntimeError):  # never started
                thread.join(max(0.0, deadline - time.monotonic()))
        ended = not any(thread.is_alive() for thread in threads)
        with contextlib.suppress(OSError):
            self.listener.close()
        if ended:
            for descriptor in (self._wake, self._woken):
                with contextlib.suppress(OSError):
                    os.close(descriptor)
        return ended


def child_environment(environ: dict[str, str], port: int) -> dict[str, str]:
    """`environ` with every proxy variable pointing at the bridge on `port`, and only the loopback bypassing it."""
    url = f"http://127.0.0.1:{port}"
    # Node's own fetch and http go by the variables only when asked to (Node 24, 22.21 and later).
    extra = {"NO_PROXY": LOCAL, "no_proxy": LOCAL, "NODE_USE_ENV_PROXY": "1"}
    return {**environ, **dict.fromkeys(PROXY_VARIABLES, url), **extra}


def exit_status(returncode: int) -> int:
    """The exit code the shell would report for a child that ended with `returncode` (killed: 128 + signal)."""
    return 128 - returncode if returncode < 0 else returncode


def parse(argv: Sequence[str]) -> tuple[str, int, list[str]]:
    """SOCKET [--port N] -- COMMAND... as (socket, port, command)."""
    if "--" not in argv:
        raise SystemExit(f"usage: {NAME}: SOCKET [--port N] -- COMMAND...")
    split = list(argv).index("--")
    options, command = list(argv[:split]), list(argv[split + 1 :])
    if not options or not command:
        raise SystemExit(f"usage: {NAME}: SOCKET [--port N] -- COMMAND...")
    port = 0
    if len(options) == 3 and options[1] == "--port":
        port = int(options[2])
    elif len(options) != 1:
        raise SystemExit(f"usage: {NAME}: SOCKET [--port N] -- COMMAND...")
    return options[0], port, command


def main(argv: Sequence[str]) -> int:
    path, port, command = parse(argv)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(MAX_CONNECTIONS)
    server: Server

    def forward(client: socket.socket) -> None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as upstream:
            upstream.settimeout(10.0)
            upstream.connect(path)
            server.track(upstream)
            try:
                relay(client, upstream, server.stop_fd)
            finally:
                server.forget(upstream)

    server = Server(listener, forward)
    server.start()
    child: list[subprocess.Popen[bytes]] = []
    pending: list[int] = []

    def pass_on(number: int, _frame: object) -> None:
        if child:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child[0].pid, number)
        else:
            pending.append(number)

    for forwarded in FORWARDED:
        signal.signal(forwarded, pass_on)
    environment = child_environment(dict(os.environ), listener.getsockname()[1])
    try:
        child.append(subprocess.Popen(command, env=environment))
    except OSError as error:
        print(f"{NAME}: cannot run {command[0]}: {error}", file=sys.stderr, flush=True)
        return 126 if isinstance(error, PermissionError) else 127
    for waiting in pending:
        pass_on(waiting, None)
    returncode = child[0].wait()
    server.stop(wait=0.5)
    if returncode < 0:  # end as the child did, so whoever waits for the jail sees the same signal
        ending = -returncode
        with contextlib.suppress(OSError, ValueError):
            signal.signal(ending, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [ending])
            os.kill(os.getpid(), ending)
    return exit_status(returncode)


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # not waiting for connection threads that would only be cut anyway
