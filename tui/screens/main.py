"""The first screen: every stage with its live status and duration, and the selected stage's output."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Static

from healer.tui.actions import bindings
from healer.tui.failures import group_by_file
from healer.tui.screens.base import HealerScreen
from healer.tui.state import count
from healer.tui.widgets.stage_log import StageLog
from healer.tui.widgets.stage_table import StageTable

if TYPE_CHECKING:
    from healer.tui.app import Change

TICK_SECONDS = 0.5


class MainScreen(HealerScreen):
    SCOPE = "main"
    SHOWS_MESSAGES = True
    CSS_PATH = "main.tcss"
    BINDINGS = bindings("main")

    def compose(self) -> ComposeResult:
        yield Static(id="title", classes="title")
        with Horizontal(id="body"):
            yield StageTable(id="stages")
            yield StageLog(id="log")
        yield Static(id="summary", classes="status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(StageTable)
        table.add_class("pane")
        table.border_title = "stages"
        self.query_one(StageLog).add_class("pane")
        self.healer.changed.subscribe(self, self._changed, immediate=True)
        self._show_stages()
        self._show_log()
        self._show_status()
        self.set_interval(TICK_SECONDS, self._tick)
        table.focus()

    # -- rendering the session ---------------------------------------------------------

    def _changed(self, change: Change) -> None:
        if change.topic == "output":
            log = self.query_one(StageLog)
            if change.stage == log.stage and change.lines:
                log.feed(change.lines)
        elif change.topic == "stages":
            self._show_stages()
            if change.stage is None or change.stage == self.query_one(StageLog).stage:
                self._show_log_source()
            if change.stage is None:
                self._show_log()
        else:
            self._show_status()
        if change.topic in ("stages", "run", "reviews"):
            self._show_status()
        if change.topic in ("progress", "run", "reviews"):
            # Not on output or stage updates: the footer is rebuilt on every refresh of the bindings.
            self.refresh_bindings()

    def _show_stages(self) -> None:
        self.query_one(StageTable).show_stages(list(self.healer.session.stages.values()))

    def _tick(self) -> None:
        table = self.query_one(StageTable)
        for stage in self.healer.session.stages.values():
            if stage.status == "running":
                table.update_stage(stage)

    def _show_log(self) -> None:
        name = self.query_one(StageTable).selected
        log = self.query_one(StageLog)
        buffer = self.healer.session.logs.get(name) if name else None
        log.show(name, buffer.lines if buffer else (), buffer.total if buffer else 0, self._full_output(name))

    def _show_log_source(self) -> None:
        log = self.query_one(StageLog)
        where = self._full_output(log.stage)
        if where is not None:
            log.border_subtitle = f"full output: {where}"

    def _full_output(self, name: str | None) -> str | None:
        stage = self.healer.session.stages.get(name) if name else None
        if stage is None or stage.result is None or stage.result.log_path is None:
            return None
        return stage.result.log_path

    def _show_status(self) -> None:
        session = self.healer.session
        title = f"healer · {self.healer.workspace.root.name} · {session.progress or 'ready'}"
        if self.healer.watcher is not None:
            title += " · watching"
        self.query_one("#title", Static).update(title)
        diagnostics = session.diagnostics
        files = len(group_by_file(diagnostics))
        pending = [r for r in session.pending_reviews() if r.original.verified and not r.stale]
        changing = [r for r in session.pending_reviews() if r.original.changes_checks and not r.stale]
        parts = []
        if diagnostics:
            parts.append(f"{count(len(diagnostics), 'failure')} in {count(files, 'file')} (f)")
        if pending:
            parts.append(f"{count(len(pending), 'verified fix', 'verified fixes')} to review (p)")
        if changing:
            parts.append(f"{count(len(changing), 'fix', 'fixes')} passing by changing the checks (p)")
        if session.notes:
            parts.append(f"{count(len(session.notes), 'note')}: " + "; ".join(session.notes[:2]))
        # The last message is shown here, not in a toast over the log's last lines.
        said = self.last_message()
        summary = Text(" · ").join([Text(part) for part in parts] + ([said] if said else []))
        self.query_one("#summary", Static).update(summary)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.query_one(StageTable).selected != self.query_one(StageLog).stage:
            self._show_log()

    # -- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.healer.checking
        if action == "rerun_stage":
            return self.query_one(StageTable).selected is not None
        if action == "review":
            return bool(self.healer.session.reviews)
        return True

    def action_rerun_stage(self) -> None:
        name = self.query_one(StageTable).selected
        if name is not None:
            self.healer.start_check((name,), use_cache=False)

    def action_rerun_all(self) -> None:
        self.healer.start_check((), use_cache=False)

    def action_cancel(self) -> None:
        self.healer.cancel_check()

    def action_failures(self) -> None:
        from healer.tui.screens.failures import FailuresScreen

        self.app.push_screen(FailuresScreen())

    def action_review(self) -> None:
        from healer.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen())

    def action_watch(self) -> None:
        self.healer.toggle_watch()

    async def action_quit(self) -> None:
        await self.healer.action_quit()
