"""What a watch session reports, in order, from its scheduling thread.

Pipeline events keep their own types (healer.pipeline.events) and arrive
wrapped in `PipelineEvent`, tagged with the batch and pass they belong to, so
a front end can reuse the renderers it already has for runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, NamedTuple

from healer.pipeline.events import Event
from healer.pipeline.result import RunResult, StageResult

Pass = Literal["affected", "full"]
"""`affected`: the tests the change affects, run first as a preview; `full`: the stages themselves (what counts)."""


class WatchStarted(NamedTuple):
    """The watcher is listening; the first full run follows as batch 0."""

    root: str
    stages: tuple[str, ...]
    debounce_ms: int


class BatchStarted(NamedTuple):
    batch: int
    """0 for the first full run, then 1, 2, ... one per group of changes."""
    changed: tuple[str, ...]
    """Repository-relative paths that changed (sorted; empty for batch 0)."""
    stages: tuple[str, ...]
    """The stages this batch reruns: those whose inputs changed and those that need them
    (the stages they need come along from the cache). Empty when no stage reads the changed files."""
    restarted: tuple[str, ...] = ()
    """Of `stages`, those that a change cancelled in the previous batch."""


class AffectedTests(NamedTuple):
    """A pytest stage's affected tests run first, as a stage of their own named `preview`."""

    batch: int
    stage: str
    """The pytest stage, as configured."""
    preview: str
    """`<stage> (affected tests)`: the name its results and events carry in the `affected` pass."""
    tests: tuple[str, ...]
    """Repository-relative test files, from the project's import graph."""


class PipelineEvent(NamedTuple):
    batch: int
    phase: Pass
    event: Event


class BatchCancelled(NamedTuple):
    """Files changed again while stages that read them were unfinished: the batch stops, and what it
    did not finish runs again in the next one (after the debounce)."""

    batch: int
    changed: tuple[str, ...]
    stages: tuple[str, ...]
    """The unfinished stages whose inputs the new change touched."""


class BatchFinished(NamedTuple):
    batch: int
    run: RunResult | None
    """The full pass; None when it did not run (nothing to rerun, or cancelled before it began)."""
    affected: tuple[StageResult, ...] = ()
    """The affected-tests previews, if any ran."""
    cancelled: bool = False


class WatchProblem(NamedTuple):
    """Something the user should fix while watching goes on (a broken configuration): nothing reruns until then."""

    message: str


class WatchStopped(NamedTuple):
    error: str | None = None
    """Why watching ended on its own (the file watcher failed); None when stopped by request."""


WatchEvent = (
    WatchStarted
    | BatchStarted
    | AffectedTests
    | PipelineEvent
    | BatchCancelled
    | BatchFinished
    | WatchProblem
    | WatchStopped
)
WatchSink = Callable[[WatchEvent], None]
