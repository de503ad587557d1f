"""What the UI knows about the current session, as plain data: stages, their logs, results and fixes to review.

Only the app's message handlers (on the UI thread) change it; screens read it.
Workers never see it: they send messages, and the handlers fold them in here.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from healer.tui.logbuffer import LogBuffer

if TYPE_CHECKING:
    from healer.diagnostics.diagnostic import Diagnostic
    from healer.pipeline.result import RunResult, StageResult
    from healer.tui.review.state import PatchReview

Shown = Literal["pending", "running", "passed", "failed", "skipped", "error", "cancelled"]

ICONS: dict[str, str] = {
    "pending": "·",
    "running": "◌",
    "passed": "✔",
    "failed": "✘",
    "skipped": "-",
    "error": "!",
    "cancelled": "⊘",
}


@dataclass
class StageState:
    name: str
    status: Shown = "pending"
    cached: bool = False
    """The result came from the cache: what the stage gave when it last ran on this content."""
    started: float | None = None
    duration: float | None = None
    result: StageResult | None = None

    @property
    def icon(self) -> str:
        return ICONS[self.status]

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def label(self) -> str:
        """What the table says: the outcome first, cached or not ("failed (cached)", as `healer run` says it)."""
        return f"{self.status} (cached)" if self.cached else self.status

    def elapsed(self, now: float | None = None) -> float | None:
        if self.duration is not None:
            return self.duration
        if self.started is not None:
            return (time.monotonic() if now is None else now) - self.started
        return None

    def start(self) -> None:
        self.status, self.cached, self.duration, self.result = "running", False, None, None
        self.started = time.monotonic()

    def finish(self, result: StageResult) -> None:
        self.result = result
        # A skipped stage, or one that could not start, took no time worth showing.
        self.duration = None if result.status in ("skipped", "error") else result.duration
        self.status, self.cached = result.status, result.cached


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 60:
        return f"{seconds:.1f}s"
    return f"{int(seconds // 60)}m{int(seconds % 60):02d}s"


@dataclass
class Session:
    stages: dict[str, StageState] = field(default_factory=dict)
    logs: dict[str, LogBuffer] = field(default_factory=dict)
    reviews: list[PatchReview] = field(default_factory=list)
    run: RunResult | None = None
    """The latest results of every stage, merged across reruns of single stages."""
    notes: list[str] = field(default_factory=list)
    """What the fixers reported instead of fixing (flaky tests, conflict markers) and rules that failed."""
    progress: str = ""
    running: bool = False
    generation: int = 0
    """Which run the UI listens to; messages from an older (cancelled) run are ignored."""

    def reset_stages(self, names: tuple[str, ...]) -> None:
        for name in names:
            stage = self.stages.setdefault(name, StageState(name))
            stage.status, stage.cached, stage.started, stage.duration, stage.result = "pending", False, None, None, None
            self.logs.setdefault(name, LogBuffer()).clear()

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return () if self.run is None else self.run.diagnostics

    def pending_reviews(self) -> list[PatchReview]:
        return [review for review in self.reviews if not review.done]

    def stages_editing(self, paths: Collection[str]) -> set[str]:
        """The stages of the pending fixes that edit one of `paths`: a fix just written there made them stale."""
        written = set(paths)
        return {review.original.patch.stage for review in self.pending_reviews() if written & set(review.patch.paths)}

    def stages_failing_in(self, paths: Collection[str]) -> set[str]:
        """The failed stages that reported something in one of `paths`: a fix there may have settled it (flake8's
        F821 for the name a pytest fix renamed)."""
        written = set(paths)
        if self.run is None:
            return set()
        failing = (stage for stage in self.run.stages if stage.status in ("failed", "error"))
        return {stage.name for stage in failing if any(d.file in written for d in stage.diagnostics)}

    def failed_stages(self) -> list[str]:
        return [] if self.run is None else [s.name for s in self.run.stages if s.status in ("failed", "error")]


def merge_runs(old: RunResult | None, new: RunResult) -> RunResult:
    """`new`'s stages replace the same stages of `old`; the stages a rerun did not touch keep their results."""
    if old is None:
        return new
    fresh = {stage.name: stage for stage in new.stages}
    kept = [fresh.pop(stage.name, stage) for stage in old.stages]
    return new._replace(stages=(*kept, *fresh.values()))


def count(number: int, singular: str, plural: str | None = None) -> str:
    """ "1 failure", "3 failures", "2 fixes"."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
