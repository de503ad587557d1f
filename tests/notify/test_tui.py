"""The TUI's own checks tell the desktop when a stage goes red and green again, as its watch mode does."""

from __future__ import annotations

import time
from pathlib import Path

from textual.pilot import Pilot

from ..conftest import Repo
from ..tui.conftest import drive, make_app, settle
from .conftest import fake_program
from .test_watch import CONFIG


def test_a_check_that_fails_then_passes_tells_twice(repo: Repo, bindir: Path) -> None:
    program = fake_program(bindir, "notify-send")
    repo.config(CONFIG)
    repo.write("state.txt", "bad\n")
    repo.write("README.md", "hello\n")
    repo.commit()
    app = make_app(repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        assert app.session.stages["check"].status == "failed"
        (repo.path / "state.txt").write_text("ok\n")
        app.start_check()
        await settle(pilot)
        assert app.session.stages["check"].passed
        app.start_check()  # passes again: no change of colour
        await settle(pilot)

    drive(app, scenario)
    deadline = time.monotonic() + 10
    while len(program.calls()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [call[3] for call in program.calls()] == ["repo: check failed", "repo: check passes again"]
