"""Real repositories with real stages (ruff, python -c), driven through the app with Pilot; git is never mocked."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from healer.tui.app import HealerApp
from healer.workspace import open_workspace

from ..conftest import Repo

# Two unused imports in the first hunk (split apart by a used one), a third far below: two hunks, three changes.
APP_PY = """\
import os
import sys
import re


def main() -> None:
    print(sys.argv)


def a() -> int:
    return 1


def b() -> int:
    return 2


def c() -> None:
    import json

    print("c")
"""
FIXED_PY = APP_PY.replace("import os\n", "").replace("import re\n", "").replace("    import json\n", "")
LINT = """\
[stages.lint]
run = "ruff check --no-fix --no-cache ."
kind = "lint"
parser = "ruff"
"""
RUFF = '[lint]\nselect = ["F"]\n'


@pytest.fixture
def lint_repo(repo: Repo) -> Repo:
    repo.write("app.py", APP_PY)
    repo.write("ruff.toml", RUFF)
    repo.config(LINT)
    repo.write(".gitignore", ".ruff_cache/\n")
    repo.commit("start")
    return repo


def make_app(repo: Repo, **options: object) -> HealerApp:
    return HealerApp(open_workspace(repo.path), **options)  # type: ignore[arg-type]


def busy(app: HealerApp) -> bool:
    """A check, a proposal or any other worker under way (watch mode's own worker runs until it is turned off)."""
    working = any(worker.is_running and worker.group != "watch" for worker in app.workers)
    return app.session.running or app.checking or working


async def settle(pilot: Pilot[int], timeout: float = 120.0) -> None:
    """Until the check (and every other worker) is over and its messages are handled."""
    app = pilot.app
    assert isinstance(app, HealerApp)
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 3:
        await pilot.pause(0.05)
        quiet = 0 if busy(app) or (app.check_on_start and app.session.generation < 1) else quiet + 1
        if time.monotonic() > deadline:
            raise AssertionError(f"the app did not settle in {timeout}s: {app.session.progress}")


Scenario = Callable[[Pilot[int]], Awaitable[None]]


def drive(app: HealerApp, scenario: Scenario, size: tuple[int, int] = (110, 32)) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await scenario(pilot)

    asyncio.run(main())


def text_of(path: Path) -> str:
    return path.read_text()
