"""History and statistics: recent runs and fixes, and what `healer stats` reports, from the knowledge base.

The figures come from the same core functions as `healer history` and
`healer stats` (healer.kb.history), and the statistics are worded by the same
`describe`, so the UI and the CLI can never disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static

from healer.tui.actions import bindings
from healer.tui.messages import Loaded
from healer.tui.screens.base import HealerScreen

if TYPE_CHECKING:
    pass

LIMIT = 20


def load_history(repo: str | None) -> dict[str, Any]:
    """Runs, fixes and statistics (call in a worker: reads the knowledge base)."""
    import sqlite3

    from healer.errors import HealerError
    from healer.kb.history import recent_fixes, recent_runs, stats
    from healer.kb.store import Store

    try:
        with Store() as store:
            return {
                "runs": recent_runs(store, repo, LIMIT),
                "fixes": recent_fixes(store, repo, LIMIT),
                "stats": stats(store, repo),
            }
    except (HealerError, OSError, sqlite3.Error) as error:
        return {"error": f"the knowledge base cannot be read: {error}"}


class HistoryScreen(HealerScreen):
    SCOPE = "history"
    CSS_PATH = "history.tcss"
    BINDINGS = bindings("history")

    def __init__(self) -> None:
        super().__init__()
        self.all_repos = False

    def compose(self) -> ComposeResult:
        yield Static(id="title", classes="title")
        with VerticalScroll(id="history-body"):
            yield Static("recent runs", classes="heading")
            yield DataTable(id="runs", cursor_type="row")
            yield Static("recent fixes", classes="heading")
            yield DataTable(id="fixes-table", cursor_type="row")
            yield Static("statistics", classes="heading")
            yield Static(id="stats")
        yield Footer()

    def on_mount(self) -> None:
        runs = self.query_one("#runs", DataTable)
        runs.add_columns("time", "trigger", "outcome", "duration", "failed stages")
        fixes = self.query_one("#fixes-table", DataTable)
        fixes.add_columns("time", "decision", "via", "fix", "title")
        self._load()

    def _repo(self) -> str | None:
        return None if self.all_repos else str(self.healer.workspace.root)

    def _load(self) -> None:
        where = "every repository" if self.all_repos else self.healer.workspace.root.name
        self.query_one("#title", Static).update(f"history and statistics · {where} · loading…")
        repo, key = self._repo(), self.all_repos

        def body() -> None:
            self.post_message(Loaded("history", key, load_history(repo)))

        self.app.run_worker(body, thread=True, group="history", exclusive=True, name="history", exit_on_error=False)

    def on_loaded(self, message: Loaded) -> None:
        if message.topic != "history" or message.key != self.all_repos:
            return
        from healer.commands.history import when
        from healer.commands.stats import describe

        data: dict[str, Any] = message.data
        where = "every repository" if self.all_repos else self.healer.workspace.root.name
        self.query_one("#title", Static).update(f"history and statistics · {where}")
        runs = self.query_one("#runs", DataTable)
        fixes = self.query_one("#fixes-table", DataTable)
        runs.clear()
        fixes.clear()
        if "error" in data:
            self.query_one("#stats", Static).update(data["error"])
            return
        for run in data["runs"]:
            runs.add_row(
                when(run["started"]), run["trigger"], run["outcome"], f"{run['duration']:.1f}s",
                ", ".join(run["failed_stages"]),
            )  # fmt: skip
        for fix in data["fixes"]:
            fixes.add_row(when(fix["time"]), fix["decision"], fix["via"], fix["patch_id"], fix["title"] or "?")
        self.query_one("#stats", Static).update("\n".join(describe(data["stats"])))

    def action_all_repos(self) -> None:
        self.all_repos = not self.all_repos
        self._load()

    def action_back(self) -> None:
        self.app.pop_screen()
