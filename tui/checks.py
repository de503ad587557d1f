"""The body of the check worker: run the pipeline and propose verified fixes, as `healer fix` without --apply.

The core's fix loop with `apply=None` checks, proposes and verifies, and
changes no file. Its events arrive on this worker thread through a `Relay`;
each becomes a message. The output is cleaned here (not on the UI thread) and
sent in batches small enough that writing one never holds the UI for long.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from textual.message import Message

from healer.pipeline.events import Event, StageFinished, StageOutput
from healer.pipeline.result import RunResult
from healer.reporter import Reporter
from healer.tui.logbuffer import LIMIT
from healer.tui.messages import FixesReady, FixProgress, PipelineEvent, PipelineOutput
from healer.tui.sanitize import clean_lines, clean_text

if TYPE_CHECKING:
    from healer.fixing.report import FixReport
    from healer.notify.stages import StageAlerts
    from healer.pipeline.result import StageResult
    from healer.service import Healer

BATCH = 500
"""Lines per message: about 6 ms of Log.write_lines on the UI thread."""

Post = Callable[[Message], object]
OFFLINE = "the terminal UI asks a model only when you ask it to"


class CheckRequest(NamedTuple):
    generation: int
    stages: tuple[str, ...]
    use_cache: bool
    cancel: threading.Event
    run: RunResult | None = None
    """A run someone else made (watch mode): only propose and verify fixes for its failures."""


def _batches(generation: int, stage: str, lines: list[str]) -> list[PipelineOutput]:
    return [PipelineOutput(generation, stage, lines[i : i + BATCH]) for i in range(0, len(lines), BATCH)]


def sink_for(generation: int, post: Post) -> Callable[[Event], None]:
    def sink(event: Event) -> None:
        if isinstance(event, StageOutput):
            for message in _batches(generation, event.stage, clean_lines(event.lines)):
                post(message)
            return
        if isinstance(event, StageFinished):
            result = event.result
            if result.cached and result.output:
                # A cached result streams nothing: show what it printed when it ran.
                for message in _batches(generation, result.name, clean_text(result.output, LIMIT)):
                    post(message)
            elif result.reason and result.status in ("error", "skipped", "cancelled"):
                post(PipelineOutput(generation, result.name, clean_lines([result.reason])))
        post(PipelineEvent(generation, event))

    return sink


class Relay(Reporter):
    """One check's events and progress, as messages of its generation."""

    def __init__(self, generation: int, post: Post) -> None:
        self.generation = generation
        self.post = post
        self.sink = sink_for(generation, post)

    def event(self, event: Event) -> None:
        self.sink(event)

    def progress(self, message: str) -> None:
        self.post(FixProgress(self.generation, message))


class Alerts:
    """The app's desktop notifications (a stage went red, or green again), one memory for its checks and its
    watch batches; made by the first that needs it, in a worker: healer.notify loads the redactor."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._made: StageAlerts | None = None

    def of(self, core: Healer) -> StageAlerts:
        from healer.notify.stages import StageAlerts

        with self._lock:
            if self._made is None:
                self._made = StageAlerts(core.workspace.root, kb=core.kb, say=core.reporter.notice)
            return self._made

    def observe(self, core: Healer, results: tuple[StageResult, ...]) -> None:
        settings = core.workspace.config.notify
        if settings.desktop and results:
            self.of(core).observe(results, settings)


def run_checks(core: Healer, request: CheckRequest, post: Post, alerts: Alerts | None = None) -> None:
    # In the worker, not before the first frame: the fix machinery takes a while to import.
    from healer.fixing.report import FixOptions

    relay = Relay(request.generation, post)
    if request.run is not None:
        post(FixesReady(request.generation, propose_only(core, request, relay)))
        return
    options = FixOptions(
        stages=request.stages,
        apply=None,
        # A model is asked only on the reviewer's request (healer.tui.model_fix), never on every check.
        offline=OFFLINE,
        cache="use" if request.use_cache else "refresh",
        trigger="tui",
        cancel=request.cancel,
    )
    report = core.fix(options, reporter=relay)
    post(FixesReady(request.generation, report))
    if alerts is not None and not report.interrupted:
        alerts.observe(core, tuple(r for r in report.final.stages if r.status not in ("cancelled", "skipped")))


def propose_only(core: Healer, request: CheckRequest, relay: Relay) -> FixReport:
    """Fixes for the failures of a run made elsewhere (a watch batch), for the working tree as it is now.

    The run is not made again nor recorded again (the watcher recorded it); the
    candidates are, as `healer fix` records them, so decisions on them count.
    """
    from healer.fixing.report import FixReport

    assert request.run is not None
    began = time.monotonic()
    found = core.propose(request.run, cancel=request.cancel, reporter=relay)
    return FixReport([found], request.run, time.monotonic() - began, OFFLINE)
