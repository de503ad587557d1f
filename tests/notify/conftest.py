"""Local receivers for notifications: a webhook on 127.0.0.1, an SMTP server (aiosmtpd), fake desktop programs."""

from __future__ import annotations

import json
import os
import socket
import ssl
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

USER, PASSWORD_ENV = "ci@example.com", "HEALER_TEST_SMTP_PASSWORD"


@dataclass
class Receiver:
    """A webhook: every POST's path and JSON body is kept; it answers `status`."""

    url: str
    received: list[tuple[str, Any]] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    status: int = 200


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box = Receiver("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            box.raw.append(data)
            box.received.append((self.path, json.loads(data)))
            self.send_response(box.status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    box.url = f"http://127.0.0.1:{server.server_address[1]}/hook/T000/B000"
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    port: int
    mails: list[Envelope] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    def texts(self) -> list[str]:
        return [envelope.content.decode("utf-8") if isinstance(envelope.content, bytes) else str(envelope.content)
                for envelope in self.mails]  # fmt: skip


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        self.box.mails.append(envelope)
        return "250 OK"


StartSMTP = Callable[..., Mailbox]


@pytest.fixture
def smtp() -> Iterator[StartSMTP]:
    """Start an SMTP server on 127.0.0.1: `password` makes it take logins (only that one succeeds), `tls` a server
    SSLContext makes it offer STARTTLS (and take logins only after it)."""
    controllers: list[Controller] = []

    def start(*, password: str | None = None, tls: ssl.SSLContext | None = None) -> Mailbox:
        box = Mailbox(free_port())

        def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            assert isinstance(data, LoginPassword)
            login, given = data.login.decode(), data.password.decode()
            box.logins.append((login, given))
            return AuthResult(success=login == USER and given == password, handled=False)

        options: dict[str, Any] = {}
        if password is not None:
            options.update(authenticator=authenticate, auth_require_tls=tls is not None)
        if tls is not None:
            options.update(tls_context=tls, require_starttls=True)
        controller = Controller(_Handler(box), hostname="127.0.0.1", port=box.port, **options)
        controller.start()
        controllers.append(controller)
        return box

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def certificate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """A self-signed certificate for 127.0.0.1 (made with openssl), trusted by this process through SSL_CERT_FILE;
    returns the server's context."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


@dataclass
class Program:
    """A fake notify-send or osascript: each call's arguments are a JSON line in `log`."""

    path: Path
    log: Path

    def calls(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


def fake_program(bindir: Path, name: str, *, exit_code: int = 0, stderr: str = "") -> Program:
    bindir.mkdir(parents=True, exist_ok=True)
    log = bindir / f"{name}.calls"
    script = bindir / name
    script.write_text(
        f"#!{sys.executable}\nimport json, sys\n"
        f"with open({str(log)!r}, 'a') as f: f.write(json.dumps(sys.argv[1:]) + '\\n')\n"
        f"sys.stderr.write({stderr!r})\nsys.exit({exit_code})\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return Program(script, log)


@pytest.fixture
def bindir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of fake programs first on PATH (the rest of PATH stays: stages still find python)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder) + os.pathsep + os.environ.get("PATH", ""))
    return folder


def secret() -> str:
    """A GitHub token's shape, made at run time (a literal would trip tests/llm/test_redact.py's scan)."""
    return "ghp_" + "a" * 36
