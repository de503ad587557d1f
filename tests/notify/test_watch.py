"""A real watch session (real git, watchfiles, stage processes) tells the desktop when a stage goes red, and when
it goes green again; saves that change nothing about a stage's colour tell nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from healer.service import Healer
from healer.watch.session import WatchOptions, WatchSession
from healer.workspace import open_workspace

from ..conftest import Repo
from ..watch.conftest import Recorder
from .conftest import Program, fake_program

CONFIG = """
[stages.check]
run = ["python", "-c", "import sys; sys.exit(open('state.txt').read().strip() != 'ok')"]
inputs = ["state.txt"]

[stages.docs]
run = ["python", "-c", "print('docs ok')"]
inputs = ["*.md"]

[notify]
desktop = true
"""


def wait_for_calls(program: Program, count: int, timeout: float = 30.0) -> list[list[str]]:
    deadline = time.monotonic() + timeout
    while len(program.calls()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return program.calls()


@pytest.fixture
def session(repo: Repo, bindir: Path) -> Iterator[tuple[WatchSession, Recorder, Program]]:
    program = fake_program(bindir, "notify-send")
    repo.config(CONFIG)
    repo.write("state.txt", "bad\n")
    repo.write("README.md", "hello\n")
    repo.commit()
    events = Recorder()
    watch = WatchSession(Healer(open_workspace(repo.path), via="watch"), events, WatchOptions(debounce_ms=100))
    watch.start()
    try:
        yield watch, events, program
    finally:
        watch.stop()
        assert watch.join(30)
        assert watch.failure is None, repr(watch.failure)


def test_red_then_green_then_nothing_more(repo: Repo, session: tuple[WatchSession, Recorder, Program]) -> None:
    watch, events, program = session
    _, done = events.batch(0)
    assert done.run is not None and [s.status for s in done.run.stages] == ["failed", "passed"]
    (red,) = wait_for_calls(program, 1)
    assert red[:2] == ["--app-name=healer", "--urgency=critical"] and red[3] == "repo: check failed"

    repo.write("state.txt", "ok\n")
    _, done = events.batch(1)
    assert done.run is not None and [s.status for s in done.run.stages] == ["passed"]
    calls = wait_for_calls(program, 2)
    assert [call[3] for call in calls] == ["repo: check failed", "repo: check passes again"]
    assert calls[1][1] == "--urgency=normal"

    repo.write("README.md", "hello again\n")  # docs passes again, as it did: no change of colour
    events.batch(2)
    repo.write("state.txt", "ok \n")  # check still passes
    _, done = events.batch(3)
    assert done.run is not None and [s.status for s in done.run.stages] == ["passed"]
    watch.stop()
    assert watch.join(30)  # the scheduling thread told the desktop (or not) before it ended
    assert len(program.calls()) == 2
