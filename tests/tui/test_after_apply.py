"""After a fix is applied (or undone): the stage it fixed is checked again and the screens show where things stand;
a failed stage from the cache says so; `p` works on the failures screen; messages never cover the diff; titles
do not repeat the counts."""

from __future__ import annotations

import sys
import time

from textual.pilot import Pilot

from healer.tui.app import HealerApp
from healer.tui.review.state import PatchReview
from healer.tui.screens.failures import FailuresScreen
from healer.tui.screens.main import MainScreen
from healer.tui.screens.review import ReviewScreen
from healer.tui.widgets.stage_table import StageTable
from healer.workspace import open_workspace

from ..conftest import Repo
from .conftest import APP_PY, FIXED_PY, LINT, drive, make_app, settle
from .kb import rows
from .screen import screen_text

SHORT = (100, 22)
"""Short enough for the diff to reach the bottom of its pane, where a toast would sit."""


def lint_status(app: HealerApp) -> str:
    return str(app.screen.query_one(StageTable).get_cell("lint", "status"))


def failures_listed(app: HealerApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, FailuresScreen), screen
    return [f"{d.code} {d.location()}" for d in screen._diagnostics]


def test_applying_a_fix_checks_its_stage_again_and_its_failures_go(lint_repo: Repo) -> None:
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        assert lint_status(app) == "failed" and len(app.session.diagnostics) == 3
        await pilot.press("p", "A")
        await settle(pilot)
        assert app.session.reviews[0].outcome == "applied"
        said = screen_text(app)
        assert f"applied {app.session.reviews[0].applied_id}:" in said and "applied: applied" not in said
        await pilot.press("q")
        assert isinstance(app.screen, MainScreen)
        # Checked again: from the cache, as verifying the fix ran lint on exactly this content.
        assert lint_status(app) in ("passed", "passed (cached)")
        lint = app.session.stages["lint"].result
        assert lint is not None and lint.status == "passed" and lint.diagnostics == ()
        text = screen_text(app)
        assert "failures in" not in text and "every stage passes" in text.splitlines()[0]
        await pilot.press("f")
        assert failures_listed(app) == []
        text = screen_text(app)
        assert text.splitlines()[0].strip() == "failures · none · every stage passes"
        assert "No failures." in text

    drive(app, scenario)
    assert (lint_repo.path / "app.py").read_text() == FIXED_PY
    # The check after the fix is recorded like the first one (as `healer fix --apply` records its recheck).
    assert rows("SELECT trigger, outcome FROM runs ORDER BY id") == [("tui", "failed"), ("tui", "passed")]


def test_a_fix_applied_from_the_failures_screen_leaves_only_what_it_did_not_fix(lint_repo: Repo) -> None:
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("f")
        assert failures_listed(app) == ["F401 app.py:1:8", "F401 app.py:3:8", "F401 app.py:19:12"]
        await pilot.press("enter")  # this failure's fixes
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("y", "n")  # the first hunk (os, re) kept, the second (json) not
        await settle(pilot)
        await pilot.press("q")
        assert failures_listed(app) == ["F401 app.py:17:12"]
        assert "1 failure in 1 file" in screen_text(app).splitlines()[0]
        # The failure left gets a fix of its own, made from the file as it is now.
        pending = app.session.pending_reviews()
        assert [r.original.status for r in pending] == ["verified"] and pending[0].stale is None
        assert all(d.fingerprint in pending[0].original.patch.fingerprints for d in app.session.diagnostics)

    drive(app, scenario)
    assert (lint_repo.path / "app.py").read_text() == APP_PY.replace("import os\n", "").replace("import re\n", "")


def test_undoing_a_fix_checks_its_stage_again_and_its_failures_come_back(lint_repo: Repo) -> None:
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("p", "A")
        await settle(pilot)
        assert app.session.diagnostics == ()
        await pilot.press("u")
        await settle(pilot)
        assert len(app.session.diagnostics) == 3
        assert app.session.stages["lint"].status == "failed"
        # The fix is proposed again and can be applied again.
        (review,) = app.session.reviews
        assert review.outcome is None and review.original.status == "verified" and review.stale is None

    drive(app, scenario)
    assert (lint_repo.path / "app.py").read_text() == APP_PY


def test_a_fix_proposed_again_after_another_is_applied_keeps_its_decided_hunks(lint_repo: Repo) -> None:
    # A second file with its own fix in the same stage: applying that one checks lint again.
    lint_repo.write("lib.py", "import os\n\n\ndef f() -> int:\n    return 1\n")
    lint_repo.commit("a second file")
    app = make_app(lint_repo)

    def fix_for(path: str) -> PatchReview:
        return next(r for r in app.session.reviews if r.patch.paths == (path,))

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("p")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        while screen.current is not fix_for("app.py"):
            await pilot.press("down")
        await pilot.press("y")  # one of its two hunks decided
        while screen.current is not fix_for("lib.py"):
            await pilot.press("down")
        kept = fix_for("app.py").original.id
        await pilot.press("A")
        await settle(pilot)
        assert fix_for("lib.py").outcome == "applied"
        app_fix = fix_for("app.py")
        assert app_fix.original.id == kept and app_fix.stale is None  # checked again: the same fix
        assert app_fix.decisions == [True, None]
        assert [d.file for d in app.session.diagnostics] == ["app.py", "app.py", "app.py"]

    drive(app, scenario)


def test_a_fix_applied_while_a_check_runs_is_checked_with_it(lint_repo: Repo) -> None:
    # A slow stage keeps the check going after lint has given its result on the file as it was.
    lint_repo.config(LINT + f'[stages.slow]\nrun = ["{sys.executable}", "-c", "import time; time.sleep(3)"]\n')
    lint_repo.commit("a slow stage")
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("p")
        app.start_check((), use_cache=False)  # R
        deadline = time.monotonic() + 60
        while app.session.stages["lint"].status != "failed" or app.session.stages["slow"].status != "running":
            assert time.monotonic() < deadline, app.session.stages
            await pilot.pause(0.05)
        await pilot.press("A")
        await settle(pilot)
        assert app.session.reviews[0].outcome == "applied"
        assert app.session.stages["lint"].status == "passed" and app.session.diagnostics == ()
        assert app.session.stages["slow"].status == "passed"

    drive(app, scenario)


def test_a_failed_stage_from_the_cache_says_failed_cached(lint_repo: Repo) -> None:
    drive(make_app(lint_repo), settle)
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        assert app.session.stages["lint"].cached
        assert lint_status(app) == "failed (cached)"
        assert "✘  lint   failed (cached)" in screen_text(app)

    drive(app, scenario)


def test_p_on_the_failures_screen_opens_the_review(lint_repo: Repo) -> None:
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("f")
        assert isinstance(app.screen, FailuresScreen)
        assert " p review " in screen_text(app).splitlines()[-1]  # the footer offers it
        await pilot.press("p")
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("q")
        assert isinstance(app.screen, FailuresScreen)

    drive(app, scenario)


def test_p_is_not_offered_on_the_failures_screen_without_fixes(repo: Repo) -> None:
    # A failure no fixer knows: there is nothing to review.
    repo.config('[stages.broken]\nrun = ["python", "-c", "raise SystemExit(1)"]\n')
    repo.commit()
    app = make_app(repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        assert app.session.reviews == []
        await pilot.press("f")
        assert isinstance(app.screen, FailuresScreen)
        assert " p review " not in screen_text(app).splitlines()[-1]

    drive(app, scenario)


def diff_pane(text: str) -> list[str]:
    """The rows between the title and the status line: the fix list and the diff."""
    return text.splitlines()[1:-2]


def test_messages_on_the_review_screen_do_not_cover_the_diff(lint_repo: Repo) -> None:
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("p")
        before = screen_text(app)
        await pilot.press("u")  # nothing to undo: an error message, the diff unchanged
        await settle(pilot)
        await pilot.pause(0.5)  # a toast would be showing by now
        after = screen_text(app)
        assert app.messages[-1].startswith("not undone: nothing to undo")
        assert not app._notifications  # no toast (screen_text does not draw toasts: asked directly)
        assert diff_pane(after) == diff_pane(before)
        # The message is in the screen's status line, above the footer.
        assert after.splitlines()[-2].strip().startswith("not undone: nothing to undo")

    drive(app, scenario, size=SHORT)


def test_messages_on_the_failures_screen_are_in_its_status_line(lint_repo: Repo) -> None:
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("f", "u")  # nothing to undo: an error message
        await settle(pilot)
        await pilot.pause(0.3)
        assert isinstance(app.screen, FailuresScreen)
        assert not app._notifications
        assert screen_text(app).splitlines()[-2].strip().startswith("not undone: nothing to undo")

    drive(app, scenario, size=SHORT)


def test_a_toast_told_where_there_is_no_status_line_does_not_follow(lint_repo: Repo) -> None:
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("h", "u")  # the history screen has no status line: a toast
        await settle(pilot)
        assert app._notifications
        await pilot.press("q", "p")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ReviewScreen)
        assert not app._notifications
        assert "not undone: nothing to undo" in screen_text(app).splitlines()[-2]

    drive(app, scenario, size=SHORT)


def test_no_title_repeats_the_count(lint_repo: Repo) -> None:
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        for key in ("", "f", "q", "p"):
            if key:
                await pilot.press(key)
            text = screen_text(app)
            title = text.splitlines()[0]
            assert "failed: lint" in title, title
            # Each count once on the screen: in the title, or in the status line, never both.
            assert text.count("3 failures") <= 1, text
            assert text.count("verified fix") <= 1, text
            assert title.count("fix") <= 1, title

    drive(app, scenario)


def test_skip_in_the_terminal_leaves_the_stage_out(lint_repo: Repo) -> None:
    app = HealerApp(open_workspace(lint_repo.path), environ={"SKIP": "lint"})

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        lint = app.session.stages["lint"].result
        assert lint is not None and lint.status == "skipped" and lint.reason == "SKIP"
        assert lint_status(app).startswith("skipped")

    drive(app, scenario)


def test_applying_a_fix_checks_again_every_failed_stage_that_reported_in_its_files(lint_repo: Repo) -> None:
    """Found on attrs: a pytest fix for `feilds` left flake8's F821 for it on the screen, "failed (cached)"."""
    second = LINT.replace("[stages.lint]", "[stages.unused]").replace("ruff check", "ruff check --select F401")
    lint_repo.config(LINT + second)
    lint_repo.commit("a second stage reports the same file")
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        assert {
            name for name, stage in app.session.stages.items() if stage.result and stage.result.status == "failed"
        } == {"lint", "unused"}
        await pilot.press("p", "A")
        await settle(pilot)
        for name in ("lint", "unused"):
            result = app.session.stages[name].result
            assert result is not None and result.status == "passed", (name, result)

    drive(app, scenario)


def test_identical_failures_are_one_row_with_their_count(repo: Repo) -> None:
    """Found on attrs: 16 rows of the same NameError, where `healer run` says it once "(16 tests)"."""
    repo.config('[stages.test]\nrun = "python -m pytest -q -p no:cacheprovider"\nkind = "test"\nparser = "pytest"\n')
    repo.write("calc.py", "def double(x):\n    return x * twoo\n")
    repo.write(
        "test_calc.py",
        "".join(f"from calc import double\n\n\ndef test_{n}():\n    assert double({n})\n\n\n" for n in range(3)),
    )
    repo.commit("start")
    app = make_app(repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        rows = [line for line in screen_text(app).splitlines() if "twoo" in line and "NameError" in line]
        assert len(rows) == 1 and "(3 tests)" in rows[0], screen_text(app)

    drive(app, scenario, size=(140, 32))
