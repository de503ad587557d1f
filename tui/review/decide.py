"""Carrying out a review's decisions with the core: apply (only through `apply_patch`), reject, undo; and
telling the knowledge base, as the CLI does, with `via="tui"`.

These run in worker threads: each opens its own knowledge-base connection
(SQLite connections belong to one thread) and returns plain data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NamedTuple

from healer.errors import HealerError

if TYPE_CHECKING:
    from healer.fixes.model import Patch
    from healer.kb.store import Store
    from healer.pipeline.result import RunResult
    from healer.workspace import Workspace

VIA = "tui"


class Done(NamedTuple):
    ok: bool
    message: str
    patch_id: str | None = None
    """The id written to the journal (what `u` and `healer undo` take back)."""
    notices: tuple[str, ...] = ()


@contextmanager
def _recording(notices: list[str]) -> Iterator[Store | None]:
    """This thread's knowledge base (None when it cannot open: the decision stands, its record is lost),
    closed afterwards; what it had to say goes into `notices`."""
    from healer.commands.run import open_store

    store = open_store(notices)
    try:
        yield store
    finally:
        if store is not None:
            notices.extend(store.notices)
            store.close()


def apply_selected(workspace: Workspace, selected: Patch, original: Patch, run: RunResult | None) -> Done:
    """Write `selected` (the whole fix, or the hunks kept of it) and record the decision."""
    from healer.patch.apply import apply_patch
    from healer.recording import record_decisions

    try:
        record = apply_patch(workspace.root, workspace.state_dir, selected, settings=workspace.config.fix)
    except HealerError as error:  # ApplyRefused among them: a file changed since the fix was made
        return Done(False, f"not applied: {error}")
    notices: list[str] = []
    with _recording(notices) as store:
        if selected.id == original.id:
            record_decisions(store, workspace, [original.id], "accepted", VIA)
        else:
            _record_new_patch(store, workspace, selected, run)
            record_decisions(store, workspace, [selected.id], "accepted", VIA)
            record_decisions(store, workspace, [original.id], "edited", VIA)
    paths = ", ".join(record.paths)
    return Done(True, f"applied {record.id}: {record.title} ({paths}); u undoes it", record.id, tuple(notices))


def _record_new_patch(store: Store | None, workspace: Workspace, patch: Patch, run: RunResult | None) -> None:
    """A partly accepted or edited fix is a patch of its own: replay and the statistics must see what was kept."""
    from healer.fixes.session import Round
    from healer.pipeline.result import RunResult
    from healer.recording import record_round

    base = run if run is not None else RunResult((), 0.0, str(workspace.root))
    record_round(store, workspace, None, Round(0, base, patches=[patch]), via=VIA)


def reject(workspace: Workspace, original: Patch) -> Done:
    from healer.recording import record_decisions

    notices: list[str] = []
    with _recording(notices) as store:
        record_decisions(store, workspace, [original.id], "rejected", VIA)
    return Done(True, f"rejected {original.id}: {original.title}", None, tuple(notices))


def undo_last(workspace: Workspace) -> Done:
    """Take back the most recent applied fix, as `healer undo` does, and record it."""
    from healer.patch.undo import undo
    from healer.recording import record_decisions

    try:
        record = undo(workspace.root, workspace.state_dir)
    except HealerError as error:  # UndoRefused among them: edited since, or nothing to undo
        return Done(False, f"not undone: {error}")
    notices: list[str] = []
    with _recording(notices) as store:
        record_decisions(store, workspace, [record.id], "undone", VIA)
    restored = ", ".join(record.restored) or "nothing to restore"
    return Done(True, f"undid {record.id}: {record.title} (restored {restored})", record.id, tuple(notices))
