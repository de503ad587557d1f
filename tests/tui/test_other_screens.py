"""History and statistics, help, the command palette, and the `healer tui` command itself."""

from __future__ import annotations

import subprocess
import sys

from textual.pilot import Pilot
from textual.widgets import DataTable

from healer.tui.actions import ACTIONS
from healer.tui.screens.failures import FailuresScreen
from healer.tui.screens.help import HelpScreen, help_text
from healer.tui.screens.history import HistoryScreen
from healer.tui.screens.main import MainScreen

from ..conftest import Repo, RunHealer
from .conftest import drive, make_app, settle
from .screen import screen_text


def test_history_shows_runs_fixes_and_the_same_statistics_as_the_cli(lint_repo: Repo, healer: RunHealer) -> None:
    first = make_app(lint_repo)

    async def accept(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("p", "A")
        await settle(pilot)

    drive(first, accept)
    patch_id = first.session.reviews[0].original.id
    app = make_app(lint_repo, check_on_start=False)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("h")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        runs = screen.query_one("#runs", DataTable)
        # Newest first: the check after the fix was applied, then the first one.
        assert [runs.get_row_at(i)[1:3] for i in range(runs.row_count)] == [["tui", "passed"], ["tui", "failed"]]
        fixes = screen.query_one("#fixes-table", DataTable)
        assert fixes.get_row_at(0)[1:4] == ["applied", "tui", patch_id]
        stats = str(screen.query_one("#stats").render())
        cli = healer("stats")
        assert cli.code == 0
        for line in cli.out.splitlines():
            assert line in stats
        await pilot.press("a")
        await settle(pilot)
        assert "every repository" in screen_text(app)
        await pilot.press("q")
        assert isinstance(app.screen, MainScreen)

    drive(app, scenario)


def test_help_lists_every_action_and_closes(lint_repo: Repo) -> None:
    text = help_text("main").plain
    for action in ACTIONS:
        if action.scope == "help":
            continue  # the help's own keys are in its title
        if action.action == "ask_model":
            assert action.title not in text  # no model configured: no key for it
            assert action.title in help_text("main", model=True).plain
            continue
        assert action.title in text, action
    app = make_app(lint_repo, check_on_start=False)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "stages and logs" in screen_text(app)
        await pilot.press("q")
        assert isinstance(app.screen, MainScreen)

    drive(app, scenario)


def test_the_command_palette_runs_actions_by_name(lint_repo: Repo) -> None:
    app = make_app(lint_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"failures by file")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FailuresScreen)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await pilot.press(*"undo the last")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.messages[-1].startswith("not undone: nothing to undo")

    drive(app, scenario)


def test_importing_the_ui_never_imports_litellm() -> None:
    probe = (
        "import sys, healer.tui, healer.tui.app, healer.tui.screens.review, healer.tui.screens.failures, "
        "healer.tui.screens.history; print(sorted(m for m in sys.modules if m.split('.')[0] == 'litellm'))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_healer_tui_needs_a_terminal(lint_repo: Repo, healer: RunHealer) -> None:
    done = healer("tui")
    assert done.code == 2
    assert done.err == "healer: healer tui needs a terminal; without one, use `healer run` or `healer fix`\n"
    assert "healer tui" in healer("--help").out
