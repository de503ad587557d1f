"""Text snapshots of each screen at a fixed size (tests/tui/snapshots/*.txt; HEALER_UPDATE_SNAPSHOTS=1 rewrites).

Durations are masked with a fixed '~~~~' that keeps right-aligned columns in place; the
repository is shown by its folder name only; so nothing in a snapshot depends on the machine or the clock.
"""

from __future__ import annotations

from textual.pilot import Pilot

from ..conftest import Repo
from .conftest import drive, make_app, settle
from .screen import assert_snapshot

SIZE = (100, 28)


def snapshot_after(repo: Repo, name: str, *keys: str, size: tuple[int, int] = SIZE) -> None:
    app = make_app(repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert_snapshot(app, name)

    drive(app, scenario, size=size)


def test_main_screen(lint_repo: Repo) -> None:
    snapshot_after(lint_repo, "main")


def test_failures_screen(lint_repo: Repo) -> None:
    snapshot_after(lint_repo, "failures", "f")


def test_review_screen(lint_repo: Repo) -> None:
    snapshot_after(lint_repo, "review", "p")


def test_review_screen_after_a_split_and_a_decision(lint_repo: Repo) -> None:
    snapshot_after(lint_repo, "review_split", "p", "s", "y")


def test_help_screen(lint_repo: Repo) -> None:
    snapshot_after(lint_repo, "help", "p", "question_mark")


def test_too_small(lint_repo: Repo) -> None:
    snapshot_after(lint_repo, "too_small", size=(40, 10))
