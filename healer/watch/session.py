"""A watch session: the first full run, then a rerun of what each group of changes affects.

Threads:

- the *watcher* thread (`healer-watch-files`) receives bursts of file-system
  events, asks git which of them are content (see `paths`), cancels the running
  batch when a change touches an unfinished stage's inputs, and queues the
  change. Cancelling here, at once, rather than after the debounce, keeps a
  stage that read half-saved files from finishing and caching its result;
- the *scheduling* thread (`healer-watch`) owns everything else: the
  import graph and the batches, which it runs through the core
  (`Healer.check`, `Healer.preview` for the affected tests) in place on the
  working tree, exactly as `healer run` does. It is the only thread that
  calls the sink, so events arrive in order and never two at once.

The caller's thread only starts and stops the session. Each batch has its own
cancel event (`RunOptions.cancel`): setting it stops that batch as Ctrl-C
stops a run, and nothing else.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, NamedTuple

from healer.config.settings import Config, Stage
from healer.errors import HealerError
from healer.notify.stages import StageAlerts
from healer.pipeline.events import Event, StageFinished
from healer.pipeline.plan import affected_stages, select_stages
from healer.pipeline.pytest_selection import pytest_arguments
from healer.pipeline.result import RunResult, StageResult
from healer.reporter import Reporter
from healer.snapshot.imports import ImportGraph
from healer.snapshot.worktree import read_worktree
from healer.watch.events import (
    AffectedTests,
    BatchCancelled,
    BatchFinished,
    BatchStarted,
    Pass,
    PipelineEvent,
    WatchEvent,
    WatchProblem,
    WatchSink,
    WatchStarted,
    WatchStopped,
)
from healer.watch.notify import Changes, FileWatcher
from healer.watch.paths import content_changes
from healer.watch.plan import preview_stage, stages_to_rerun
from healer.workspace import Workspace

if TYPE_CHECKING:
    from healer.service import Healer

DEFAULT_DEBOUNCE_MS = 250
HOLD_LIMIT_SECONDS = 5.0
"""Changes that never pause (a tool rewriting files that are not git-ignored) still run after this long."""
CONFIG_FILES = ("healer.toml", "pyproject.toml")
WATCHER_STOP_SECONDS = 2.0
"""The watcher thread notices a stop within one step (20 ms); this only bounds a wedged notifier."""


class WatchOptions(NamedTuple):
    stages: tuple[str, ...] = ()
    """Stages to watch (with what they need); empty: all."""
    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    """Quiet time after the last change before the affected stages run."""
    jobs: int | None = None
    use_cache: bool = True
    """False: the result cache is neither read nor written, as with `healer run --no-cache`."""
    affected_first: bool = True
    """Run a pytest stage's affected test files first, as a preview, then the full stage."""


class _Batch:
    """A running batch, as both threads see it (under the session's lock)."""

    def __init__(self, unfinished: set[str]) -> None:
        self.cancel = threading.Event()
        self.unfinished = unfinished
        """Stages of the full pass (with their needs) that have no result yet."""
        self.changed: set[str] = set()
        """The changes that cancelled it."""
        self.hit: set[str] = set()


class WatchSession:
    """Watches the working tree of `healer`'s repository and reports to `sink` until `stop()`.

    Raises UnknownStage (a HealerError) at construction for a stage name the configuration lacks.
    """

    def __init__(
        self, healer: Healer, sink: WatchSink, options: WatchOptions | None = None, *, alerts: StageAlerts | None = None
    ) -> None:
        """`alerts`: the desktop notifications' memory of which stages are red (the TUI shares its own between
        checks and watch batches); None: one of this session's own."""
        self.healer = healer
        self.sink = sink
        self.options = options or WatchOptions()
        self.alerts = alerts or StageAlerts(healer.workspace.root, kb=healer.kb, say=healer.reporter.notice)
        self.error: str | None = None
        """Why the session ended on its own (the file watcher failed); None otherwise."""
        self.failure: BaseException | None = None
        """An exception that ended the scheduling thread (a bug, or the sink failing); callers re-raise it."""
        self._selected = [stage.name for stage in select_stages(healer.workspace.config, self.options.stages)]
        self._lock = threading.Lock()
        self._inbox: queue.Queue[tuple[float, frozenset[str]] | None] = queue.Queue()
        self._stopping = threading.Event()
        self._ended = threading.Event()
        self._batch: _Batch | None = None
        self._watcher: FileWatcher | None = None
        self._thread: threading.Thread | None = None
        self._graph: ImportGraph | None = None
        self._last: dict[str, StageResult] = {}
        self._carry: set[str] = set()
        self._held: set[str] = set()
        self._number = 0

    @property
    def workspace(self) -> Workspace:
        return self.healer.workspace

    # -- the caller's side ---------------------------------------------------------

    def start(self) -> None:
        """Start watching (every folder is watched when this returns), then the first full run, in the background.

        Raises WatcherError when the file system cannot be watched.
        """
        self._watcher = FileWatcher(self.workspace.root, self._on_changes, self._on_watch_error)
        self._watcher.start()
        self._thread = threading.Thread(target=self._main, name="healer-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask the session to end: the running batch is cancelled (its stages ended as Ctrl-C ends them).
        Returns at once; `join()` waits for the end."""
        self._stopping.set()
        with self._lock:
            if self._batch is not None:
                self._batch.cancel.set()
        if self._watcher is not None:
            self._watcher.stop()
        self._inbox.put(None)

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the session to end; True when it has: WatchStopped was the last event, every stage has
        ended and the watcher thread is gone. Safe to interrupt (Ctrl-C) and call again."""
        # An event rather than Thread.join: on Python 3.11 a Ctrl-C landing in Thread.join marks the
        # thread as finished while it still runs, and the caller would exit with stages still running.
        return self._thread is None or self._ended.wait(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and not self._ended.is_set()

    # -- the watcher thread ---------------------------------------------------------

    def _on_changes(self, raw: Changes) -> None:
        try:
            changed = content_changes(self.workspace.root, raw)
        except HealerError:
            return  # git could not answer for this burst (a repository mid-rewrite); the next burst asks again
        if not changed:
            return
        paths = sorted(changed)
        with self._lock:
            batch = self._batch
            if batch is not None and batch.unfinished and not batch.cancel.is_set():
                hit = affected_stages(self.workspace.config, sorted(batch.unfinished), paths)
                if hit:
                    batch.changed.update(paths)
                    batch.hit.update(hit)
                    batch.cancel.set()
        self._inbox.put((time.monotonic(), frozenset(changed)))

    def _on_watch_error(self, error: BaseException) -> None:
        self.error = f"watching for changes stopped: {error}"
        self.stop()

    # -- the scheduling thread ----------------------------------------------------------

    def _main(self) -> None:
        try:
            try:
                self._emit(WatchStarted(str(self.workspace.root), tuple(self._selected), self.options.debounce_ms))
                self._run_batch((), list(self._selected), (), frozenset())
                if self._wants_graph(self.workspace.config) and not self._stopping.is_set():
                    self._build_graph()  # now, not at the first save: that one should start its stages at once
                while True:
                    changed = self._collect()
                    if changed is None:
                        break
                    self._handle(changed)
            finally:
                if self._graph is not None:
                    self._graph.save()
        except BaseException as error:
            self.failure = error
        finally:
            self._stopping.set()
            if self._watcher is not None:
                self._watcher.stop()
                self._watcher.join(WATCHER_STOP_SECONDS)
            try:
                self._emit(WatchStopped(self.error))
            except Exception as error:  # the sink itself broke; report the first failure
                self.failure = self.failure or error
            self._ended.set()

    def _emit(self, event: WatchEvent) -> None:
        self.sink(event)

    def _collect(self) -> set[str] | None:
        """The next group of changes: from the first until `debounce` passes without another; None to stop."""
        item = self._inbox.get()
        if item is None or self._stopping.is_set():
            return None
        began, paths = item
        pending = set(paths)
        quiet = self.options.debounce_ms / 1000
        last = began
        while True:
            wait = min(last + quiet, began + max(HOLD_LIMIT_SECONDS, 10 * quiet)) - time.monotonic()
            if wait <= 0:
                break
            try:
                item = self._inbox.get(timeout=wait)
            except queue.Empty:
                break
            if item is None:
                return None
            last, paths = item
            pending |= paths
        return None if self._stopping.is_set() else pending

    def _handle(self, changed: set[str]) -> None:
        changed |= self._held
        self._held = set()
        reload = self._config_changed(changed)
        if reload is None:
            self._held = changed  # rerun them once the configuration can be read again
            return
        config = self.workspace.config
        tests = self._affected_tests(changed, config)
        # Changed stage definitions: all of them, as at the start.
        stages = list(self._selected) if reload else stages_to_rerun(config, self._selected, changed)
        carried = [name for name in self._selected if name in self._carry]
        wanted = set(stages) | set(carried)
        self._carry = set()
        self._run_batch(tuple(sorted(changed)), [s for s in self._selected if s in wanted], tuple(carried), tests)

    def _config_changed(self, changed: Collection[str]) -> bool | None:
        """Read the configuration again if a change could alter it: True if it did, None if it is broken now."""
        if not any(self._decides_config(path) for path in changed):
            return False
        selected: list[str] = []

        def accept(fresh: Workspace) -> None:
            # A stage asked for by name that the new configuration lacks refuses it, as a broken one would.
            selected[:] = [stage.name for stage in select_stages(fresh.config, self.options.stages)]

        try:
            with self._lock:
                reloaded = self.healer.reload(accept)
                if reloaded:
                    self._selected = selected
        except HealerError as error:
            self._emit(WatchProblem(f"{error} (watching goes on; nothing reruns until this is fixed)"))
            return None
        return reloaded

    def _decides_config(self, path: str) -> bool:
        if path in CONFIG_FILES:
            return True
        if self.workspace.config.source != "detected":
            return False
        # Detection reads top-level files (setup.cfg, tox.ini, package.json, Makefile, ...) and CI workflows.
        return ("/" not in path and not path.endswith(".py")) or path.startswith(".github/")

    def _affected_tests(self, changed: Collection[str], config: Config) -> frozenset[str]:
        if not self.options.affected_first or not any(path.endswith(".py") for path in changed):
            return frozenset()
        if self._graph is None:
            if not self._wants_graph(config):
                return frozenset()
            self._build_graph()
        return frozenset() if self._graph is None else self._graph.update(changed)

    def _wants_graph(self, config: Config) -> bool:
        return self.options.affected_first and any(
            pytest_arguments(config.stage(name)) is not None for name in self._selected
        )

    def _build_graph(self) -> None:
        graph = ImportGraph(self.workspace.root, self.workspace.state_dir)
        try:
            tree = read_worktree(self.workspace.root, submodules=False)
        except HealerError:
            return  # git could not list the tree just now: no previews until it can
        graph.build(tree.paths(), tree.content_id)
        self._graph = graph

    # -- one batch ----------------------------------------------------------------------

    def _run_batch(
        self, changed: tuple[str, ...], stages: list[str], carried: Sequence[str], tests: frozenset[str]
    ) -> None:
        if self._stopping.is_set():
            return
        number = self._number
        self._number += 1
        self._emit(BatchStarted(number, changed, tuple(stages), tuple(carried)))
        if not stages:
            self._emit(BatchFinished(number, None))
            return
        workspace = self.workspace
        closure = {stage.name for stage in select_stages(workspace.config, stages)}
        batch = _Batch(set(closure))
        with self._lock:
            self._batch = batch
            if self._stopping.is_set():
                batch.cancel.set()
        run: RunResult | None = None
        previews: tuple[StageResult, ...] = ()
        try:
            found = self._previews(workspace.config, stages, tests) if tests else []
            if found and not batch.cancel.is_set():
                for stage, (preview, files) in found:
                    self._emit(AffectedTests(number, stage, preview.name, files))
                quick = self.healer.preview(
                    [preview for _, (preview, _) in found],
                    jobs=self.options.jobs,
                    cache="use" if self.options.use_cache else "off",
                    cancel=batch.cancel,
                    reporter=_Relay(self, number, "affected", None),
                )
                previews = quick.stages
            if not batch.cancel.is_set():
                run = self.healer.check(
                    stages=stages,
                    jobs=self.options.jobs,
                    cache="use" if self.options.use_cache else "off",
                    trigger="watch",
                    cancel=batch.cancel,
                    reporter=_Relay(self, number, "full", batch),
                    record="finished",  # a batch a save cancelled is no run worth remembering
                )
        finally:
            with self._lock:
                self._batch = None
        cancelled = run is None or run.interrupted
        finished = [] if run is None else [r for r in run.stages if not _interrupted(r)]
        self._last.update((result.name, result) for result in finished)
        if cancelled:
            done = {result.name for result in finished}
            self._carry = {name for name in stages if name not in done}
            if batch.changed:
                self._emit(BatchCancelled(number, tuple(sorted(batch.changed)), tuple(sorted(batch.hit))))
        self._emit(BatchFinished(number, run, previews, cancelled))
        if finished:
            # After the batch is shown, on this thread: a stage that went red (or green again) tells the desktop
            # when `[tool.healer.notify] desktop = true`; the program it runs is bounded by a timeout.
            self.alerts.observe(finished, self.workspace.config.notify)

    def _previews(
        self, config: Config, stages: Sequence[str], tests: frozenset[str]
    ) -> list[tuple[str, tuple[Stage, tuple[str, ...]]]]:
        """The affected-tests previews worth running before the full stages: (stage, (preview, test files))."""
        graph = self._graph
        if graph is None:
            return []
        everything = graph.tests()
        found: list[tuple[str, tuple[Stage, tuple[str, ...]]]] = []
        left_out = self.healer.left_out()  # SKIP, HEALER_SKIP: not run, so not previewed; no obstacle as a need
        for name in stages:
            stage = config.stage(name)
            if name in left_out:
                continue
            if any(need not in left_out and (self._last.get(need) is None or not self._last[need].ok)
                   for need in stage.needs):  # fmt: skip
                continue  # the full stage will not run unless its needs pass; neither does its preview
            preview = preview_stage(stage, self.workspace.root, tests, everything)
            if preview is not None:
                found.append((name, preview))
        if not found or not self.options.use_cache:
            return found
        # A full stage whose result for this content is cached already answers at once: a preview would delay it.
        cached = self.healer.cached([config.stage(name) for name, _ in found])
        return [(name, preview) for name, preview in found if name not in cached]


class _Relay(Reporter):
    """A batch's pipeline events, tagged with the batch and pass, to the session's sink."""

    def __init__(self, session: WatchSession, number: int, phase: Pass, batch: _Batch | None) -> None:
        self.session = session
        self.number = number
        self.phase = phase
        self.batch = batch

    def event(self, event: Event) -> None:
        if self.batch is not None and isinstance(event, StageFinished):
            with self.session._lock:
                self.batch.unfinished.discard(event.result.name)
        self.session._emit(PipelineEvent(self.number, self.phase, event))


def _interrupted(result: StageResult) -> bool:
    return result.status == "cancelled" or (result.status == "skipped" and result.reason == "interrupted")
