"""Carrying out a review's decisions through the core (apply, reject, undo), worded for the reviewer.

These run in worker threads and return plain data; the core records each
decision with `via="tui"` and says anything that went wrong with the record
through the app's reporter.
"""

from __future__ import annotations

from typing import NamedTuple

from healer.errors import HealerError
from healer.fixers.candidate import Candidate
from healer.patch.patch import Patch
from healer.pipeline.result import RunResult
from healer.service import Healer


class Done(NamedTuple):
    ok: bool
    message: str
    patch_id: str | None = None
    """The id written to the journal (what `u` and `healer undo` take back)."""
    paths: tuple[str, ...] = ()
    """The files written or restored: the stages whose fixes edit them are checked again."""


def apply_selected(core: Healer, selected: Patch, original: Candidate, run: RunResult | None) -> Done:
    """Write `selected` (the whole fix, or the hunks kept of it) and record the decision."""
    try:
        record = core.apply(selected, original=original, run=run)
    except HealerError as error:  # ApplyRefused among them: a file changed since the fix was made
        return Done(False, f"not applied: {error}")
    paths = ", ".join(record.paths)
    return Done(True, f"applied {record.id}: {record.title} ({paths}); u undoes it", record.id, record.paths)


def reject(core: Healer, original: Candidate) -> Done:
    core.reject(original)
    return Done(True, f"rejected {original.id}: {original.patch.title}")


def undo_last(core: Healer) -> Done:
    """Take back the most recent applied fix, as `healer undo` does, and record it."""
    try:
        record = core.undo()
    except HealerError as error:  # UndoRefused among them: edited since, or nothing to undo
        return Done(False, f"not undone: {error}")
    restored = ", ".join(record.restored) or "nothing to restore"
    return Done(True, f"undid {record.id}: {record.title} (restored {restored})", record.id, record.restored)
