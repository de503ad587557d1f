"""`healer run`: the pipeline on the working tree."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from healer.commands.display import display_for, in_github_actions
from healer.interrupt import raise_interrupt
from healer.pipeline.result import RunResult
from healer.pipeline.runner import RunOptions, Sink, run_pipeline
from healer.workspace import Workspace, open_workspace

if TYPE_CHECKING:
    import argparse

    from healer.kb.store import Store


def open_store(notices: list[str]) -> Store | None:
    """The knowledge base, or None with a notice saying why the run goes on without the cache."""
    from healer.kb.store import Store, StoreError  # not for --no-cache: sqlite3 costs start-up time

    try:
        return Store()
    except StoreError as error:
        # Checking matters more than caching: say why, and run without the cache.
        notices.append(f"{error}; running without the cache")
        return None


@contextmanager
def terminated_as_interrupt() -> Iterator[None]:
    """A SIGTERM (CI cancelling, a hook's parent dying) must end the stages too, like Ctrl-C."""
    previous = signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_workspace(
    workspace: Workspace,
    *,
    stages: list[str] | None,
    jobs: int | None,
    use_cache: bool,
    sink: Sink,
    prepend_path: tuple[str, ...] = (),
    record: bool | None = None,
    trigger: str = "run",
) -> RunResult:
    """Run the pipeline; `use_cache` reads cached results, `record` (default: same) stores new ones
    and the run's history (as `trigger`) in the knowledge base."""
    with terminated_as_interrupt():
        options = RunOptions(
            jobs=jobs, use_cache=use_cache, log_dir=workspace.state_dir / "logs", prepend_path=prepend_path
        )
        if not (use_cache if record is None else record):
            # --no-cache bypasses the cache both ways: nothing read, nothing written.
            return run_pipeline(workspace.config, workspace.root, names=stages, options=options, sink=sink)
        notices: list[str] = []
        store = open_store(notices)
        options = options._replace(notices=tuple(notices))
        if store is None:
            return run_pipeline(workspace.config, workspace.root, names=stages, options=options, sink=sink)
        with store:
            run = run_pipeline(workspace.config, workspace.root, names=stages, options=options, store=store, sink=sink)
            from healer.recording import record_run

            record_run(store, workspace, run, trigger=trigger)
            return run


def emit(run: RunResult, *, as_json: bool) -> None:
    """After the run: the JSON document, and CI annotations under GitHub Actions."""
    if as_json:
        from healer.render.json_document import dumps, run_document

        sys.stdout.write(dumps(run_document(run)) + "\n")
    if in_github_actions():
        from healer.render.github import workflow_commands

        stream = sys.stderr if as_json else sys.stdout
        for line in workflow_commands(run):
            stream.write(line + "\n")
    sys.stdout.flush()


def execute(args: argparse.Namespace) -> int:
    workspace = open_workspace()
    sink: Sink = (lambda _event: None) if args.json else display_for(sys.stdout, verbose=args.verbose)
    run = run_workspace(workspace, stages=args.stages, jobs=args.jobs, use_cache=not args.no_cache, sink=sink)
    emit(run, as_json=args.json)
    return run.exit_code
