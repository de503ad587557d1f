"""A fake GitHub REST API on 127.0.0.1 for the tests: a real HTTP server, routes that tests add.

It answers as the real API does where healer depends on it: JSON bodies,
`Link` pagination headers, `x-ratelimit-*` headers, 401 without the expected
token, 403 once the rate limit is used up, redirects to another host for log
downloads (which must arrive without the token). Every request is recorded.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Asked:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Answer:
    status: int = 200
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    """Bytes sent as they are (a zip, a plain-text log) instead of `body` as JSON."""


Handler = Callable[[Asked, "re.Match[str]"], Answer]


class FakeGitHub:
    """Routes are (method, path regex, handler); the first that matches answers, else 404."""

    def __init__(self, token: str | None = "test-token") -> None:
        self.token = token
        self.rate_remaining = 5000
        self.asked: list[Asked] = []
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self._routes.append((method.upper(), re.compile(pattern + r"\Z"), handler))

    def json_route(self, method: str, pattern: str, body: object, status: int = 200) -> None:
        self.route(method, pattern, lambda _asked, _match: Answer(status, body))

    def asked_for(self, method: str, prefix: str) -> list[Asked]:
        return [a for a in self.asked if a.method == method and a.path.startswith(prefix)]

    def start(self) -> FakeGitHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, asked: Asked) -> Answer:
        with self._lock:
            self.asked.append(asked)
        wrong_token = self.token is not None and asked.headers.get("authorization") != f"Bearer {self.token}"
        if wrong_token and not asked.path.startswith("/blob/"):  # another host in real life: no token expected
            return Answer(401, {"message": "Bad credentials"})
        if self.rate_remaining <= 0:
            return Answer(
                403, {"message": "API rate limit exceeded"},
                {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1893456000"},
            )  # fmt: skip
        self.rate_remaining -= 1
        for method, pattern, handler in self._routes:
            match = pattern.match(asked.path)
            if method == asked.method and match:
                return handler(asked, match)
        return Answer(404, {"message": "Not Found"})

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                asked = Asked(
                    self.command, parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()},
                    {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length) if length else b"",
                )  # fmt: skip
                answer = fake._answer(asked)
                payload = answer.raw if answer.raw is not None else json.dumps(answer.body).encode()
                self.send_response(answer.status)
                headers = {"x-ratelimit-remaining": str(max(fake.rate_remaining, 0)), **answer.headers}
                if answer.raw is None:
                    headers.setdefault("content-type", "application/json; charset=utf-8")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        return Handler


@contextmanager
def fake_github(token: str | None = "test-token") -> Iterator[FakeGitHub]:
    server = FakeGitHub(token).start()
    try:
        yield server
    finally:
        server.stop()


def paginated(items: list[Any], asked: Asked, base: str, key: str | None = None) -> Answer:
    """One page of `items` as GitHub serves it (per_page, page, a Link header to the next page)."""
    per_page = int(asked.query.get("per_page", "30"))
    page = int(asked.query.get("page", "1"))
    chunk = items[(page - 1) * per_page : page * per_page]
    headers = {}
    if page * per_page < len(items):
        headers["link"] = f'<{base}{asked.path}?per_page={per_page}&page={page + 1}>; rel="next"'
    body: object = {key: chunk, "total_count": len(items)} if key else chunk
    return Answer(200, body, headers)
