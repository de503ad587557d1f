"""Applying a patch to the user's files: only if they are exactly as the patch found them, journaled, atomic.

Order matters for the first law. Everything is checked before anything is
written; the journal entry, with every file's previous content, is on disk
before the first file changes; each file is replaced whole. A process killed
at any moment leaves each file old or new and an entry that `healer undo`
can act on. Each file is compared once more just before it is replaced, and
if the user saved it in between, the files already written are put back.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from healer.config.settings import FixSettings
from healer.errors import HealerError
from healer.patch import files, journal
from healer.patch.commit_scope import outside_commit
from healer.patch.patch import Patch
from healer.patch.validate import validate
from healer.snapshot.git import git


class ApplyRefused(HealerError):
    """The patch was not applied, and no file was changed."""


@dataclass(frozen=True)
class AppliedRecord:
    id: str
    title: str
    seq: int
    paths: tuple[str, ...]
    flags: tuple[str, ...]
    staged: bool


def _changed(path: str) -> ApplyRefused:
    return ApplyRefused(f"{path} changed since the fix was made; rerun `healer fix`")


def apply_patch(
    root: Path, state_dir: Path, patch: Patch, *, stage: bool = False, settings: FixSettings | None = None
) -> AppliedRecord:
    """Write `patch` to the files under `root`, record it for undo, and (with `stage`) add it to git's index:
    then only to files the commit being made already changes (healer.patch.commit_scope)."""
    edits = tuple(edit for edit in patch.edits if edit.before != edit.after)
    if not edits:
        raise ApplyRefused(f"fix {patch.id} changes nothing")
    validation = validate(edits, root, settings)
    if validation.problems:
        more = f" (and {len(validation.problems) - 1} more)" if len(validation.problems) > 1 else ""
        raise ApplyRefused(f"refusing fix {patch.id}: {validation.problems[0]}{more}")
    if stage:
        outside = outside_commit(root, [edit.path for edit in edits])
        if outside is not None:
            raise ApplyRefused(
                f"{outside} is not part of the commit, and a fix staged there would add a change you did not stage "
                "(`healer fix --apply safe` fixes it in the working tree)"
            )
    scratch = state_dir / files.SCRATCH
    with journal.locked(state_dir):
        files.sweep_scratch(scratch)
        modes: dict[str, int | None] = {}
        for edit in edits:
            if files.current(root, edit.path) != edit.before:
                raise _changed(edit.path)
            modes[edit.path] = files.mode_of(root, edit.path)
        saved = tuple(
            journal.JournalFile(
                edit.path, edit.before, journal.digest(edit.after), modes[edit.path],
                modes[edit.path] if edit.after is not None else None,
            )
            for edit in edits
        )  # fmt: skip
        entry = journal.record(state_dir, patch, saved, staged=stage)
        written: list[str] = []
        for edit in edits:
            files.sweep(root, edit.path)
            if files.current(root, edit.path) != edit.before:
                _roll_back(root, state_dir, entry, written)
                raise _changed(edit.path)
            if edit.after is None:
                files.remove(root, edit.path)
            else:
                try:
                    files.write(
                        root, edit.path, edit.after, modes[edit.path], _still(root, edit.path, edit.before),
                        scratch=scratch,
                    )  # fmt: skip
                except files.Changed:
                    _roll_back(root, state_dir, entry, written)
                    raise _changed(edit.path) from None
            written.append(edit.path)
        # A created file's permission bits are the umask's, known only now.
        known = tuple(
            replace(file, after_mode=files.mode_of(root, file.path))
            if file.before is None and file.after_sha is not None
            else file
            for file in entry.files
        )
        entry = journal.mark(state_dir, entry, "applied", known)
    paths = tuple(edit.path for edit in edits)
    if stage:
        _stage(root, paths)
    return AppliedRecord(patch.id, patch.title, entry.seq, paths, validation.flags, stage)


def _still(root: Path, path: str, before: bytes | None) -> Callable[[], bool]:
    return lambda: files.current(root, path) == before


def _roll_back(root: Path, state_dir: Path, entry: journal.Entry, written: list[str]) -> None:
    """Put back the files this apply already wrote, then drop its entry: net, nothing happened."""
    by_path = {file.path: file for file in entry.files}
    for path in reversed(written):
        file = by_path[path]
        if file.before is None:
            files.remove(root, path)
        else:
            files.write(root, path, file.before, file.mode, scratch=state_dir / files.SCRATCH)
    journal.forget(state_dir, entry)


def _stage(root: Path, paths: tuple[str, ...]) -> None:
    """Put the new content in the index git is committing from, keeping each entry's staged mode.

    `git add` would record the working tree's mode: a staged `chmod +x` would be
    lost, or an unstaged one committed. The blob goes through git's clean filters
    (`--path`), as `git add` would.
    """

    env = {"GIT_LITERAL_PATHSPECS": "1"}  # a file named "*.py" is that file, not a glob's matches
    for path in paths:
        target = root / path
        if not target.exists():
            git(["update-index", "--force-remove", "--", path], root, env=env)
            continue
        staged = git(["ls-files", "--stage", "--", path], root, env=env).decode().split(" ", 1)[0]
        mode = staged or ("100755" if os.access(target, os.X_OK) else "100644")
        blob = git(["hash-object", "-w", f"--path={path}", "--", str(target)], root).decode().strip()
        git(["update-index", "--add", "--cacheinfo", f"{mode},{blob},{path}"], root, env=env)
