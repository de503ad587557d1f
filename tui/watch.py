"""`w`: watch mode, on the core's watcher (healer.watch): each save reruns the stages it affects, live.

The session runs on its own threads; its events become the same messages a
check sends (cleaned output in batches, stage events), plus `WatchNotice` for
what only watching has (what changed, what reruns). After each batch that
fails, its failures get fixes proposed and verified, for the working tree as
it is then, without running the stages again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.message import Message

from healer.tui.checks import sink_for

if TYPE_CHECKING:
    from healer.tui.app import HealerApp

SHOWN_PATHS = 3


class WatchNotice(Message):
    def __init__(self, generation: int, event: Any) -> None:
        super().__init__()
        self.generation = generation
        self.event = event


class WatchFailed(Exception):
    pass


def watch_sink(generation: int, post: Callable[[Message], object]) -> Callable[[Any], None]:
    from healer.watch.events import PipelineEvent

    relay = sink_for(generation, post)

    def sink(event: Any) -> None:
        if isinstance(event, PipelineEvent):
            if event.phase == "full":
                relay(event.event)
            return  # the affected-tests preview: its outcome arrives with BatchFinished
        post(WatchNotice(generation, event))

    return sink


def toggle(app: HealerApp) -> None:
    if app.watcher is not None:
        app.watcher.stop()
        app.tell("watch mode: stopping")
        return
    try:
        from healer.watch.session import WatchOptions, WatchSession
    except ImportError:
        app.tell("watch mode is not available: this healer has no watcher (healer.watch)", error=True)
        return
    app.cancel_check()
    generation = app.begin_generation(app.stages)
    app.watch_generation = generation
    session = WatchSession(
        app.core,
        watch_sink(generation, app.post_message),
        WatchOptions(stages=app.stages, use_cache=app.use_cache),
        alerts=app.alerts.of(app.core),
    )
    app.watcher = session
    app.session.progress = "watching: the first run"

    def body() -> None:
        session.start()
        session.join()
        if session.failure is not None:
            raise session.failure
        if session.error is not None:
            raise WatchFailed(session.error)

    app.run_worker(body, thread=True, group="watch", name="watch mode", exit_on_error=False)


def paths(changed: tuple[str, ...]) -> str:
    shown = ", ".join(changed[:SHOWN_PATHS])
    more = len(changed) - SHOWN_PATHS
    return f"{shown} and {more} more" if more > 0 else shown


def describe(event: Any) -> str | None:
    """What a watch event tells the user, in one line (None: nothing to say)."""
    from healer.watch.events import (
        AffectedTests,
        BatchCancelled,
        BatchFinished,
        BatchStarted,
        WatchProblem,
        WatchStarted,
        WatchStopped,
    )

    if isinstance(event, WatchStarted):
        return f"watching for changes ({', '.join(event.stages) or 'no stages'}); w stops"
    if isinstance(event, BatchStarted) and event.batch:
        if not event.stages:
            return f"changed: {paths(event.changed)}; no stage reads it"
        return f"changed: {paths(event.changed)}; rerunning {', '.join(event.stages)}"
    if isinstance(event, AffectedTests):
        return f"{event.stage}: the {len(event.tests)} affected test files first"
    if isinstance(event, BatchCancelled):
        return f"{paths(event.changed)} changed again: {', '.join(event.stages)} will rerun"
    if isinstance(event, BatchFinished):
        failed = [f"{r.name} {r.status}" for r in event.affected if r.status != "passed"]
        return f"affected tests: {', '.join(failed)}" if failed else None
    if isinstance(event, WatchProblem):
        return event.message
    if isinstance(event, WatchStopped):
        return f"watch mode stopped: {event.error}" if event.error else "watch mode off"
    return None
