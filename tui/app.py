"""`healer tui`: the pipeline's stages live, failures by file, and fixes reviewed hunk by hunk.

The app owns the session (healer.tui.state) and every piece of background
work. Workers run core calls in threads and only post messages; the handlers
here fold those into the session and publish a `Change` that the screens
render. One `Worker.StateChanged` handler turns any worker's failure into a
visible notification. Nothing heavy is imported before the first frame: the
core's fix loop, the knowledge base and pygments load in the workers.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Collection, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from textual import events, on
from textual.app import App, ScreenStackError, SuspendNotSupported
from textual.geometry import Size
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from healer.errors import HealerError
from healer.pipeline.events import Notice, RunFinished, RunStarted, StageFinished, StageStarted
from healer.pipeline.plan import select_stages
from healer.reporter import Reporter
from healer.service import Healer
from healer.tui import agent_fix, model_fix
from healer.tui.actions import bindings
from healer.tui.checks import Alerts, CheckRequest, run_checks
from healer.tui.commands import HealerCommands
from healer.tui.messages import Decided, FixesReady, FixProgress, PipelineEvent, PipelineOutput, StaleChecked, Told
from healer.tui.state import Session, merge_runs
from healer.tui.watch import WatchNotice

if TYPE_CHECKING:
    from healer.tui.review.editor import Edited
    from healer.tui.review.state import PatchReview
    from healer.workspace import Workspace

STALE_SECONDS = 1.5
"""How often pending fixes are compared with the files they touch."""
STOP_SECONDS = 15.0
"""How long quitting waits for a running check to end its processes."""


class Change(NamedTuple):
    """What changed in the session, for the screens: "stages", "output", "reviews", "progress" or "run"."""

    topic: str
    stage: str | None = None
    lines: list[str] | None = None


class _Notices(Reporter):
    """What the core says outside a check's own events, as a notification (from whichever thread said it)."""

    def __init__(self, app: HealerApp) -> None:
        self.app = app

    def notice(self, message: str) -> None:
        self.app.post_message(Told(message))


class HealerApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "healer"
    COMMANDS = App.COMMANDS | {HealerCommands}
    BINDINGS = bindings("app")

    def __init__(
        self,
        workspace: Workspace,
        *,
        stages: tuple[str, ...] = (),
        use_cache: bool = True,
        check_on_start: bool = True,
        prepend_path: tuple[str, ...] = (),
        watch: bool = False,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        """`environ`: the terminal's environment, whose SKIP and HEALER_SKIP leave stages out (healer.pipeline.skip)."""
        super().__init__()
        self.core = Healer(workspace, via="tui", reporter=_Notices(self), prepend_path=prepend_path, environ=environ)
        """The application core: every check, fix, decision and history read goes through it."""
        self.stages = stages
        self.use_cache = use_cache
        self.check_on_start = check_on_start
        self.watch_on_start = watch
        self.session = Session()
        self.changed: Signal[Change] = Signal(self, "changed")
        self.messages: list[str] = []
        """Everything the app told the user (notifications), oldest first: what the status line and tests read."""
        self.last_error = False
        """Whether the latest of `messages` says something went wrong (a status line shows it so)."""
        self._cancel: threading.Event | None = None
        self._finished: threading.Event | None = None
        self._queued: CheckRequest | None = None
        self._request: CheckRequest | None = None
        """The check running now, or the last one that ran."""
        self._busy: set[int] = set()
        """Reviews whose apply or reject is under way."""
        self.watcher: Any = None
        """The watch session (healer.watch.session.WatchSession) while watch mode is on."""
        self.watch_generation = -1
        self.alerts = Alerts()
        """Desktop notifications when a stage goes red or green again (`[tool.healer.notify] desktop = true`)."""
        self.agent_cancel: threading.Event | None = None
        """Set to end the agent workflow at work (healer.tui.agent_fix), if one is."""
        self.session.reset_stages(self.planned(stages))

    @property
    def workspace(self) -> Workspace:
        return self.core.workspace

    def planned(self, stages: tuple[str, ...]) -> tuple[str, ...]:
        try:
            return tuple(stage.name for stage in select_stages(self.workspace.config, list(stages) or None))
        except HealerError:  # an unknown stage name: the run itself reports it
            return tuple(stages)

    def get_default_screen(self) -> Screen[Any]:
        from healer.tui.screens.main import MainScreen

        return MainScreen()

    def on_mount(self) -> None:
        self.check_size()
        # After the first frame: the first thing a person sees must not wait for any of this.
        if self.watch_on_start:
            self.call_after_refresh(self.toggle_watch)  # watching starts with a full run of its own
        elif self.check_on_start:
            self.call_after_refresh(self.start_check, self.stages, self.use_cache)
        self.set_interval(STALE_SECONDS, self.check_stale)
        model_fix.warm(self)

    @on(model_fix.ModelFixReady)
    def _model_fix(self, message: model_fix.ModelFixReady) -> None:
        from healer.tui.review.state import PatchReview

        known = {review.original.id for review in self.session.reviews}
        fresh = [PatchReview.of(candidate) for candidate in message.found.candidates if candidate.id not in known]
        self.session.reviews += fresh
        self.tell(model_fix.summary(message.found))
        self.publish(Change("reviews"))

    @on(agent_fix.AgentFixReady)
    def _agent_fix(self, message: agent_fix.AgentFixReady) -> None:
        from healer.tui.review.state import PatchReview

        self.agent_cancel = None
        found = message.found
        if found is not None:
            known = {review.original.id for review in self.session.reviews}
            # Each keeps the workflow's transcript: the review screen shows the steps that made it.
            fresh = [PatchReview.of(c, agents=found.agents) for c in found.candidates if c.id not in known]
            self.session.reviews += fresh
        if not self.session.running:
            self.session.progress = self.outcome()  # the agents' last step said, the run's state again
        self.tell(agent_fix.summary(self.workspace.config, message), error=agent_fix.failed(message))
        self.publish(Change("reviews"))

    # -- telling the user -------------------------------------------------------------

    def tell(self, message: str, *, error: bool = False) -> None:
        self.messages.append(message)
        del self.messages[:-200]
        self.last_error = error
        try:
            shown_in_place = getattr(self.screen, "SHOWS_MESSAGES", False)
        except ScreenStackError:  # quitting: no screen left to show it on
            shown_in_place = True
        if not shown_in_place:
            self.notify(message, severity="error" if error else "information", timeout=6 if error else 4)
        self.publish(Change("progress"))

    def publish(self, change: Change) -> None:
        self.changed.publish(change)

    # -- the terminal's size ----------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        # The event's size: the app's own is updated a moment later.
        self.check_size(event.size)

    def check_size(self, size: Size | None = None) -> None:
        from healer.tui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen

        size = size or self.size
        small = size.width < MIN_WIDTH or size.height < MIN_HEIGHT
        on_top = isinstance(self.screen, TooSmallScreen)
        if small and not on_top:
            self.push_screen(TooSmallScreen())
        elif on_top:
            if small:
                self.screen.refresh()
            else:
                self.pop_screen()

    # -- checks ----------------------------------------------------------------------

    @property
    def checking(self) -> bool:
        return self._finished is not None and not self._finished.is_set()

    def begin_generation(self, stages: tuple[str, ...]) -> int:
        """A new run's stages start pending; messages of older runs are ignored from now on."""
        self.session.generation += 1
        self.session.reset_stages(self.planned(stages))
        self.session.running = True
        self.publish(Change("stages"))
        return self.session.generation

    def accepts(self, generation: int) -> bool:
        return generation == self.session.generation or (
            self.watcher is not None and generation == self.watch_generation
        )

    def start_check(self, stages: tuple[str, ...] = (), use_cache: bool = True) -> None:
        """Check `stages` (all when empty) and propose fixes; a check under way is cancelled first."""
        generation = self.begin_generation(stages)
        self.session.progress = "checking " + (", ".join(stages) if stages else "every stage")
        self.publish(Change("progress"))
        self.submit(CheckRequest(generation, stages, use_cache, threading.Event()))

    def submit(self, request: CheckRequest) -> None:
        if self.checking:
            # One fix session at a time: the core's scratch files are per process.
            assert self._cancel is not None
            self._cancel.set()
            self._queued = request
            return
        self._launch(request)

    def _launch(self, request: CheckRequest) -> None:
        finished = threading.Event()
        self._cancel, self._finished, self._request = request.cancel, finished, request

        def body() -> None:
            try:
                run_checks(self.core, request, self.post_message, self.alerts)
            finally:
                finished.set()

        self.run_worker(body, thread=True, group="check", name=f"check {request.generation}", exit_on_error=False)

    def recheck(self, stages: Collection[str]) -> None:
        """Check `stages` again (every stage when empty) after a fix or an undo changed files, from the cache
        where their content did not change, with fresh fixes for what still fails.

        A check under way (or waiting) is cancelled, as `start_check` does, and its stages are checked with
        these: none is left half-done, showing results of the files as they were.
        """
        if self.watcher is not None:
            return  # the watcher sees the files change and reruns what they affect
        wanted: set[str] | None = set(stages) or None
        use_cache = True
        for other in (self._queued, self._request if self.checking else None):
            if other is None or other.run is not None:
                continue
            wanted = None if wanted is None or not other.stages else wanted | set(other.stages)
            use_cache = use_cache and other.use_cache
        names = () if wanted is None else tuple(name for name in self.session.stages if name in wanted)
        if wanted is None or names:
            self.start_check(names, use_cache)

    def outcome(self) -> str:
        """Where every stage stands, for the titles: which fail, by name (the counts are the screens' own)."""
        failed = self.session.failed_stages()
        return f"failed: {', '.join(failed)}" if failed else "every stage passes"

    def cancel_check(self) -> None:
        self._queued = None
        if self._cancel is not None and self.checking:
            self._cancel.set()
            self.session.progress = "cancelling…"
            self.publish(Change("progress"))

    async def stop_background(self) -> None:
        self._queued = None
        agent_fix.stop(self)
        if self._cancel is not None:
            self._cancel.set()
        watcher, self.watcher = self.watcher, None
        loop = asyncio.get_running_loop()
        if watcher is not None:
            watcher.stop()
            await loop.run_in_executor(None, watcher.join, STOP_SECONDS)
        finished = self._finished
        if finished is not None and not finished.is_set():
            await loop.run_in_executor(None, finished.wait, STOP_SECONDS)

    async def action_quit(self) -> None:
        await self.stop_background()
        self.exit(0)

    async def on_unmount(self) -> None:
        await self.stop_background()

    @on(PipelineOutput)
    def _output(self, message: PipelineOutput) -> None:
        if not self.accepts(message.generation):
            return
        buffer = self.session.logs.get(message.stage)
        if buffer is None:
            return
        buffer.extend(message.lines)
        self.publish(Change("output", message.stage, message.lines))

    @on(PipelineEvent)
    def _event(self, message: PipelineEvent) -> None:
        if not self.accepts(message.generation):
            return
        event = message.event
        if isinstance(event, StageStarted):
            stage = self.session.stages.get(event.stage)
            if stage is not None:
                stage.start()
                self.publish(Change("stages", event.stage))
        elif isinstance(event, StageFinished):
            stage = self.session.stages.get(event.result.name)
            if stage is not None:
                stage.finish(event.result)
                self.publish(Change("stages", event.result.name))
        elif isinstance(event, RunStarted):
            missing = [name for name in event.stages if name not in self.session.stages]
            if missing:
                self.session.reset_stages(tuple(missing))
                self.publish(Change("stages"))
        elif isinstance(event, RunFinished):
            self.session.run = merge_runs(self.session.run, event.result)
            self.session.progress = "interrupted" if event.result.interrupted else self.outcome()
            self.publish(Change("run"))
            self.publish(Change("progress"))
        elif isinstance(event, Notice):
            self.tell(event.message)

    @on(FixProgress)
    def _progress(self, message: FixProgress) -> None:
        if self.accepts(message.generation):
            self.session.progress = message.text
            self.publish(Change("progress"))

    @on(FixesReady)
    def _fixes(self, message: FixesReady) -> None:
        if not self.accepts(message.generation):
            return
        from healer.tui.review.state import PatchReview

        report = message.report
        session = self.session
        session.running = False
        rerun = {stage.name for stage in report.final.stages}
        found = {c.id: c for one in report.rounds[:1] for c in one.candidates}
        # Fixes for the stages just checked replace the old ones; decided fixes stay, as a record.
        kept: list[PatchReview] = []
        for review in session.reviews:
            if review.done or review.original.patch.stage not in rerun:
                kept.append(review)
            elif review.original.id in found:
                # Proposed again, the same edits of the same content (a check after another fix was applied):
                # the reviewer keeps the hunks decided so far; the verdict is the fresh one.
                review.original, review.stale = found[review.original.id], None
                kept.append(review)
        known = {r.original.id for r in kept}
        fresh = [PatchReview.of(c) for c in found.values() if c.id not in known]
        session.reviews = kept + fresh
        session.notes = [
            *(
                f"{note.report.kind} ({note.stage}): {note.report.message}"
                for one in report.rounds[:1]
                for note in one.notes
            ),
            *(error for one in report.rounds[:1] for error in one.errors),
        ]
        # Over every stage, not only those just checked. No counts: each screen counts what it shows.
        session.progress = "cancelled" if report.interrupted else self.outcome()
        self.publish(Change("reviews"))
        self.publish(Change("progress"))

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.ERROR:
            error = worker.error
            self.tell(f"{worker.name or worker.group} failed: {type(error).__name__}: {error}", error=True)
            if worker.group == "check":
                self.session.running = False
                self.session.progress = "the check failed (see the message)"
                self.publish(Change("progress"))
            if worker.group == "decide":
                self._busy.clear()
                self.publish(Change("reviews"))
            if worker.group == "watch":
                self.watcher = None
                self.session.running = False
                self.session.progress = "watch mode stopped (see the message)"
                self.publish(Change("progress"))
        if worker.group == "check" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR):
            queued, self._queued = self._queued, None
            if queued is not None:
                self._launch(queued)
            # Its results may have been shown before the worker ended (a busy machine): what the footer
            # offers (c cancel) depends on whether a check still runs, so say again that it does not.
            self.publish(Change("progress"))

    # -- deciding --------------------------------------------------------------------

    def busy(self, review: PatchReview) -> bool:
        return review.key in self._busy

    def finish_review(self, review: PatchReview) -> None:
        """Every hunk of `review` is decided: apply what was kept (or record the rejection)."""
        from healer.tui.review import decide

        if review.done or self.busy(review) or not review.complete:
            return
        self._busy.add(review.key)
        selected = review.selected()
        if selected is None:
            work: Callable[[], decide.Done] = partial(decide.reject, self.core, review.original)
            action = "reject"
        else:
            work = partial(decide.apply_selected, self.core, selected, review.original, self.session.run)
            action = "apply"
        self._decide(action, review.key, work)

    def undo(self) -> None:
        from healer.tui.review import decide

        self._decide("undo", None, partial(decide.undo_last, self.core))

    def _decide(self, action: str, key: int | None, work: Callable[[], Any]) -> None:
        def body() -> None:
            self.post_message(Decided(action, key, work()))

        self.run_worker(body, thread=True, group="decide", name=action, exit_on_error=False)

    @on(Decided)
    def _decided(self, message: Decided) -> None:
        done = message.done
        review = next((r for r in self.session.reviews if r.key == message.review_key), None)
        # The stages to check again: those of the fix written or taken back, and of the fixes for the same files.
        fixed: set[str] = set()
        if review is not None:
            self._busy.discard(review.key)
            review.message = done.message
            if done.ok:
                review.outcome = "applied" if message.action == "apply" else "rejected"
                review.applied_id = done.patch_id
                fixed = {review.original.patch.stage}
        if message.action == "undo" and done.ok:
            for undone in self.session.reviews:
                if undone.applied_id == done.patch_id and undone.outcome == "applied":
                    undone.reset()
                    undone.applied_id = None
                    undone.message = done.message
                    fixed.add(undone.original.patch.stage)
        self.tell(done.message, error=not done.ok)
        self.publish(Change("reviews"))
        if done.ok and message.action in ("apply", "undo"):
            # A fix applied before this session and undone now: its stage is not known here, so every stage.
            others = self.session.stages_editing(done.paths) | self.session.stages_failing_in(done.paths)
            self.recheck(fixed | others if fixed else ())
        # Applying or undoing changed files, and a refusal means some changed: which fixes still apply?
        self.check_stale()

    # -- the repository changing under the UI ----------------------------------------------

    def check_stale(self) -> None:
        from healer.patch.stale import stale_reasons

        pending = [(r.key, r.patch) for r in self.session.reviews if not r.done]
        if not pending or any(w.group == "stale" and w.is_running for w in self.workers):
            return
        root = self.workspace.root

        def body() -> None:
            self.post_message(StaleChecked(stale_reasons(pending, root)))

        self.run_worker(body, thread=True, group="stale", name="stale check", exit_on_error=False)

    @on(StaleChecked)
    def _stale(self, message: StaleChecked) -> None:
        changed = False
        for review in self.session.reviews:
            if review.key in message.reasons and not review.done:
                reason = message.reasons[review.key]
                if reason != review.stale:
                    review.stale = reason
                    changed = True
        if changed:
            self.publish(Change("reviews"))

    # -- the editor --------------------------------------------------------------------

    def edit_externally(self, content: bytes, path: str) -> Edited:
        from healer.tui.review.editor import edit_content

        try:
            with self.suspend():
                return edit_content(content, path)
        except SuspendNotSupported:
            # No terminal to hand over (tests, headless): the editor runs without one.
            return edit_content(content, path)

    # -- watch mode ----------------------------------------------------------------------

    def toggle_watch(self) -> None:
        from healer.tui.watch import toggle

        toggle(self)
        self.publish(Change("progress"))

    @on(WatchNotice)
    def _watching(self, message: WatchNotice) -> None:
        from healer.tui.watch import describe
        from healer.watch.events import BatchFinished, BatchStarted, WatchStopped

        if message.generation != self.watch_generation:
            return
        event = message.event
        said = describe(event)
        if said is not None:
            self.tell(said, error=isinstance(event, WatchStopped) and event.error is not None)
        if isinstance(event, BatchStarted) and event.stages:
            self.session.reset_stages(event.stages)
            self.session.running = True
            self.session.progress = "watching: " + ("first run" if not event.batch else ", ".join(event.stages))
            self.publish(Change("stages"))
        elif isinstance(event, BatchFinished):
            self.session.running = False
            run = event.run
            if run is not None and not event.cancelled and run.outcome == "failed":
                self.session.progress = "watching: proposing fixes"
                self.submit(CheckRequest(message.generation, (), True, threading.Event(), run))
            elif run is not None and not event.cancelled:
                self.session.progress = "watching: every stage passes"
        elif isinstance(event, WatchStopped):
            self.watcher = None
            self.session.running = False
            self.session.progress = "watch mode off"
        self.publish(Change("progress"))

    @on(Told)
    def _told(self, message: Told) -> None:
        self.tell(message.text)

    # -- app-wide actions --------------------------------------------------------------------

    def action_help(self) -> None:
        from healer.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(getattr(self.screen, "SCOPE", "main")))

    def action_undo(self) -> None:
        self.undo()

    def action_history(self) -> None:
        from healer.tui.screens.history import HistoryScreen

        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen())
