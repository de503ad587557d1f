"""The live terminal display: a table of stages that updates as they run."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.live import Live
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from healer.pipeline.events import Event, Notice, RunFinished, RunStarted, StageFinished, StageOutput, StageStarted
from healer.pipeline.result import RunResult, StageResult
from healer.render.report import duration, failure_details, new_report, summary
from healer.render.text import clean_line

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.live import Live

    from healer.pipeline.baseline import NewFindings

STYLE = {"passed": "green", "failed": "bold red", "error": "bold red", "skipped": "dim", "cancelled": "yellow"}
SYMBOL = {"passed": "✔", "failed": "✘", "error": "✘", "skipped": "–", "cancelled": "■"}


class LiveDisplay:
    """Consumes runner events on the calling thread; rich refreshes the screen."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.order: list[str] = []
        self.started: dict[str, float] = {}
        self.last_line: dict[str, str] = {}
        self.results: dict[str, StageResult] = {}
        self.live: Live | None = None

    def __call__(self, event: Event) -> None:
        if isinstance(event, Notice):
            self.console.print(Text.assemble(("healer: ", "yellow"), clean_line(event.message)))
        elif isinstance(event, RunStarted):
            self.order = list(event.stages)
            self.live = Live(self, console=self.console, refresh_per_second=10, transient=False)
            self.live.start()
        elif isinstance(event, StageStarted):
            self.started[event.stage] = time.monotonic()
        elif isinstance(event, StageOutput):
            for line in reversed(event.lines):
                shown = clean_line(line, 200).strip()
                if shown:
                    self.last_line[event.stage] = shown
                    break
        elif isinstance(event, StageFinished):
            self.results[event.result.name] = event.result
        elif isinstance(event, RunFinished):
            if self.live is not None:
                self.live.refresh()
                self.live.stop()
            self._report(event)

    def __rich__(self) -> RenderableType:
        table = Table.grid(padding=(0, 1))
        table.add_column(width=2)
        table.add_column(no_wrap=True)
        table.add_column(style="dim", no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_column(style="dim", no_wrap=True, overflow="ellipsis", max_width=60)
        now = time.monotonic()
        for name in self.order:
            result = self.results.get(name)
            if result is not None:
                status = "timed out" if result.timed_out else result.status
                label = f"{status}{' (cached)' if result.cached else ''}"
                time_text = "" if result.status == "skipped" else duration(result.duration)
                note = Text(clean_line(result.reason or "", 200))
                table.add_row(
                    Text(SYMBOL[result.status], style=STYLE[result.status]),
                    Text(name, style="bold"),
                    Text(label, style=STYLE[result.status]),
                    time_text,
                    note,
                )
            elif name in self.started:
                table.add_row(
                    Spinner("dots", style="cyan"),
                    Text(name, style="bold"),
                    Text("running", style="cyan"),
                    duration(now - self.started[name]),
                    Text(self.last_line.get(name, "")),
                )
            else:
                table.add_row(Text("·", style="dim"), Text(name), Text("pending", style="dim"), "", "")
        return table

    def finish(self, run: RunResult, findings: NewFindings) -> None:
        """The end of a run whose findings were compared with the base (see report.HeldReport)."""
        if self.live is not None:
            self.live.refresh()
            self.live.stop()
        lines = new_report(run, findings)
        style = "bold red" if findings.blocking or not findings.compared else "bold green"
        for line in lines[:-1]:
            self.console.print(Text(line, style="bold red" if line.startswith("--- ") else ""))
        self.console.print(Text(lines[-1], style=style))

    def _report(self, event: RunFinished) -> None:
        run = event.result
        for result in run.stages:
            if result.status in ("failed", "error"):
                lines = failure_details(result)
                self.console.print(Text(lines[0], style="bold red"))
                for line in lines[1:]:
                    self.console.print(Text(line))
        style = {"passed": "bold green", "failed": "bold red", "interrupted": "bold yellow"}[run.outcome]
        self.console.print(Text(summary(run), style=style))
