"""`healer watch`: rerun what each change affects, printing results as they come (the core is healer.watch)."""

from __future__ import annotations

import json
import os
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from healer.errors import HealerError
from healer.interrupt import terminated_as_interrupt
from healer.pipeline.events import Notice, RunFinished, StageFinished, StageStarted
from healer.pipeline.result import RunResult
from healer.render.json_document import stage_result
from healer.render.report import failure_details, report, stage_line, summary
from healer.render.text import clean_line
from healer.reporter import Reporter
from healer.service import Healer
from healer.watch.events import (
    AffectedTests,
    BatchCancelled,
    BatchFinished,
    BatchStarted,
    PipelineEvent,
    WatchEvent,
    WatchProblem,
    WatchStarted,
    WatchStopped,
)
from healer.watch.session import WatchOptions, WatchSession
from healer.workspace import open_workspace

if TYPE_CHECKING:
    import argparse

WATCH_SCHEMA = "healer.watch/1"
SHOWN_PATHS = 5
STOP_WAIT_SECONDS = 15.0
"""After Ctrl-C, the longest to wait for the stages to end (the runner's grace and hard stop are shorter)."""


def _paths(paths: tuple[str, ...]) -> str:
    shown = ", ".join(clean_line(path, 200) for path in paths[:SHOWN_PATHS])
    more = len(paths) - SHOWN_PATHS
    return f"{shown} and {more} more" if more > 0 else shown


class TextLog:
    """Plain lines, one per fact, flushed as they come: readable in a terminal, a pipe or a log file."""

    def __init__(self, stream: TextIO, *, verbose: bool = False) -> None:
        self.stream = stream
        self.verbose = verbose
        self.muted = False

    def __call__(self, event: WatchEvent) -> None:
        if self.muted:
            return
        for line in self.lines(event):
            self.stream.write(line + "\n")
        self.stream.flush()

    def notice(self, message: str) -> None:
        if not self.muted:
            self.stream.write(f"healer: {clean_line(message)}\n")
            self.stream.flush()

    def lines(self, event: WatchEvent) -> list[str]:
        if isinstance(event, WatchStarted):
            stages = ", ".join(event.stages) or "no stages"
            return [f"healer: watching {event.root} ({stages}; debounce {event.debounce_ms} ms); Ctrl-C to stop"]
        if isinstance(event, BatchStarted):
            if event.batch == 0:
                return []
            lines = [f"changed: {_paths(event.changed)}"]
            if not event.stages:
                lines.append("  no stage reads these files")
            else:
                again = f" (restarted: {', '.join(event.restarted)})" if event.restarted else ""
                lines.append(f"rerun: {', '.join(event.stages)}{again}")
            return lines
        if isinstance(event, AffectedTests):
            return [f"{event.stage}: affected tests first: {_paths(event.tests)}"]
        if isinstance(event, PipelineEvent):
            return self._pipeline(event)
        if isinstance(event, BatchCancelled):
            return [f"cancelled {', '.join(event.stages)}: {_paths(event.changed)} changed again; rerunning"]
        if isinstance(event, WatchProblem):
            return [f"healer: {clean_line(event.message)}"]
        if isinstance(event, WatchStopped) and event.error:
            return [f"healer: {clean_line(event.error)}"]
        return []

    def _pipeline(self, wrapped: PipelineEvent) -> list[str]:
        event = wrapped.event
        if isinstance(event, Notice):
            return [f"healer: {clean_line(event.message)}"]
        if isinstance(event, StageStarted) and self.verbose:
            return [clean_line(f"{event.stage} started: {event.command}")]
        if isinstance(event, StageFinished):
            result = event.result
            if wrapped.phase == "affected" and result.status in ("failed", "error"):
                # The preview exists to show a failure early: show it now, not after the full run.
                return [stage_line(result), *failure_details(result)]
            return [stage_line(result)]
        if isinstance(event, RunFinished) and wrapped.phase == "full" and not event.result.interrupted:
            return report(event.result)
        return []


class JsonLines:
    """One JSON object per line (schema healer.watch/1, docs/json.md), written as each fact is known."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.muted = False

    def __call__(self, event: WatchEvent) -> None:
        if self.muted:
            return
        for record in self.records(event):
            self._write(record)

    def notice(self, message: str) -> None:
        if not self.muted:
            self._write({"event": "notice", "time": round(time.time(), 3), "message": message})

    def _write(self, record: dict[str, Any]) -> None:
        self.stream.write(json.dumps({"schema": WATCH_SCHEMA, **record}, ensure_ascii=False) + "\n")
        self.stream.flush()

    def records(self, event: WatchEvent) -> list[dict[str, Any]]:
        now = round(time.time(), 3)
        if isinstance(event, WatchStarted):
            return [{"event": "watching", "time": now, "root": event.root, "stages": list(event.stages),
                     "debounce_ms": event.debounce_ms}]  # fmt: skip
        if isinstance(event, BatchStarted):
            return [{"event": "batch", "time": now, "batch": event.batch, "changed": list(event.changed),
                     "stages": list(event.stages), "restarted": list(event.restarted)}]  # fmt: skip
        if isinstance(event, AffectedTests):
            return [{"event": "affected_tests", "time": now, "batch": event.batch, "stage": event.stage,
                     "preview": event.preview, "tests": list(event.tests)}]  # fmt: skip
        if isinstance(event, PipelineEvent):
            inner = event.event
            if isinstance(inner, StageFinished):
                # The healer.run/1 stage object, as is.
                return [{"event": "result", "time": now, "batch": event.batch, "pass": event.phase,
                         "stage": stage_result(inner.result)}]  # fmt: skip
            if isinstance(inner, Notice):
                return [{"event": "notice", "time": now, "message": inner.message}]
            return []
        if isinstance(event, BatchCancelled):
            return [{"event": "cancelled", "time": now, "batch": event.batch, "changed": list(event.changed),
                     "stages": list(event.stages)}]  # fmt: skip
        if isinstance(event, BatchFinished) and event.run is not None and not event.cancelled:
            return [{"event": "summary", "time": now, "batch": event.batch, **_summary(event.run)}]
        if isinstance(event, WatchProblem):
            return [{"event": "problem", "time": now, "message": event.message}]
        if isinstance(event, WatchStopped) and event.error:
            return [{"event": "stopped", "time": now, "error": event.error}]
        return []


def _summary(run: RunResult) -> dict[str, Any]:
    return {
        "outcome": run.outcome,
        "exit_code": run.exit_code,
        "duration": round(run.duration, 4),
        "statuses": {stage.name: stage.status for stage in run.stages},
        "text": summary(run),
    }


def execute(args: argparse.Namespace) -> int:
    if args.debounce < 0:
        raise HealerError(f"--debounce: expected milliseconds, 0 or more, got {args.debounce}")
    workspace = open_workspace()  # not a repository, a broken configuration: one line, as for `healer run`
    render = JsonLines(sys.stdout) if args.json else TextLog(sys.stdout, verbose=args.verbose)
    healer = Healer(workspace, via="watch", reporter=_Notices(render), environ=os.environ)
    options = WatchOptions(
        stages=tuple(args.stages),
        debounce_ms=args.debounce,
        jobs=args.jobs,
        use_cache=not args.no_cache,
        affected_first=args.affected_first,
    )
    session = WatchSession(healer, render, options)
    with terminated_as_interrupt():
        try:
            session.start()
            while not session.join(0.2):
                pass
        except KeyboardInterrupt:
            # The one line about it is main's; the session's own account of stopping would be noise.
            render.muted = True
            session.stop()
            _wait_for_end(session)
            raise
    if session.failure is not None:
        raise session.failure
    if session.error is not None:
        raise HealerError(session.error)
    return 0


class _Notices(Reporter):
    """What the core says outside a batch's events (a record the knowledge base refused), as the log says it."""

    def __init__(self, render: TextLog | JsonLines) -> None:
        self.render = render

    def notice(self, message: str) -> None:
        self.render.notice(message)


def _wait_for_end(session: WatchSession) -> None:
    """Let the stages be ended properly even if Ctrl-C comes again: they run in sessions of their own."""
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            if session.join(max(0.0, deadline - time.monotonic())):
                return
        except KeyboardInterrupt:
            continue
