"""Watch sessions on real repositories: an event recorder that waits for what it expects, with a deadline."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from healer.pipeline.events import Event
from healer.service import Healer
from healer.watch.events import BatchFinished, BatchStarted, PipelineEvent, WatchEvent
from healer.watch.session import WatchOptions, WatchSession
from healer.workspace import open_workspace

from ..conftest import Repo

DEADLINE = 60.0
"""Generous: a loaded 2-core CI machine can take seconds to start a Python stage."""

TWO_STAGES = """
[stages.lint]
run = ["python", "-c", "print('lint ok')"]
inputs = ["*.py"]

[stages.docs]
run = ["python", "-c", "print('docs ok')"]
inputs = ["*.md"]
"""
"""Two stages with separate inputs: a save of one kind of file must rerun only its stage."""

E = TypeVar("E")


class Recorder:
    """A sink that keeps every event and lets a test wait for the next one matching a condition."""

    def __init__(self) -> None:
        self.events: list[WatchEvent] = []
        self._changed = threading.Condition()
        self._cursor = 0

    def __call__(self, event: WatchEvent) -> None:
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def next(self, kind: type[E], test: Callable[[E], bool] = lambda _e: True, timeout: float = DEADLINE) -> E:
        """The first event of `kind` passing `test` after the last one returned; fails at the deadline."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for index in range(self._cursor, len(self.events)):
                    event = self.events[index]
                    if isinstance(event, kind) and test(event):
                        self._cursor = index + 1
                        return event
                left = deadline - time.monotonic()
                if left <= 0:
                    shown = "\n".join(repr(e)[:300] for e in self.events)
                    raise AssertionError(f"no {kind.__name__} matching in {timeout}s; events:\n{shown}")
                self._changed.wait(left)

    def batch(self, number: int) -> tuple[BatchStarted, BatchFinished]:
        started = self.next(BatchStarted, lambda e: e.batch == number)
        finished = self.next(BatchFinished, lambda e: e.batch == number)
        return started, finished

    def pipeline(self, number: int, kind: type[Any] | None = None) -> list[tuple[str, Event]]:
        """(pass, event) of batch `number`, in order."""
        with self._changed:
            return [
                (e.phase, e.event)
                for e in self.events
                if isinstance(e, PipelineEvent) and e.batch == number and (kind is None or isinstance(e.event, kind))
            ]

    def all(self, kind: type[E]) -> list[E]:
        with self._changed:
            return [e for e in self.events if isinstance(e, kind)]


class Watch:
    def __init__(self, session: WatchSession, events: Recorder) -> None:
        self.session = session
        self.events = events


StartWatch = Callable[..., Watch]


@pytest.fixture
def watch(repo: Repo) -> Iterator[StartWatch]:
    """Start a watch session on the test repository; every session is stopped and joined at the end."""
    sessions: list[WatchSession] = []

    def start(**options: Any) -> Watch:
        options.setdefault("debounce_ms", 100)
        events = Recorder()
        session = WatchSession(Healer(open_workspace(repo.path), via="watch"), events, WatchOptions(**options))
        session.start()
        sessions.append(session)
        return Watch(session, events)

    yield start
    for session in sessions:
        session.stop()
    for session in sessions:
        assert session.join(30), "the watch session did not end within 30 s of stop()"
        assert session.failure is None, repr(session.failure)
