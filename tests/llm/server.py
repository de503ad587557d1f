"""A small OpenAI-compatible chat server on 127.0.0.1 for the tests: scripted replies, every request recorded.

Each request takes the next step of the script (the last step repeats): a
reply text, an HTTP error with headers, a delay longer than the client's
timeout, or raw bytes that are not JSON. litellm talks to it through
`api_base`, exactly as it would to a local model server.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Step:
    text: str | None = None
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    raw: bytes | None = None
    usage: tuple[int, int] = (120, 40)


def reply(text: str) -> Step:
    return Step(text=text)


def error(status: int, *, retry_after: float | None = None) -> Step:
    headers = (("Retry-After", str(retry_after)),) if retry_after is not None else ()
    return Step(status=status, headers=headers)


def hang(seconds: float) -> Step:
    return Step(text="too late", delay=seconds)


@dataclass
class FakeModel:
    script: list[Step | Callable[[dict[str, Any]], Step]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    """Every request body received, parsed."""
    raw_requests: list[bytes] = field(default_factory=list)
    """Every request exactly as it arrived: headers and body."""
    port: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def next_step(self, body: dict[str, Any]) -> Step:
        with self._lock:
            index = len(self.requests) - 1
            step = self.script[min(index, len(self.script) - 1)] if self.script else Step(text="")
        return step(body) if callable(step) else step

    def everything_sent(self) -> str:
        return b"\n".join(self.raw_requests).decode("utf-8", "replace")


def _handler(model: FakeModel) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length)
            body = json.loads(data or b"{}")
            with model._lock:
                model.raw_requests.append(str(self.headers).encode() + b"\n" + data)
                model.requests.append(body)
            step = model.next_step(body)
            if step.delay and model._stop.wait(step.delay):
                return
            if step.status != 200:
                payload = json.dumps({"error": {"message": f"scripted {step.status}", "type": "error"}}).encode()
                self._send(step.status, payload, step.headers)
                return
            if step.raw is not None:
                self._send(200, step.raw, step.headers)
                return
            prompt, completion = step.usage
            payload = json.dumps({
                "id": f"chatcmpl-{len(model.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "fake"),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": step.text},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                          "total_tokens": prompt + completion},
            }).encode()  # fmt: skip
            self._send(200, payload, step.headers)

        def _send(self, status: int, payload: bytes, headers: tuple[tuple[str, str], ...]) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

    return Handler


@contextmanager
def fake_model(*steps: Step | Callable[[dict[str, Any]], Step]) -> Iterator[FakeModel]:
    model = FakeModel(list(steps))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(model))
    server.daemon_threads = True
    model.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield model
    finally:
        model._stop.set()
        server.shutdown()
        server.server_close()
