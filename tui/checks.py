"""The body of the check worker: run the pipeline and propose verified fixes, as `healer fix` without --apply.

`fix_workspace` with `apply=None` checks, proposes and verifies, and changes
no file. Its events arrive on this worker thread; each becomes a message. The
output is cleaned here (not on the UI thread) and sent in batches small enough
that writing one never holds the UI for long.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from textual.message import Message

from healer.pipeline.events import StageFinished, StageOutput
from healer.tui.logbuffer import LIMIT
from healer.tui.messages import FixesReady, FixProgress, PipelineEvent, PipelineOutput
from healer.tui.sanitize import clean_lines, clean_text

if TYPE_CHECKING:
    from healer.fixes.session import FixReport
    from healer.pipeline.events import Event
    from healer.pipeline.result import RunResult
    from healer.workspace import Workspace

BATCH = 500
"""Lines per message: about 6 ms of Log.write_lines on the UI thread."""

Post = Callable[[Message], object]
OFFLINE = "the terminal UI asks a model only when you ask it to"


class CheckRequest(NamedTuple):
    generation: int
    stages: tuple[str, ...]
    use_cache: bool
    cancel: threading.Event
    prepend_path: tuple[str, ...] = ()
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


def run_checks(workspace: Workspace, request: CheckRequest, post: Post) -> None:
    from healer.commands.run import open_store
    from healer.fixes.session import FixOptions, fix_workspace

    notices: list[str] = []

    def progress(text: str) -> None:
        post(FixProgress(request.generation, text))

    if request.run is not None:
        post(FixesReady(request.generation, propose_only(workspace, request, progress, notices), notices))
        return

    options = FixOptions(
        stages=request.stages,
        apply=None,
        # A model is asked only on the reviewer's request (healer.tui.model_fix), never on every check.
        offline=OFFLINE,
        use_cache=request.use_cache,
        prepend_path=request.prepend_path,
        trigger="tui",
        cancel=request.cancel,
    )
    report = fix_workspace(
        workspace,
        options,
        sink=sink_for(request.generation, post),
        progress=progress,
        open_store=lambda: open_store(notices),
    )
    post(FixesReady(request.generation, report, notices))


def propose_only(
    workspace: Workspace, request: CheckRequest, progress: Callable[[str], None], notices: list[str]
) -> FixReport:
    """Fixes for the failures of a run made elsewhere (a watch batch), for the working tree as it is now.

    The run is not made again nor recorded again (the watcher recorded it); the
    candidates are, as `healer fix` records them, so decisions on them count.
    """
    import time

    from healer.commands.run import open_store
    from healer.fixes.sandbox import worktree_tree
    from healer.fixes.session import FixReport, fixes_for_tree
    from healer.recording import record_round

    assert request.run is not None
    began = time.monotonic()
    tree = worktree_tree(workspace.root, workspace.state_dir)
    current = fixes_for_tree(
        workspace,
        request.run,
        tree,
        progress=progress,
        open_store=lambda: open_store(notices),
        prepend_path=request.prepend_path,
        cancel=request.cancel,
    )
    store = open_store(notices)
    try:
        record_round(store, workspace, None, current, via="tui")
    finally:
        if store is not None:
            store.close()
    return FixReport([current], request.run, time.monotonic() - began, OFFLINE)
