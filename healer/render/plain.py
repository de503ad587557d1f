"""Line-by-line progress for logs, pipes and CI: no colour, no cursor movement."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from healer.pipeline.events import Event, Notice, RunFinished, StageFinished, StageStarted
from healer.pipeline.result import RunResult
from healer.render.report import new_report, report, stage_line
from healer.render.text import clean_line

if TYPE_CHECKING:
    from healer.pipeline.baseline import NewFindings


class PlainDisplay:
    def __init__(self, stream: TextIO, *, verbose: bool = False) -> None:
        self.stream = stream
        self.verbose = verbose

    def __call__(self, event: Event) -> None:
        if isinstance(event, Notice):
            self._write(f"healer: {clean_line(event.message)}")
        elif isinstance(event, StageStarted) and self.verbose:
            self._write(clean_line(f"{event.stage} started: {event.command}"))
        elif isinstance(event, StageFinished):
            self._write(stage_line(event.result))
        elif isinstance(event, RunFinished):
            for line in report(event.result):
                self._write(line)

    def finish(self, run: RunResult, findings: NewFindings) -> None:
        """The end of a run whose findings were compared with the base (see report.HeldReport)."""
        for line in new_report(run, findings):
            self._write(line)

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()
