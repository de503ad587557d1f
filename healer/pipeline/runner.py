"""Running the selected stages as a graph: parallel where `needs` allows, cached, interruptible.

Each stage runs in its own thread, which owns the process, reads its output
and parses it. The calling thread owns everything else: it schedules, talks
to the store (sqlite connections stay in one thread), enforces timeouts and
hands every event to `sink` in order. So a consumer never sees two events at
once and never needs a lock.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from healer import interrupt, process
from healer.config.settings import Config, Stage
from healer.diagnostics.diagnostic import Diagnostic
from healer.pipeline.environment import InCopy, copy_env, stage_env
from healer.pipeline.events import (
    Event,
    Notice,
    RunFinished,
    RunStarted,
    StageFinished,
    StageOutput,
    StageStarted,
)
from healer.pipeline.gate import evaluate
from healer.pipeline.hook_framework import framework_error, needs_repository
from healer.pipeline.output import OutputCapture
from healer.pipeline.plan import select_stages
from healer.pipeline.result import GateResult, RunResult, StageResult, Status
from healer.pipeline.tracked import TrackedFiles, modified_message, tracked_content

if TYPE_CHECKING:
    import queue

    from healer.cache.remote_results import SharedResults
    from healer.kb.results import ResultCache
    from healer.kb.store import CachedResult
    from healer.pipeline.jail import Jail
    from healer.snapshot.manifest import Manifest

Sink = Callable[[Event], None]
POLL_SECONDS = 0.05
ORPHAN_GRACE = 1.0
READ_SIZE = 65536
READ_WAIT_MS = 100
HARD_STOP_SECONDS = 5.0
"""After an interrupt, how long past the kill to wait for a stage's thread before giving up on it."""
CACHED_OUTPUT_LIMIT = 1024 * 1024


class RunOptions(NamedTuple):
    jobs: int | None = None
    use_cache: bool = True
    log_dir: Path | None = None
    """Where the full output of very talkative stages is kept."""
    prepend_path: tuple[str, ...] = ()
    env: Mapping[str, str] | None = None
    """The environment stages start from; the process's own when None."""
    manifest: Callable[[], Manifest] | None = None
    """Produces the content being checked (for cache keys), only if a key is needed;
    the working tree at `root` when None."""
    touched: frozenset[str] | None = None
    """Paths that changed (a commit's or a push's); stages whose inputs match none are not run."""
    cancel: threading.Event | None = None
    """Set from another thread to stop the run as Ctrl-C would (signals reach only the main thread)."""
    copy: InCopy | None = None
    """For a run in one of healer's copies: which, and of what work tree (see stage_env)."""
    skip: Mapping[str, str] | None = None
    """Stages the user left out (SKIP, HEALER_SKIP; see healer.pipeline.skip): name -> the variable naming it.
    Each is reported as skipped with that reason; the stages that need it run as if it were not in the run."""
    jail: Jail | None = None
    """Run every command in this OS sandbox (the checks of an untrusted patch, in a copy; see healer.pipeline.jail).
    What a jailed command found is never cached: a check that needs what the jail withholds fails only there."""
    remote: bool = True
    """False: the shared result cache (`[tool.healer.remote_cache]`) is not asked (--offline); HEALER_OFFLINE also
    keeps it away."""


class _Output:
    """A stage thread's next complete lines of output."""

    __slots__ = ("lines", "stage")

    def __init__(self, stage: str, lines: tuple[str, ...]) -> None:
        self.stage = stage
        self.lines = lines


class _Said:
    """Something a stage thread has to tell the person, not part of the stage's output."""

    __slots__ = ("message", "stage")

    def __init__(self, stage: str, message: str) -> None:
        self.stage = stage
        self.message = message


class _Done:
    """A stage thread's last message: the stage's result."""

    __slots__ = ("result", "stage")

    def __init__(self, stage: str, result: StageResult) -> None:
        self.stage = stage
        self.result = result


_Message = _Output | _Said | _Done
"""What stage threads put on the queue the scheduling thread reads."""


class _Active:
    """A running stage, as the scheduling thread tracks it."""

    __slots__ = ("cancelled", "drain", "exited_at", "kill_at", "proc", "stage", "started", "thread", "timed_out")

    def __init__(self, stage: Stage, thread: threading.Thread, started: float) -> None:
        self.stage = stage
        self.thread = thread
        self.started = started
        self.proc: subprocess.Popen[bytes] | None = None
        self.timed_out = False
        self.cancelled = False
        self.kill_at: float | None = None
        self.exited_at: float | None = None
        self.drain = False
        """Read what the pipe still holds, then stop: a process outside the group may keep it open forever."""


class _Batches:
    """A per-file stage while its batches run: what the cache served, and each batch's files and result."""

    __slots__ = ("began", "cached", "cwd", "done", "files", "keys", "names", "stage")

    def __init__(self, stage: Stage, began: float, cwd: Path, keys: dict[str, str], names: dict[str, str]) -> None:
        self.stage = stage
        self.began = began
        self.cwd = cwd
        self.keys = keys
        """File -> its cache key (empty without a cache)."""
        self.names = names
        """Every way the tool may name a file -> the file (healer.pipeline.per_file.aliases)."""
        self.cached: list[tuple[str, str, int | None, str, list[Diagnostic]]] = []
        self.files: list[list[str]] = []
        """Each batch's files, root-relative."""
        self.done: dict[int, StageResult] = {}


def _owner(slot: str) -> str:
    """The stage a thread's slot belongs to: a per-file stage's batches run as `name\0number`."""
    return slot.split("\0", 1)[0]


class _Shared:
    """State both threads read; the stage thread only reads the flags main sets."""

    def __init__(self) -> None:
        self.active: dict[str, _Active] = {}
        self.lock = threading.Lock()


def stage_environment(stage: Stage, root: Path, options: RunOptions) -> tuple[dict[str, str], Path]:
    """The environment and folder a stage runs with under `options` (what its cache key is made from too)."""
    env = stage_env(stage, options.env, options.prepend_path, options.copy)
    return env, root / stage.cwd if stage.cwd else root


def cache_key(stage: Stage, tree: Manifest, env: Mapping[str, str], cwd: Path, store: ResultCache | None) -> str:
    """The stage's result cache key for the content `tree`: its definition, tools, environment inputs, files."""
    return _key_and_tools(stage, tree, env, cwd, store)[0]


def _key_and_tools(
    stage: Stage, tree: Manifest, env: Mapping[str, str], cwd: Path, store: ResultCache | None
) -> tuple[str, list[str]]:
    from healer.cache.key import stage_key  # only with a cache: a run without one hashes nothing
    from healer.cache.tools import tool_identities

    tools = tool_identities(stage, env, cwd, store)
    return stage_key(stage, tree, env, tools), tools


def run_pipeline(
    config: Config,
    root: Path,
    *,
    names: Sequence[str] | None = None,
    options: RunOptions | None = None,
    store: ResultCache | None = None,
    sink: Sink | None = None,
) -> RunResult:
    return _Run(config, root, names, options or RunOptions(), store, sink or (lambda _e: None)).go()


class _Run:
    def __init__(
        self,
        config: Config,
        root: Path,
        names: Sequence[str] | None,
        options: RunOptions,
        store: ResultCache | None,
        sink: Sink,
    ) -> None:
        self.config = config
        self.root = root
        self.stages = select_stages(config, names)
        self.options = options
        self.store = store
        self.sink = sink
        self.jobs = max(1, options.jobs or config.jobs or os.cpu_count() or 1)
        self._events: queue.Queue[_Message] | None = None
        self.shared = _Shared()
        self.results: dict[str, StageResult] = {}
        self.keys: dict[str, str] = {}
        self.tools: dict[str, list[str]] = {}
        """Stage -> its tools' identities."""
        self.portable: dict[str, tuple[str, list[str]]] = {}
        """Stage -> its key and tools as another machine computes them (`_portable`), once asked."""
        self._shared: SharedResults | None = None
        """The shared result cache, made at the first local miss (when `_shared_asked`), if one may be used."""
        self._shared_asked = False
        self._tree: Manifest | None = None
        self.unaffected: set[str] = set()
        """Stages not run because nothing they read changed, or because the user left them out: their
        dependants run all the same."""
        self._closing = False
        self._files: TrackedFiles | None = None
        self._modified: dict[str, dict[str, None]] = {}
        """Stage -> the files that changed while it ran (see healer.pipeline.tracked)."""
        self._alongside: dict[str, dict[str, None]] = {}
        self._slot = threading.local()
        """In a stage thread: the name its process is registered under (a batch's slot, else the stage's)."""
        self._batches: dict[str, _Batches] = {}
        """Per-file stages whose batches run or wait, by name."""
        self._waiting: list[tuple[str, Stage, Path, dict[str, str], Path | None]] = []
        """Batches waiting for a free job: slot, the stage with the batch's files, folder, environment, log."""

    # -- the loop ------------------------------------------------------------

    def go(self) -> RunResult:
        began = time.monotonic()
        self.sink(RunStarted(tuple(stage.name for stage in self.stages), self.jobs))
        interrupted = False
        try:
            self._loop()
        except KeyboardInterrupt:
            interrupted = True
        finally:
            self._shutdown(interrupted)
            if self._shared is not None:
                self._shared.close()
        ordered = tuple(self.results[stage.name] for stage in self.stages)
        result = RunResult(ordered, time.monotonic() - began, str(self.root), interrupted)
        self.sink(RunFinished(result))
        return result

    def _loop(self) -> None:
        pending = list(self.stages)
        while pending or self.shared.active or self._waiting:
            before = (len(pending), len(self.results))
            pending = self._start_ready(pending)
            if not self.shared.active:
                if pending and (len(pending), len(self.results)) == before:
                    # Nothing runs and nothing could start: the needs can never be met.
                    for stage in pending:
                        self._finish(_error(stage, "its needs can never be met", "unmet-needs"))
                    pending = []
                continue
            event = self._next_event()
            if event is None:
                self._police()
                continue
            self._handle(event)
            self._police()

    def _start_ready(self, pending: list[Stage]) -> list[Stage]:
        self._start_batches()
        waiting: list[Stage] = []
        skip = self.options.skip or {}
        for stage in pending:
            if stage.name in skip:
                # Before its needs are known: a stage the user left out is reported as such, whatever they do.
                self.unaffected.add(stage.name)
                reason = skip[stage.name]
                self._finish(StageResult(stage.name, stage.kind, "skipped", stage.command_line(), reason=reason))
                continue
            blocker = self._blocker(stage)
            if blocker == "wait" or (blocker is None and len(self.shared.active) >= self.jobs):
                waiting.append(stage)
            elif blocker is not None:
                self._finish(StageResult(stage.name, stage.kind, "skipped", stage.command_line(), reason=blocker))
            else:
                self._launch(stage)
        return waiting

    def _affected(self, stage: Stage) -> bool:
        touched = self.options.touched
        if touched is None:
            return True
        from healer.globs import matcher

        matches = matcher(stage.inputs)
        return any(matches(path) for path in touched)

    def _blocker(self, stage: Stage) -> str | None:
        """None when the stage can start, "wait" while a need runs, else why it is skipped."""
        for need in stage.needs:
            done = self.results.get(need)
            if done is None:
                return "wait"
            if done.status != "passed" and need not in self.unaffected:
                return f"needs '{need}', which {_past(done.status)}"
        return None

    def _launch(self, stage: Stage) -> None:
        if not self._affected(stage):
            # Before any cache lookup: an untouched stage costs no hashing at all.
            self.unaffected.add(stage.name)
            reason = "none of its inputs changed"
            self._finish(StageResult(stage.name, stage.kind, "skipped", stage.command_line(), reason=reason))
            return
        if stage.files == "each":
            self._launch_per_file(stage)
            return
        env, cwd = stage_environment(stage, self.root, self.options)
        if stage.cache and self.store is not None:
            key = self._key(stage, env, cwd)
            self.keys[stage.name] = key
            if self.options.use_cache:
                hit = self.store.cached_result(key)
                if hit is None:
                    hit = self._shared_hit(stage, key)
                if hit is not None:
                    self.sink(StageStarted(stage.name, stage.command_line()))
                    self._finish(_from_cache(stage, hit, key))
                    return
        self.sink(StageStarted(stage.name, stage.command_line()))
        problem = _folder_problem(self.root, cwd, stage.cwd)
        if problem:
            self._finish(_error(stage, problem, "bad-folder"))
            return
        log_path = None if self.options.log_dir is None else self.options.log_dir / f"{stage.name}.log"
        _ = self.events  # made here, on the scheduling thread, before a stage thread could race to make it
        if self._files is None:
            # Before the first process: a run served wholly from the cache reads no file at all.
            checked = self._checked_content()
            self._files = TrackedFiles(checked) if checked is not None else None
        thread = threading.Thread(
            target=self._execute, args=(stage, cwd, env, log_path), name=f"healer-{stage.name}", daemon=True
        )
        with self.shared.lock:
            self.shared.active[stage.name] = _Active(stage, thread, time.monotonic())
        thread.start()

    def _key(self, stage: Stage, env: Mapping[str, str], cwd: Path) -> str:
        key, self.tools[stage.name] = _key_and_tools(stage, self._content(), env, cwd, self.store)
        return key

    def _content(self) -> Manifest:
        if self._tree is None:
            from healer.snapshot.worktree import read_worktree  # a run without a store never hashes anything

            self._tree = self.options.manifest() if self.options.manifest else read_worktree(self.root)
        return self._tree

    # -- per-file stages -----------------------------------------------------

    def _launch_per_file(self, stage: Stage) -> None:
        """A `files = "each"` stage: each file served from its own cache entry, the others run in batches.

        The shared (remote) cache is not asked for these: its entries are whole-stage results."""
        from healer.pipeline import per_file

        began = time.monotonic()
        env, cwd = stage_environment(stage, self.root, self.options)
        self.sink(StageStarted(stage.name, stage.command_line()))
        problem = _folder_problem(self.root, cwd, stage.cwd)
        if problem:
            self._finish(_error(stage, problem, "bad-folder"))
            return
        tree = self._content()
        chosen = per_file.select(stage, tree)
        if not chosen.files:
            # As pre-commit skips a hook no file matches; its dependants run as if it had passed.
            self.unaffected.add(stage.name)
            reason = "no files match its inputs"
            self._finish(StageResult(stage.name, stage.kind, "skipped", stage.command_line(), reason=reason))
            return
        keys: dict[str, str] = {}
        if stage.cache and self.store is not None:
            from healer.cache.file_key import FileKeys
            from healer.cache.tools import tool_identities

            tools = self.tools[stage.name] = tool_identities(stage, env, cwd, self.store)
            make = FileKeys(stage, tree, env, tools, chosen.configs)
            for path in chosen.files:
                content = tree.content_id(path)
                assert content is not None  # select keeps only files with content
                keys[path] = make.key(path, content)
        run = _Batches(stage, began, cwd, keys, per_file.aliases(chosen.files, stage.cwd, str(self.root)))
        missing: list[str] = []
        for path in chosen.files:
            use = keys and self.store is not None and self.options.use_cache
            hit = self.store.cached_result(keys[path]) if use and self.store is not None else None
            if hit is None:
                missing.append(path)
                continue
            found = [Diagnostic.from_dict(d) for d in hit.diagnostics]
            run.cached.append((path, hit.status, hit.exit_code, hit.output, found))
        if not missing:
            duration = time.monotonic() - began
            self._finish(per_file.merge(stage, run.cached, [], duration))
            return
        by_name = {per_file.argument(path, stage.cwd): path for path in missing}
        base = per_file.command(stage, []).argv()
        batches = per_file.partition(base, list(by_name), self.jobs, per_file.max_length(env))
        self._batches[stage.name] = run
        for number, names in enumerate(batches):
            run.files.append([by_name[name] for name in names])
            slot = f"{stage.name}\0{number}"
            log_path = None if self.options.log_dir is None else self.options.log_dir / f"{stage.name}.{number}.log"
            self._waiting.append((slot, per_file.command(stage, names), cwd, env, log_path))
        self._start_batches()

    def _start_batches(self) -> None:
        """Start waiting batches while jobs are free (a stage with batches has at least one free when it starts)."""
        while self._waiting and len(self.shared.active) < self.jobs:
            slot, stage, cwd, env, log_path = self._waiting.pop(0)
            _ = self.events
            if self._files is None:
                checked = self._checked_content()
                self._files = TrackedFiles(checked) if checked is not None else None
            thread = threading.Thread(
                target=self._execute, args=(stage, cwd, env, log_path, slot), name=f"healer-{stage.name}", daemon=True
            )
            with self.shared.lock:
                self.shared.active[slot] = _Active(self._batches[stage.name].stage, thread, time.monotonic())
            thread.start()

    def _batch_done(self, slot: str, result: StageResult, *, remember: bool = True) -> None:
        """One batch's result; with the last of its stage's, the stage's merged result is finished."""
        from healer.pipeline import per_file

        name, number = slot.split("\0", 1)
        run = self._batches.get(name)
        if run is None:
            return  # its stage already ended (a batch stuck past the hard stop)
        run.done[int(number)] = result
        if len(run.done) < len(run.files):
            return
        del self._batches[name]
        parts = [(len(run.files[i]), run.done[i]) for i in range(len(run.files))]
        merged = per_file.merge(run.stage, run.cached, parts, time.monotonic() - run.began)
        if remember:
            merged = self._charge_changes(merged)
            self._remember_files(run, merged)
        self._finish(merged)

    def _remember_files(self, run: _Batches, merged: StageResult) -> None:
        """Each batch's result kept per file, where it can be told apart by file (healer.pipeline.per_file)."""
        from healer.pipeline.per_file import entries

        modified = any(d.tool == "healer" and d.code == "modified-files" for d in merged.diagnostics)
        if self.store is None or not run.keys or modified or self.options.jail is not None:
            return
        for number, files in enumerate(run.files):
            result = run.done[number]
            found = entries(result, files, run.names)
            if found is None:
                continue
            share = result.duration / max(1, len(files))
            for path, entry in found.items():
                self.store.store_result(
                    run.keys[path], repo=str(self.root), stage=run.stage.name, status=entry.status,
                    exit_code=entry.exit_code, duration=share, output=entry.output,
                    output_bytes=len(entry.output.encode("utf-8", "surrogateescape")),
                    diagnostics=[d.to_dict() for d in entry.diagnostics], gate=None,
                )  # fmt: skip

    def _portable(self, stage: Stage) -> tuple[str, list[str]]:
        """The stage's key and tools as other machines compute them (paths and file times left out): what the
        shared cache is addressed by. Computed only when the shared cache is asked."""
        found = self.portable.get(stage.name)
        if found is None:
            from healer.cache.key import stage_key
            from healer.cache.tools import portable_identities

            env, cwd = stage_environment(stage, self.root, self.options)
            assert self._tree is not None  # the local key, computed first, read it
            tools = portable_identities(stage, env, cwd, self.store)
            found = self.portable[stage.name] = (stage_key(stage, self._tree, env, tools), tools)
        return found

    def _shared_results(self) -> SharedResults | None:
        """The shared result cache, if one is configured and may be asked: made once, at the first local miss."""
        if not self._shared_asked:
            self._shared_asked = True
            settings = self.config.remote_cache
            if settings is not None and self.options.remote:
                # Loaded only now: a run whose every result is cached here never imports the HTTP client.
                from healer.cache.remote_results import shared_results

                environ = os.environ if self.options.env is None else self.options.env
                self._shared = shared_results(settings, environ, lambda text: self.sink(Notice(text)))
        return self._shared

    def _shared_hit(self, stage: Stage, key: str) -> CachedResult | None:
        """The stage's result from the shared cache, stored here too (the next run needs no server)."""
        shared = self._shared_results()
        if shared is None or self.store is None:
            return None
        portable_key, tools = self._portable(stage)
        hit = shared.fetch(portable_key, stage.name, tools)
        if hit is not None:
            self.store.store_result(
                key, repo=str(self.root), stage=stage.name, status=hit.status, exit_code=hit.exit_code,
                duration=hit.duration, output=hit.output, output_bytes=hit.output_bytes,
                diagnostics=hit.diagnostics, gate=hit.gate,
            )  # fmt: skip
        return hit

    @property
    def events(self) -> queue.Queue[_Message]:
        """Messages from stage threads; created with the first thread, so a fully cached run needs no queue."""
        if self._events is None:
            import queue

            self._events = queue.Queue(maxsize=256)
        return self._events

    def _next_event(self) -> _Message | None:
        import queue

        try:
            return self.events.get(timeout=POLL_SECONDS)
        except queue.Empty:
            return None

    def _handle(self, message: _Message) -> None:
        if isinstance(message, _Output):
            self.sink(StageOutput(_owner(message.stage), message.lines))
            return
        if isinstance(message, _Said):
            self.sink(Notice(f"stage {_owner(message.stage)!r}: {message.message}; the check goes on"))
            return
        with self.shared.lock:
            active = self.shared.active.pop(message.stage)
        active.thread.join()
        if active.proc is not None:
            # Whatever the command left behind in its group goes with it, and so does what left the group.
            process.signal_group(active.proc, signal.SIGKILL)
            self._say_outlivers(_owner(message.stage), process.end_outlivers(active.proc))
        if message.stage != _owner(message.stage):
            self._batch_done(message.stage, message.result)
            return
        result = self._charge_changes(message.result._replace(key=self.keys.get(message.stage)))
        self._remember(result)
        self._finish(result)

    def _say_outlivers(self, stage: str, left: list[tuple[int, str]]) -> None:
        if not left:
            return
        named = ", ".join(f"{name} (pid {pid})" for pid, name in left)
        several = len(left) != 1
        self.sink(
            Notice(
                f"stage {stage!r} left {len(left)} process{'es' * several} running outside its process group "
                f"after it ended: {named}; healer ended {'them' if several else 'it'}"
            )
        )

    def _checked_content(self) -> Manifest | None:
        if self.options.copy is not None and self.options.manifest is not None:
            from healer.snapshot.manifest import Manifest

            content = self.options.manifest()  # a copy of the checked content, often without .git
            return Manifest(self.root, dict(content.known), set())
        return tracked_content(self.root)

    def _likely_writers(self, running: list[str]) -> list[str]:
        """Of the stages running when files changed, those whose command is known to rewrite files, if any."""
        if len(running) < 2:
            return running
        from healer.detect.effects import rewrites_files  # only when a change must be charged among several

        by_name = {stage.name: stage for stage in self.stages}
        known = [name for name in running if rewrites_files(by_name[name].command_line())]
        return known or running

    def _charge_changes(self, result: StageResult) -> StageResult:
        """`result`, failed if files changed while its stage ran; the change is charged to all that were running."""
        if self._files is not None:
            changed = self._files.changed()
            if changed:
                with self.shared.lock:
                    running = list(dict.fromkeys([result.name, *map(_owner, self.shared.active)]))
                running = self._likely_writers(running)
                for name in running:
                    self._modified.setdefault(name, {}).update(dict.fromkeys(changed))
                    self._alongside.setdefault(name, {}).update(dict.fromkeys(n for n in running if n != name))
        paths = self._modified.pop(result.name, None)
        if not paths or result.status == "cancelled":
            return result
        stage = next(s for s in self.stages if s.name == result.name)
        message = modified_message(result.name, list(paths), list(self._alongside.pop(result.name, {})))
        found = (_healer_diagnostic(stage, "modified-files", message), *result.diagnostics)
        return result._replace(status="failed", reason=message, diagnostics=found)

    def _police(self) -> None:
        """Timeouts, and stages whose command exited but whose children hold the output open."""
        if (self.options.cancel is not None and self.options.cancel.is_set()) or interrupt.requested():
            # The flag too: an interrupt raised inside a library's callback can be swallowed there (seen as
            # a SIGTERM that let a 5 s stage finish and exit 0), but the handler always sets it first.
            raise KeyboardInterrupt
        now = time.monotonic()
        with self.shared.lock:
            actives = list(self.shared.active.values())
        for active in actives:
            proc = active.proc
            if proc is None:
                continue
            timeout = active.stage.timeout
            if timeout is not None and not active.timed_out and now - active.started > timeout:
                active.timed_out = True
                process.signal_group(proc, signal.SIGTERM)
                active.kill_at = now + process.GRACE_SECONDS
            if active.kill_at is not None and now >= active.kill_at:
                process.signal_group(proc, signal.SIGKILL)
                active.kill_at = None
            if active.exited_at is None and proc.poll() is not None:
                active.exited_at = now
            if active.exited_at is not None and now - active.exited_at > ORPHAN_GRACE:
                process.signal_group(proc, signal.SIGKILL)
                # Whatever still holds the output open escaped the group (setsid): stop waiting for it.
                active.drain = True

    def _shutdown(self, interrupted: bool) -> None:
        self._closing = True
        while self._waiting:
            # Batches that never started: their stage ends as cancelled, with the others.
            slot, stage, *_ = self._waiting.pop(0)
            cancelled = StageResult(stage.name, stage.kind, "cancelled", stage.command_line(), reason="interrupted")
            self._batch_done(slot, cancelled, remember=False)
        with self.shared.lock:
            actives = list(self.shared.active.values())
        for active in actives:
            active.cancelled = interrupted or active.cancelled
            active.drain = True
            if active.proc is not None:
                process.signal_group(active.proc, signal.SIGTERM)
        deadline = time.monotonic() + process.GRACE_SECONDS
        hard_stop = deadline + HARD_STOP_SECONDS
        while self.shared.active:
            try:
                message = self._next_event()
            except KeyboardInterrupt:
                deadline = 0.0
                continue
            if isinstance(message, _Done):
                with self.shared.lock:
                    active = self.shared.active.pop(message.stage)
                if active.proc is not None:
                    process.signal_group(active.proc, signal.SIGKILL)
                if message.stage != _owner(message.stage):
                    self._batch_done(message.stage, message.result, remember=False)
                else:
                    self._finish(message.result)
            now = time.monotonic()
            if now >= deadline:
                with self.shared.lock:
                    for active in self.shared.active.values():
                        if active.proc is not None:
                            process.signal_group(active.proc, signal.SIGKILL)
                    # An interrupt between registering a stage and starting its thread leaves
                    # an entry no thread will ever report on; so does anything wedged past the hard stop.
                    stuck = [
                        name for name, active in self.shared.active.items()
                        if active.thread.ident is None or now >= hard_stop
                    ]  # fmt: skip
                    for name in stuck:
                        stage = self.shared.active.pop(name).stage
                        result = StageResult(
                            stage.name, stage.kind, "cancelled", stage.command_line(), reason="interrupted"
                        )
                        if name != _owner(name):
                            self._batches.pop(stage.name, None)  # its other batches' results no longer matter
                        self.results[stage.name] = result
                for name in dict.fromkeys(map(_owner, stuck)):
                    self._finish(self.results[name])
        for stage in self.stages:
            if stage.name not in self.results:
                self._finish(StageResult(stage.name, stage.kind, "skipped", stage.command_line(), reason="interrupted"))

    def _finish(self, result: StageResult) -> None:
        self.results[result.name] = result
        try:
            self.sink(StageFinished(result))
        except Exception:
            if not self._closing:
                raise
            # Ending the processes matters more than telling a consumer that has failed.

    def _remember(self, result: StageResult) -> None:
        stage = next(s for s in self.stages if s.name == result.name)
        key = self.keys.get(result.name)
        modified = any(d.tool == "healer" and d.code == "modified-files" for d in result.diagnostics)
        # A run that changed files was checking something else than its key says.
        cacheable = result.status in ("passed", "failed") and not result.timed_out and not modified
        cacheable = cacheable and self.options.jail is None
        if self.store is None or key is None or not stage.cache or not cacheable:
            return
        output = result.output
        if len(output) > CACHED_OUTPUT_LIMIT:
            quarter = CACHED_OUTPUT_LIMIT // 4
            output = output[:quarter] + "\n[... output shortened in the cache ...]\n" + output[-3 * quarter :]
        self.store.store_result(
            key,
            repo=str(self.root),
            stage=result.name,
            status=result.status,
            exit_code=result.exit_code,
            duration=result.duration,
            output=output,
            output_bytes=result.output_bytes,
            diagnostics=[d.to_dict() for d in result.diagnostics],
            gate=None if result.gate is None else result.gate.to_dict(),
        )
        shared = self._shared_results()
        if shared is not None and shared.write:
            # What the local cache keeps, the team's may share: a failed lint is as deterministic as a pass.
            portable_key, tools = self._portable(self.config.stage(result.name))
            shared.share(
                portable_key, result.name, tools, status=result.status, exit_code=result.exit_code,
                duration=result.duration, output=output, output_bytes=result.output_bytes,
                diagnostics=[d.to_dict() for d in result.diagnostics],
                gate=None if result.gate is None else result.gate.to_dict(),
            )  # fmt: skip

    # -- one stage, in its own thread ----------------------------------------

    def _execute(
        self, stage: Stage, cwd: Path, env: dict[str, str], log_path: Path | None, slot: str | None = None
    ) -> None:
        self._slot.name = slot or stage.name
        try:
            result = self._execute_where(stage, cwd, env, log_path)
        except Exception as error:  # a bug must end the stage, not hang the run
            result = _error(stage, f"healer failed while running the stage: {error!r}", "internal")
        self.events.put(_Done(slot or stage.name, result))

    def _execute_where(self, stage: Stage, cwd: Path, env: dict[str, str], log_path: Path | None) -> StageResult:
        if stage.isolate:
            # In healer's own copies too: a rewrite there would leave the shadow tree unlike its index.
            return self._execute_isolated(stage, cwd, env, log_path)
        if self.options.copy is None:
            return self._execute_inner(stage, cwd, env, log_path)
        # Only a run in a copy can need a scratch repository: the hot path never loads it.
        from healer.pipeline.scratch_git import scratch_repository

        if not needs_repository(stage):
            return self._execute_inner(stage, cwd, env, log_path)
        try:
            with scratch_repository(Path(self.options.copy.copy), env) as variables:
                return self._execute_inner(stage, cwd, {**env, **variables}, log_path)
        except (OSError, subprocess.SubprocessError) as error:
            why = f"could not make a git repository for the copy, which {stage.command_line()!r} needs: {error}"
            return _error(stage, why, "no-repository")

    def _execute_isolated(self, stage: Stage, cwd: Path, env: dict[str, str], log_path: Path | None) -> StageResult:
        """A stage that checks by rewriting, run in a private copy of the checked files: the user's stay as they
        are, and each file it rewrote there is a finding (which the stage's `fix` can then propose)."""
        from healer.pipeline.private_copy import private_copy, rewritten
        from healer.pipeline.scratch_git import scratch_repository

        content = self._checked_content()
        if content is None:
            why = "isolate = true needs a git repository (it copies the files git tracks)"
            return _error(stage, why, "no-repository")
        try:
            with private_copy(self.root, content) as folder:
                where = folder / cwd.relative_to(self.root)
                stands_for = self.options.copy.work_tree if self.options.copy is not None else str(self.root)
                variables = copy_env(env, InCopy(str(folder), stands_for))
                # Fixers list what to rewrite with git (pre-commit does): the copy is a repository of its own.
                with scratch_repository(folder, variables) as git_variables:
                    result = self._execute_inner(stage, where, {**variables, **git_variables}, log_path)
                changed = rewritten(folder, self.root, content)
        except (OSError, subprocess.SubprocessError) as error:
            return _error(stage, f"could not run it in a private copy: {error}", "no-copy")
        if not changed or result.status == "cancelled":
            return result
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        found = tuple(
            _healer_diagnostic(stage, "rewrites-files", f"stage '{stage.name}' would rewrite this file")._replace(
                file=path
            )
            for path in changed
        )
        reason = f"stage '{stage.name}' would rewrite {shown} (run in a private copy: your files are unchanged)"
        return result._replace(status="failed", reason=reason, diagnostics=(*found, *result.diagnostics))

    def _execute_inner(self, stage: Stage, cwd: Path, env: dict[str, str], log_path: Path | None) -> StageResult:
        argv = stage.argv()
        began = time.monotonic()
        started, start_env = argv, env
        jail = self.options.jail
        if jail is not None:
            # Only healer's copies may be written: the copy (HEALER_COPY, set by copy_env) and its scratch git.
            copy = env.get("HEALER_COPY")
            if copy is None:
                return _error(stage, "a jailed stage must run in one of healer's copies", "no-copy")
            writable = [copy, *([os.path.dirname(env["GIT_DIR"])] if "GIT_DIR" in env else [])]
            links = [os.path.realpath(os.path.join(copy, link)) for link in self.config.links]
            started, start_env = jail.wrap(argv, cwd, env, writable, links)
        try:
            proc = process.start(started, cwd, start_env)
        except FileNotFoundError:
            return _error(stage, f"command not found: {argv[0]!r} (is it installed and on PATH?)", "command-not-found")
        except PermissionError:
            return _error(stage, f"permission denied: cannot execute {argv[0]!r}", "not-executable")
        except OSError as error:
            return _error(stage, f"cannot start {argv[0]!r}: {error.strerror or error}", "cannot-start")
        slot: str = getattr(self._slot, "name", stage.name)  # a per-file stage's batch runs in a slot of its own
        with self.shared.lock:
            active = self.shared.active[slot]
            active.proc = proc
        capture = OutputCapture(log_path)
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        while True:
            if not poller.poll(READ_WAIT_MS):
                if active.drain:
                    break
                continue
            try:
                data = os.read(fd, READ_SIZE)
            except OSError:
                break
            if not data:
                break
            lines = capture.feed(data)
            if lines:
                self.events.put(_Output(slot, tuple(lines)))
        proc.stdout.close()
        code = proc.wait()
        if jail is not None:
            jail.done(start_env)
        duration = time.monotonic() - began
        text, log, rest = capture.close()
        if rest:
            self.events.put(_Output(slot, tuple(rest)))
        if capture.lost is not None:
            self.events.put(_Said(slot, capture.lost))
        base = StageResult(
            stage.name, stage.kind, "failed", stage.command_line(), duration, code,
            output=text, output_bytes=capture.total, log_path=log,
        )  # fmt: skip
        if active.cancelled:
            return base._replace(status="cancelled", reason="interrupted")
        if jail is not None:
            from healer.pipeline.jail import start_failure

            refused = start_failure(code, text)
            if refused is not None:
                return base._replace(status="error", reason=f"the OS sandbox could not start it: {refused}")
        unready = framework_error(stage, code, text)
        if unready is not None:
            return base._replace(status="error", reason=unready)
        found: tuple[Diagnostic, ...] = ()
        if code != 0 or active.timed_out:
            # Parsers load only for failures: a passing run stays cheap to start.
            from healer.diagnostics.diagnose import diagnose

            found = tuple(
                diagnose(
                    stage=stage.name, output=text, root=self.root, cwd=cwd, parser=stage.parser,
                    argv=argv, exit_code=None if active.timed_out else code,
                )
            )  # fmt: skip
        if active.timed_out:
            message = f"timed out after {stage.timeout:g}s; the stage and its child processes were ended"
            return base._replace(
                timed_out=True, reason=message,
                diagnostics=(_healer_diagnostic(stage, "timeout", message), *found),
            )  # fmt: skip
        gate: GateResult | None = None
        if stage.gate is not None:
            gate = evaluate(stage.gate, text, cwd)
            if not gate.passed and gate.problem is not None:
                found = (*found, _healer_diagnostic(stage, "gate", gate.problem))
        passed = code == 0 and (gate is None or gate.passed)
        if passed and text:
            from healer.diagnostics.nothing_checked import nothing_checked  # a passing stage that said something

            said = nothing_checked(text)
            if said is not None:
                message = (
                    f"stage '{stage.name}' checked no files: the tool says “{said}”; a check that reads nothing "
                    "is no pass"
                )
                return base._replace(
                    status="error", reason=message, diagnostics=(_healer_diagnostic(stage, "nothing-checked", message),)
                )
        return base._replace(status="passed" if passed else "failed", diagnostics=found, gate=gate)


def _folder_problem(root: Path, cwd: Path, configured: str | None) -> str | None:
    if not cwd.exists():
        return f"the stage's folder {configured} does not exist"
    if not cwd.is_dir():
        return f"the stage's folder {configured} is not a folder"
    # A symlink could lead a stage out of the repository it is meant to check.
    if cwd.resolve() != root.resolve() and root.resolve() not in cwd.resolve().parents:
        return f"the stage's folder {configured} leads outside the repository (to {cwd.resolve()})"
    return None


def _past(status: str) -> str:
    return {"failed": "failed", "error": "could not run", "skipped": "was skipped", "cancelled": "was cancelled"}.get(
        status, status
    )


def _healer_diagnostic(stage: Stage, code: str, message: str) -> Diagnostic:
    from healer.diagnostics.fingerprint import fingerprint

    # Numbers vary (timeouts, thresholds); the fingerprint normalises them away.
    return Diagnostic(
        stage=stage.name, tool="healer", file=None, line=None, column=None, code=code,
        message=message, severity="error", fingerprint=fingerprint("healer", code, message),
    )  # fmt: skip


def _error(stage: Stage, message: str, code: str) -> StageResult:
    text = f"stage '{stage.name}': {message}"
    return StageResult(
        stage.name, stage.kind, "error", stage.command_line(), reason=text,
        diagnostics=(_healer_diagnostic(stage, code, text),),
    )  # fmt: skip


def _from_cache(stage: Stage, hit: CachedResult, key: str) -> StageResult:
    status: Status = "passed" if hit.status == "passed" else "failed"
    return StageResult(
        stage.name, stage.kind, status, stage.command_line(), hit.duration, hit.exit_code,
        cached=True, output=hit.output, output_bytes=hit.output_bytes,
        diagnostics=tuple(Diagnostic.from_dict(d) for d in hit.diagnostics),
        gate=None if hit.gate is None else GateResult.from_dict(hit.gate), key=key,
    )  # fmt: skip
