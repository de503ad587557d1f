"""Taking an applied patch back: every file byte for byte as it was, or nothing at all.

A file is restored only while it still holds exactly what the patch wrote,
with the permission bits the patch left. If the user edited any of them
afterwards, undo refuses before touching anything: their later work wins.
A later `chmod` is a later edit too; `force` takes the fix back all the
same, keeping the permission bits the user gave the file (a fix never
changes them). An entry left "applying" by an interrupted
apply is undone the same way; its files still as they were need nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from healer.errors import HealerError
from healer.patch import files, journal
from healer.patch.validate import path_problem


class UndoRefused(HealerError):
    """Nothing was undone, and no file was changed."""


@dataclass(frozen=True)
class UndoneRecord:
    id: str
    title: str
    seq: int
    restored: tuple[str, ...]
    """Files put back as they were before the fix."""
    unchanged: tuple[str, ...]
    """Files the fix never got to write (an interrupted apply), or already put back."""


def choose(state_dir: Path, id: str | None) -> journal.Entry:
    """The entry `undo` would act on: by id prefix, or the most recent one still applied."""
    if id is not None:
        entry = journal.find(state_dir, id)
        if not entry.undoable:
            raise UndoRefused(f"fix {entry.id} ({entry.title}) was already undone")
        return entry
    for entry in journal.entries(state_dir):
        if entry.undoable:
            return entry
    raise UndoRefused("nothing to undo: no applied fix in this repository (`healer log` lists them)")


def _still_applied(root: Path, file: journal.JournalFile) -> Callable[[], bool]:
    return lambda: journal.digest(files.current(root, file.path)) == file.after_sha


def _mode_change(root: Path, file: journal.JournalFile) -> tuple[int, int] | None:
    """(applied, now) when the file's permission bits are not those the patch left."""
    expected = file.applied_mode
    now = files.mode_of(root, file.path)
    if expected is None or now is None or now == expected:
        return None
    return expected, now


def undo(root: Path, state_dir: Path, id: str | None = None, *, force: bool = False) -> UndoneRecord:
    """Restore the files of an applied fix; `force`: even those whose permission bits changed since."""
    scratch = state_dir / files.SCRATCH
    with journal.locked(state_dir):
        files.sweep_scratch(scratch)
        entry = choose(state_dir, id)
        restore: list[journal.JournalFile] = []
        unchanged: list[str] = []
        modes: dict[str, int | None] = {}
        for file in entry.files:
            problem = path_problem(root, file.path)
            if problem is not None:
                raise UndoRefused(f"cannot undo fix {entry.id}: {problem}")
            now = files.current(root, file.path)
            if now == file.before:
                unchanged.append(file.path)
            elif journal.digest(now) == file.after_sha:
                changed = _mode_change(root, file)
                if changed is not None and not force:
                    raise UndoRefused(
                        f"{file.path} had its mode changed ({changed[0]:o} to {changed[1]:o}) after fix {entry.id} "
                        "was applied; undo refused, nothing changed (`healer undo --force` undoes it, keeping the "
                        "new mode)"
                    )
                modes[file.path] = file.mode if changed is None else changed[1]
                restore.append(file)
            else:
                raise UndoRefused(
                    f"{file.path} was edited after fix {entry.id} was applied; undo refused, nothing changed"
                )
        done: list[str] = []
        for file in restore:
            files.sweep(root, file.path)
            if file.before is None:
                files.remove(root, file.path)
            else:
                try:
                    files.write(
                        root, file.path, file.before, modes[file.path], _still_applied(root, file), scratch=scratch
                    )
                except files.Changed:
                    so_far = f"; restored so far: {', '.join(done)}" if done else ""
                    raise UndoRefused(
                        f"{file.path} was edited while fix {entry.id} was being undone; left as you saved it{so_far}"
                    ) from None
            done.append(file.path)
        for path in unchanged:
            files.sweep(root, path)
        journal.mark(state_dir, entry, "undone")
    return UndoneRecord(entry.id, entry.title, entry.seq, tuple(f.path for f in restore), tuple(unchanged))
