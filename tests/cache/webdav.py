"""A real nginx serving a WebDAV location on 127.0.0.1: the Bazel remote-cache HTTP protocol as a team would host it.

`dav_methods PUT` with `create_full_put_path on` is all a remote cache needs from nginx: PUT writes the file
under the root (`ac/<key>`, `cas/<sha256>`), GET reads it back, a missing one is a 404. Every path nginx
writes (pid, logs, request bodies) is in the test's own folder, and it runs as the test's user.
"""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CONFIG = """
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
{user}
events {{ worker_connections 64; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/data;
        client_max_body_size 64m;
        location / {{
            dav_methods PUT;
            create_full_put_path on;
            dav_access user:rw;
        }}
    }}
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class WebDav:
    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.data = folder / "data"

    def requests(self) -> list[str]:
        """`METHOD /path STATUS` for each request nginx answered so far."""
        log = self.folder / "access.log"
        if not log.exists():
            return []
        found = []
        for line in log.read_text().splitlines():
            request = line.split('"')[1].split()
            status = line.split('"')[2].split()[0]
            found.append(f"{request[0]} {request[1]} {status}")
        return found

    def files(self, kind: str) -> list[Path]:
        folder = self.data / kind
        return sorted(folder.iterdir()) if folder.exists() else []


def start_webdav(folder: Path) -> Iterator[WebDav]:
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx, which has ngx_http_dav_module built in)")
    (folder / "data").mkdir(parents=True)
    port = free_port()
    # A root master would run its workers as `nobody`, who cannot write the test's folder.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(CONFIG.format(tmp=folder, port=port, user=user))
    proc = subprocess.Popen(
        [binary, "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    log = (folder / "error.log").read_text() if (folder / "error.log").exists() else ""
                    raise RuntimeError(f"nginx did not start: {err} {log}") from None
                time.sleep(0.02)
        yield WebDav(folder, port)
    finally:
        proc.send_signal(signal.SIGQUIT)  # a graceful stop of the master and its worker
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


@pytest.fixture(name="webdav")
def webdav_server(tmp_path: Path) -> Iterator[WebDav]:
    yield from start_webdav(tmp_path / "nginx")
