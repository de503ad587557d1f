"""`w`: watch mode on the core's watcher. A save reruns the stage live; the failures and fixes follow it."""

from __future__ import annotations

import time

from textual.pilot import Pilot

from healer.tui.app import HealerApp

from ..conftest import Repo
from .conftest import APP_PY, FIXED_PY, busy, drive, make_app
from .screen import screen_text


async def until(pilot: Pilot[int], check: object, what: str, timeout: float = 60.0) -> None:
    app = pilot.app
    assert isinstance(app, HealerApp)
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        await pilot.pause(0.1)
        assert time.monotonic() < deadline, f"timed out waiting for {what}: {app.messages[-5:]}"


def test_watch_mode_reruns_on_save_and_keeps_fixes_current(lint_repo: Repo) -> None:
    app = make_app(lint_repo, check_on_start=False)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("w")
        await until(pilot, lambda: app.session.reviews and not busy(app), "the first run and its fixes")
        assert app.watcher is not None
        assert app.session.stages["lint"].status == "failed"
        assert any(m.startswith("watching for changes (lint)") for m in app.messages)
        assert "· watching" in screen_text(app)
        review = app.session.reviews[0]
        assert review.original.status == "verified"
        # Half the fix by hand: the watcher reruns lint, the old fix goes stale, a fresh one replaces it.
        (lint_repo.path / "app.py").write_text(APP_PY.replace("import os\n", ""))
        await until(
            pilot, lambda: any(m.startswith("changed: app.py; rerunning lint") for m in app.messages), "the rerun"
        )
        await until(
            pilot,
            lambda: not busy(app) and not app.session.running and app.session.reviews[0] is not review,
            "fresh fixes",
        )
        assert len(app.session.diagnostics) == 2
        fresh = app.session.reviews[0]
        assert fresh.original.patch.edits[0].before == APP_PY.replace("import os\n", "").encode()
        await pilot.press("p", "A")
        await until(pilot, lambda: fresh.outcome == "applied", "the fix applied")
        # The apply is a save too: the watcher sees it and the stage passes.
        await until(pilot, lambda: app.session.stages["lint"].passed and not busy(app), "lint passing")
        await pilot.press("q", "w")
        await until(pilot, lambda: app.watcher is None, "watch mode off")
        assert app.messages[-1] == "watch mode off"

    drive(app, scenario)
    assert (lint_repo.path / "app.py").read_text() == FIXED_PY
