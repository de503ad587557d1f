"""The repository changing under the UI: an edit, a branch switch, a deleted file. Fixes go stale, are refused
with a message, nothing is written, and the UI keeps working."""

from __future__ import annotations

from textual.pilot import Pilot

from healer.tui.app import HealerApp
from healer.tui.screens.failures import FailuresScreen
from healer.tui.screens.review import ReviewScreen

from ..conftest import Repo
from .conftest import APP_PY, FIXED_PY, drive, make_app, settle
from .kb import decisions
from .screen import screen_text


async def recheck_staleness(pilot: Pilot[int]) -> None:
    app = pilot.app
    assert isinstance(app, HealerApp)
    app.check_stale()
    await settle(pilot)


def test_a_file_edited_since_the_check_makes_its_fix_stale_and_refused(lint_repo: Repo) -> None:
    app = make_app(lint_repo)
    edited = APP_PY + "\n# edited by hand\n"

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        (lint_repo.path / "app.py").write_text(edited)
        await recheck_staleness(pilot)
        review = app.session.reviews[0]
        assert review.stale == "app.py changed since the fix was made"
        await pilot.press("p")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert "stale: app.py changed since the fix was made" in str(screen.query_one("#info").render())
        await pilot.press("A")
        await settle(pilot)
        assert review.outcome is None
        assert app.messages[-1] == "not applied: app.py changed since the fix was made; R checks again for fresh fixes"
        # Still working: back, to the failures, and a fresh check gives a fix for the file as it is now.
        await pilot.press("q", "f")
        assert isinstance(app.screen, FailuresScreen)
        await pilot.press("q", "R")
        await settle(pilot)
        fresh = [r for r in app.session.reviews if not r.done]
        assert fresh and all(r.stale is None for r in fresh)

    drive(app, scenario)
    assert (lint_repo.path / "app.py").read_text() == edited
    assert decisions() == []


def test_a_branch_switch_makes_fixes_stale_and_switching_back_makes_them_fresh(lint_repo: Repo) -> None:
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        lint_repo.git("checkout", "-q", "-b", "other")
        lint_repo.write("app.py", "import sys\n\nprint(sys.argv)\n")
        lint_repo.commit("other content")
        await recheck_staleness(pilot)
        review = app.session.reviews[0]
        assert review.stale == "app.py changed since the fix was made"
        await pilot.press("p", "A")
        await settle(pilot)
        assert review.outcome is None and "not applied" in app.messages[-1]
        lint_repo.git("checkout", "-q", "main")
        await recheck_staleness(pilot)
        assert review.stale is None
        await pilot.press("A")
        await settle(pilot)
        assert review.outcome == "applied"

    drive(app, scenario)
    assert (lint_repo.path / "app.py").read_text() == FIXED_PY


def test_a_deleted_file_is_said_so_everywhere(lint_repo: Repo) -> None:
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        (lint_repo.path / "app.py").unlink()
        await recheck_staleness(pilot)
        review = app.session.reviews[0]
        assert review.stale == "app.py was deleted since the fix was made"
        await pilot.press("f")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FailuresScreen)
        assert "app.py is not in the working tree any more" in screen_text(app)
        await pilot.press("enter")
        await pilot.press("A")
        await settle(pilot)
        assert review.outcome is None
        assert (
            app.messages[-1] == "not applied: app.py was deleted since the fix was made; R checks again for fresh fixes"
        )

    drive(app, scenario)
    assert not (lint_repo.path / "app.py").exists()
    assert decisions() == []


def test_a_check_that_fails_inside_the_core_is_reported_and_the_ui_goes_on(lint_repo: Repo) -> None:
    import shutil

    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        shutil.rmtree(lint_repo.path / ".git")  # the repository itself is gone
        await pilot.press("R")
        await settle(pilot)
        assert app.messages[-1].startswith("check 2 failed: "), app.messages[-1]
        assert app.session.progress == "the check failed (see the message)"
        assert "the check failed" in screen_text(app)
        await pilot.press("f")
        assert isinstance(app.screen, FailuresScreen)

    drive(app, scenario)
