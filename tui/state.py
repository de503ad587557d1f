"""What the UI knows about the current session, as plain data: stages, their logs, results and fixes to review.

Only the app's message handlers (on the UI thread) change it; screens read it.
Workers never see it: they send messages, and the handlers fold them in here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from healer.tui.logbuffer import LogBuffer

if TYPE_CHECKING:
    from healer.diagnostics.diagnostic import Diagnostic
    from healer.pipeline.result import RunResult, StageResult
    from healer.tui.review.state import PatchReview

Shown = Literal["pending", "running", "passed", "failed", "cached", "skipped", "error", "cancelled"]

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
    passed: bool | None = None
    """For a cached result: whether the cached result passed."""
    started: float | None = None
    duration: float | None = None
    result: StageResult | None = None

    @property
    def icon(self) -> str:
        if self.status == "cached":
            return ICONS["passed" if self.passed else "failed"]
        return ICONS[self.status]

    def elapsed(self, now: float | None = None) -> float | None:
        if self.duration is not None:
            return self.duration
        if self.started is not None:
            return (time.monotonic() if now is None else now) - self.started
        return None

    def start(self) -> None:
        self.status, self.started, self.duration, self.result, self.passed = (
            "running",
            time.monotonic(),
            None,
            None,
            None,
        )

    def finish(self, result: StageResult) -> None:
        self.result = result
        # A skipped stage, or one that could not start, took no time worth showing.
        self.duration = None if result.status in ("skipped", "error") else result.duration
        self.passed = result.status == "passed"
        self.status = "cached" if result.cached else result.status


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
            stage.status, stage.started, stage.duration, stage.result, stage.passed = "pending", None, None, None, None
            self.logs.setdefault(name, LogBuffer()).clear()

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return () if self.run is None else self.run.diagnostics

    def pending_reviews(self) -> list[PatchReview]:
        return [review for review in self.reviews if not review.done]


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
