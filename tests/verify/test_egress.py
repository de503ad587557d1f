"""A jailed agent reaches only the hosts of its egress allowlist: real bwrap jails, a real proxy, real servers.

The servers listen on the machine's own 127.0.0.1, outside the jail: the proxy
(outside too) can reach them, the jail's private loopback cannot. Each attack
is also tried without the jail, to prove it works there and the test can fail.
"""

from __future__ import annotations

import base64
import http.server
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import pytest

from healer import process
from healer.config.settings import SandboxSettings
from healer.pipeline import egress_bridge
from healer.pipeline.egress import MAX_CONNECTIONS, Egress, Rule, allows, normal_host, open_egress
from healer.pipeline.jail import Jail, choose
from tests.verify.jails import needs_jail, running

BODY = b"hello from the host"


class Heard(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[tuple[str, dict[str, str]]]] = []

    def do_GET(self) -> None:
        self.requests.append((self.path, {name.lower(): value for name, value in self.headers.items()}))
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def web() -> Iterator[tuple[int, list[tuple[str, dict[str, str]]]]]:
    """An HTTP server on the machine's loopback: (port, the requests it got as (path, headers))."""
    heard: list[tuple[str, dict[str, str]]] = []
    handler = type("Handler", (Heard,), {"requests": heard})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], heard
    server.shutdown()
    server.server_close()


@pytest.fixture
def echo() -> Iterator[int]:
    """A TCP server on the machine's loopback sending back every byte it gets, until the client's end."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def one(connection: socket.socket) -> None:
        with connection:
            while data := connection.recv(65536):
                connection.sendall(data)

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            connection.settimeout(10)
            threading.Thread(target=one, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    listener.close()


@pytest.fixture
def jail() -> Jail:
    found = choose(SandboxSettings()).jail
    assert found is not None
    return found


def jailed(
    jail: Jail, egress: Egress | None, where: Path, code: str, *args: str, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    copy = where / "copy"
    copy.mkdir(exist_ok=True)
    argv, env = jail.wrap([sys.executable, "-I", "-c", code, *args], copy, os.environ, [str(copy)], egress=egress)
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


FETCH = """
import sys, urllib.request, urllib.error
try:
    with urllib.request.urlopen(sys.argv[1], timeout=10) as answer:
        print(answer.status, answer.read().decode())
except urllib.error.HTTPError as error:
    print(error.code, error.headers.get("X-Healer-Egress"))
except OSError as error:
    print("failed", error)
"""


@needs_jail
def test_a_jailed_client_reaches_an_allowed_host_through_the_proxy_variables(
    jail: Jail, web: tuple[int, list[tuple[str, dict[str, str]]]], tmp_path: Path
) -> None:
    port, heard = web
    # urllib goes by the variables the bridge set; "localhost." (a trailing dot) is not in NO_PROXY, so it asks
    # the proxy, which reaches the machine's loopback from outside.
    with open_egress([f"LOCALHOST:{port}"]) as egress:
        done = jailed(jail, egress, tmp_path, FETCH, f"http://localhost.:{port}/hello?x=1")
        assert done.stdout.strip() == f"200 {BODY.decode()}", done.stderr
        assert egress.allowed == (f"localhost:{port}",) and egress.refused == ()
    path, headers = heard[0]
    assert path == "/hello?x=1"  # origin form, as a server expects it
    assert headers["connection"] == "close" and "proxy-connection" not in headers


@needs_jail
def test_a_host_not_on_the_list_is_refused_and_recorded(jail: Jail, tmp_path: Path) -> None:
    with open_egress(["api.anthropic.com", "*.openai.com"]) as egress:
        plain = jailed(jail, egress, tmp_path, FETCH, "http://evil.example/steal")
        tunnel = jailed(jail, egress, tmp_path, FETCH, "https://Evil.Example./steal")
        assert plain.stdout.strip() == "403 refused", plain.stderr
        assert "Tunnel connection failed: 403" in tunnel.stdout, tunnel.stdout + tunnel.stderr
        assert egress.refused == ("evil.example:80", "evil.example:443")
        assert egress.allowed == ()


TUNNEL = """
import http.client, os, socket, sys, threading, urllib.parse
proxy = urllib.parse.urlsplit(os.environ["HTTPS_PROXY"])
connection = http.client.HTTPConnection(proxy.hostname, proxy.port, timeout=20)
connection.set_tunnel("127.0.0.1", int(sys.argv[1]))
connection.connect()
sent = os.urandom(1 << 20)
def send():
    connection.sock.sendall(sent)
    connection.sock.shutdown(socket.SHUT_WR)  # the echo ends when this side ends
threading.Thread(target=send).start()
back = bytearray()
while data := connection.sock.recv(65536):
    back += data
print("echoed" if bytes(back) == sent else f"got {len(back)} bytes of {len(sent)}")
"""


@needs_jail
def test_connect_tunnels_bytes_both_ways_and_passes_a_half_close_on(jail: Jail, echo: int, tmp_path: Path) -> None:
    with open_egress([f"127.0.0.1:{echo}"]) as egress:
        done = jailed(jail, egress, tmp_path, TUNNEL, str(echo))
        assert done.stdout.strip() == "echoed", done.stdout + done.stderr
        assert egress.allowed == (f"127.0.0.1:{echo}",)


DIRECT = """
import socket, sys
try:
    with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3) as connection:
        connection.sendall(b"GET /bypassed HTTP/1.0\\r\\n\\r\\n")
        print("reached", connection.recv(100)[:12])
except OSError as error:
    print("refused", error)
try:
    socket.getaddrinfo("example.com", 443)
    print("resolved")
except OSError:
    print("no dns")
"""


@needs_jail
def test_the_hosts_listener_cannot_be_reached_bypassing_the_proxy(
    jail: Jail, web: tuple[int, list[tuple[str, dict[str, str]]]], tmp_path: Path
) -> None:
    port, heard = web
    with open_egress([f"localhost:{port}"]) as egress:  # even the allowed server, unless through the proxy
        inside = jailed(jail, egress, tmp_path, DIRECT, str(port))
    assert inside.stdout.startswith("refused"), inside.stdout + inside.stderr
    assert "no dns" in inside.stdout
    assert heard == []
    outside = subprocess.run([sys.executable, "-I", "-c", DIRECT, str(port)], capture_output=True, text=True)
    assert outside.stdout.startswith("reached b'HTTP/1.0 200'"), outside.stdout + outside.stderr
    assert [path for path, _ in heard] == ["/bypassed"]


FORWARDED = """
import os, signal, sys, time
def ended(number, frame):
    print("got", number, flush=True)
    sys.exit(42)
signal.signal(signal.SIGTERM, ended)
os.kill(os.getppid(), signal.SIGTERM)  # the bridge, which passes it on
time.sleep(10)
sys.exit(1)
"""


@needs_jail
def test_exit_codes_and_signals_pass_through_the_bridge(jail: Jail, tmp_path: Path) -> None:
    with open_egress(["api.anthropic.com"]) as egress:
        assert jailed(jail, egress, tmp_path, "import sys; sys.exit(7)").returncode == 7
        killed = jailed(jail, egress, tmp_path, "import os, signal; os.kill(os.getpid(), signal.SIGTERM)")
        bare = jailed(jail, None, tmp_path, "import os, signal; os.kill(os.getpid(), signal.SIGTERM)")
        assert killed.returncode == bare.returncode == 128 + signal.SIGTERM, killed.stderr
        forwarded = jailed(jail, egress, tmp_path, FORWARDED, timeout=20)
        assert (forwarded.returncode, forwarded.stdout) == (42, f"got {int(signal.SIGTERM)}\n"), forwarded.stderr
        copy = tmp_path / "copy"
        argv, env = jail.wrap(["/nonexistent/agent"], copy, os.environ, [str(copy)], egress=egress)
        missing = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30)
        assert missing.returncode == 127 and "cannot run /nonexistent/agent" in missing.stderr


@needs_jail
def test_a_long_lived_child_and_its_bridge_end_when_healer_ends_the_jail(jail: Jail, tmp_path: Path) -> None:
    marker = f"healer-agent-{os.getpid()}-{time.monotonic_ns()}"
    # The agent ignores SIGTERM, as a busy one might: only the end of the jail's PID namespace ends it.
    code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(120)"
    copy = tmp_path / "copy"
    copy.mkdir()
    with open_egress(["api.anthropic.com"]) as egress:
        argv, env = jail.wrap([sys.executable, "-c", code, marker], copy, os.environ, [str(copy)], egress=egress)
        started = process.start(argv, copy, env)
        try:
            assert started.stdout is not None
            ready, _, _ = select.select([started.stdout], [], [], 20)
            assert ready and started.stdout.readline() == b"ready\n"
            assert len(running(marker)) >= 3  # bwrap (and its init in the namespace), the bridge, the agent
            assert running(egress.socket_path), "the bridge is not running"
            process.end_group(started)
            started.wait(10)
            deadline = time.monotonic() + 5
            while (running(marker) or running(egress.socket_path)) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert running(marker) == [] and running(egress.socket_path) == []
        finally:
            for pid in running(marker):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize(
    ("rule", "host", "port", "allowed"),
    [
        ("api.anthropic.com", "api.anthropic.com", 443, True),
        ("api.anthropic.com", "api.anthropic.com", 80, True),
        ("api.anthropic.com", "api.anthropic.com", 8443, False),
        ("api.anthropic.com", "API.Anthropic.COM", 443, True),
        ("api.anthropic.com", "api.anthropic.com.", 443, True),
        ("API.ANTHROPIC.COM.", "api.anthropic.com", 443, True),
        ("api.anthropic.com", "anthropic.com", 443, False),
        ("api.anthropic.com", "x.api.anthropic.com", 443, False),
        ("api.anthropic.com", "api.anthropic.com.evil.example", 443, False),
        ("api.anthropic.com", "api-anthropic.com", 443, False),
        ("*.openai.com", "api.openai.com", 443, True),
        ("*.openai.com", "a.b.openai.com", 443, True),
        ("*.openai.com", "API.OpenAI.com.", 443, True),
        ("*.openai.com", "openai.com", 443, False),
        ("*.openai.com", "evilopenai.com", 443, False),
        ("*.openai.com", "api.openai.com.evil.example", 443, False),
        ("*.openai.com", "api.openai.com", 22, False),
        ("*.openai.com:8443", "api.openai.com", 8443, True),
        ("*.openai.com:8443", "api.openai.com", 443, False),
        ("localhost:8080", "localhost", 8080, True),
        ("localhost:8080", "localhost", 443, False),
        ("localhost:8080", "127.0.0.1", 8080, False),
        ("127.0.0.1", "127.0.0.1", 443, True),
        ("127.0.0.1", "127.0.0.2", 443, False),
        ("127.0.0.1", "127.1", 443, False),
        ("127.0.0.1", "2130706433", 443, False),
        ("127.0.0.1:9000", "127.0.0.1", 9000, True),
        ("[::1]:9000", "[::1]", 9000, True),
        ("[::1]:9000", "::1", 9000, True),
        ("::1", "[0:0::1]", 443, True),
        ("[::1]:9000", "[::2]", 9000, False),
        ("*.example.com", "", 443, False),
        ("*.example.com", "a b.example.com", 443, False),
        ("*.example.com", "a\r\nb.example.com", 443, False),
    ],
)
def test_allowlist_matching(rule: str, host: str, port: int, allowed: bool) -> None:
    assert allows([Rule.parse(rule)], host, port) is allowed


@pytest.mark.parametrize(
    "rule", ["*", "*.com", "api.*.com", "*.127.0.0.1", "host:0", "host:65536", "host:", "host:http", "", "a b", "[::1"]
)
def test_a_bad_rule_is_refused_before_anything_starts(rule: str) -> None:
    with pytest.raises(ValueError), open_egress([rule]):
        pass


def test_host_normal_form() -> None:
    assert normal_host("Example.COM.") == "example.com"
    assert normal_host("[0:0:0:0:0:0:0:1]") == "::1"
    assert normal_host("127.000.0.1") is None  # not an address as written, nor a name
    assert str(Rule.parse("*.OpenAI.com:8443")) == "*.openai.com:8443" and str(Rule.parse("[::1]")) == "[::1]"


def ask(egress: Egress, data: bytes) -> bytes:
    """Send `data` straight to the proxy's socket (as the bridge does); all it answers until it closes."""
    with socket.socket(socket.AF_UNIX) as connection:
        connection.settimeout(10)
        connection.connect(egress.socket_path)
        connection.sendall(data)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        return answer


def test_the_proxy_answers_what_is_no_proxy_request_with_400_and_a_huge_head_with_431() -> None:
    with open_egress(["example.com"]) as egress:
        assert ask(egress, b"GET /relative HTTP/1.1\r\nHost: example.com\r\n\r\n").startswith(b"HTTP/1.1 400 ")
        assert ask(egress, b"hello\r\n\r\n").startswith(b"HTTP/1.1 400 ")
        assert ask(egress, b"CONNECT example.com HTTP/1.1\r\n\r\n").startswith(b"HTTP/1.1 400 ")  # no port
        assert ask(egress, b"GET https://example.com/ HTTP/1.1\r\n\r\n").startswith(b"HTTP/1.1 400 ")
        huge = b"GET http://example.com/ HTTP/1.1\r\nX-Pad: " + b"a" * 70_000 + b"\r\n\r\n"
        assert ask(egress, huge).startswith(b"HTTP/1.1 431 ")
        assert egress.refused == () and egress.allowed == ()


# Made at run time: the project's own files must pass redaction unchanged (tests/llm/test_redact.py).
CREDENTIAL = base64.b64encode(b"user:" + bytes(range(97, 103))).decode()


def test_a_plain_request_reaches_the_server_in_origin_form_without_the_proxys_own_headers(
    web: tuple[int, list[tuple[str, dict[str, str]]]],
) -> None:
    port, heard = web
    with open_egress([f"127.0.0.1:{port}"]) as egress:
        request = (
            f"GET http://127.0.0.1:{port}/path?q=1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Proxy-Authorization: Basic {CREDENTIAL}\r\nProxy-Connection: keep-alive\r\nConnection: keep-alive\r\n"
            "X-Kept: yes\r\n\r\n"
        )
        answer = ask(egress, request.encode())
    assert answer.startswith(b"HTTP/1.0 200 ") and answer.endswith(BODY)
    path, headers = heard[0]
    assert path == "/path?q=1" and headers["x-kept"] == "yes" and headers["connection"] == "close"
    assert "proxy-authorization" not in headers and "proxy-connection" not in headers


def test_connections_over_the_limit_get_503_and_close_ends_every_connection_and_thread(echo: int) -> None:
    with open_egress([f"127.0.0.1:{echo}"]) as egress:
        folder = egress.folder
        waiting = []
        for _ in range(MAX_CONNECTIONS):  # each waits for its request's head
            connection = socket.socket(socket.AF_UNIX)
            connection.connect(egress.socket_path)
            waiting.append(connection)
        time.sleep(0.3)
        assert ask(egress, b"CONNECT 127.0.0.1:1 HTTP/1.1\r\n\r\n").startswith(b"HTTP/1.1 503 ")
        waiting[0].sendall(f"CONNECT 127.0.0.1:{echo} HTTP/1.1\r\n\r\n".encode())
        waiting[0].settimeout(5)
        assert waiting[0].recv(100).startswith(b"HTTP/1.1 200 ")
        waiting[0].sendall(b"still open")
        assert waiting[0].recv(100) == b"still open"
    began = time.monotonic()
    for connection in waiting:  # cut by close, not left to their idle timeout
        connection.settimeout(5)
        assert connection.recv(100) == b""
        connection.close()
    assert time.monotonic() - began < 3
    assert not os.path.exists(folder)
    assert not [thread for thread in threading.enumerate() if thread.name.startswith(egress_bridge.NAME)]


def test_a_jail_with_network_takes_no_egress_and_none_changes_nothing(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    env = {"HOME": str(tmp_path / "home"), "PATH": "/usr/bin"}
    with open_egress(["api.anthropic.com"]) as egress:
        for kind in ("bubblewrap", "seatbelt"):
            open_jail = Jail("/usr/bin/true", network=True, kind=kind)  # type: ignore[arg-type]
            with pytest.raises(ValueError, match="without network"):
                open_jail.wrap(["agent"], copy, env, [str(copy)], egress=egress)
        closed = Jail("/usr/bin/bwrap")
        assert closed.wrap(["agent", "-p"], copy, env, [str(copy)], egress=None)[0][-3:] == ["--", "agent", "-p"]
        argv = closed.wrap(["agent", "-p"], copy, env, [str(copy)], egress=egress)[0]
        assert "--share-net" not in argv
        assert argv[argv.index("--") :] == ["--", sys.executable, "-I", egress_bridge.__file__, egress.socket_path,
                                            "--", "agent", "-p"]  # fmt: skip
        bound = argv.index(egress.folder)
        assert argv[bound - 1 : bound + 2] == ["--ro-bind-try", egress.folder, egress.folder]
        assert bound > argv.index("/tmp") if egress.folder.startswith("/tmp/") else True  # after the private /tmp


def test_the_macos_profile_lets_out_only_the_proxys_socket_and_the_bridges_port(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    env = {"HOME": str(tmp_path / "home"), "PATH": "/usr/bin"}
    jail = Jail("/usr/bin/sandbox-exec", kind="seatbelt")
    with open_egress(["api.anthropic.com"]) as egress:
        argv, inside = jail.wrap(["agent"], copy, env, [str(copy)], egress=egress)
        jail.done(inside)
    lines = argv[2].splitlines()
    port = argv[argv.index("--port") + 1]
    assert argv[3:] == [sys.executable, "-I", egress_bridge.__file__, egress.socket_path, "--port", port, "--", "agent"]
    socket_rule = (
        f'(allow network-outbound (remote unix-socket (path-literal "{os.path.realpath(egress.socket_path)}")))'
    )
    bind_rule = f'(allow network-bind network-inbound (local ip "localhost:{port}"))'
    connect_rule = f'(allow network-outbound (remote ip "localhost:{port}"))'
    denied = lines.index("(deny network*)")
    assert denied < lines.index(socket_rule) and denied < lines.index(bind_rule) and denied < lines.index(connect_rule)
    assert not [
        line
        for line in lines
        if "network" in line and line not in (lines[denied], socket_rule, bind_rule, connect_rule)
    ]
    plain = replace(jail).wrap(["agent"], copy, env, [str(copy)])
    jail.done(plain[1])
    assert "unix-socket" not in plain[0][2] and "localhost:" not in plain[0][2]
