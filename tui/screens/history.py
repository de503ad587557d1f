"""History and statistics: recent runs and fixes, and what `healer stats` reports, from the knowledge base.

The figures come from the same core queries as `healer history` and
`healer stats` (healer.kb.history, through the core), and are worded by the
same healer.render.history, so the UI and the CLI can never disagree.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static

from healer.kb.history import RecentActivity
from healer.render.history import describe_stats, when
from healer.tui.actions import bindings
from healer.tui.messages import Loaded
from healer.tui.screens.base import HealerScreen

LIMIT = 20


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

    def _load(self) -> None:
        where = "every repository" if self.all_repos else self.healer.workspace.root.name
        self.query_one("#title", Static).update(f"history and statistics · {where} · loading…")
        core, key = self.healer.core, self.all_repos

        def body() -> None:
            self.post_message(Loaded("history", key, core.activity(all_repos=key, limit=LIMIT)))

        self.app.run_worker(body, thread=True, group="history", exclusive=True, name="history", exit_on_error=False)

    def on_loaded(self, message: Loaded) -> None:
        if message.topic != "history" or message.key != self.all_repos:
            return
        activity: RecentActivity | None = message.data
        where = "every repository" if self.all_repos else self.healer.workspace.root.name
        self.query_one("#title", Static).update(f"history and statistics · {where}")
        runs = self.query_one("#runs", DataTable)
        fixes = self.query_one("#fixes-table", DataTable)
        runs.clear()
        fixes.clear()
        if activity is None:
            self.query_one("#stats", Static).update("the knowledge base cannot be read (see the notification)")
            return
        for run in activity.runs:
            runs.add_row(
                when(run.started), run.trigger, run.outcome, f"{run.duration:.1f}s", ", ".join(run.failed_stages)
            )
        for fix in activity.fixes:
            fixes.add_row(when(fix.time), fix.decision, fix.via, fix.patch_id, fix.title or "?")
        self.query_one("#stats", Static).update("\n".join(describe_stats(activity.stats)))

    def action_all_repos(self) -> None:
        self.all_repos = not self.all_repos
        self._load()

    def action_back(self) -> None:
        self.app.pop_screen()
