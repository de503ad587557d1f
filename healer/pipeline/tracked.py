"""Noticing a stage that changed the files it was meant to check (pre-commit's "files were modified").

A check must not write the user's files, and a formatter run without its check
mode "passes" after rewriting them. The runner notes every tracked file's
content before the first stage starts a process, and looks again each time one
finishes: what changed in between is charged to every stage that was running
then, and each of them fails with the list. A look costs one stat per file; only
a file whose stat changed is read, so a tool that merely touches files is not blamed.
"""

from __future__ import annotations

import os
from pathlib import Path

from healer.snapshot.git import GitError
from healer.snapshot.manifest import Manifest, hash_path
from healer.snapshot.worktree import read_worktree

Signature = tuple[int, int, int] | None
"""(mtime_ns, size, inode), None when the file is gone."""

SHOWN = 10
"""Files named in a stage's failure; the rest are counted."""


def tracked_content(root: Path) -> Manifest | None:
    """The files git tracks in `root` with their content ids, None when it is not a repository."""
    try:
        return read_worktree(root, untracked=False)
    except GitError:
        return None


def _signature(path: Path) -> Signature:
    try:
        status = os.lstat(path)
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size, status.st_ino)


class TrackedFiles:
    """A set of files' content as it was, compared on demand with what is on disk now."""

    def __init__(self, manifest: Manifest) -> None:
        self.root = manifest.root
        # A submodule is a folder, its files listed on their own: only files are compared.
        paths = [path for path in manifest.paths() if not manifest.known.get(path, "").startswith("commit:")]
        self._stat = {path: _signature(self.root / path) for path in paths}
        # Ids from git for clean files; the modified ones are hashed now, while they are as the user left them.
        self._content = {path: manifest.content_id(path) for path in paths}

    def changed(self) -> list[str]:
        """The files whose content differs from the last look (which this look becomes), in order."""
        changed: list[str] = []
        for path, before in self._stat.items():
            now = _signature(self.root / path)
            if now == before:
                continue
            self._stat[path] = now
            content = None if now is None else hash_path(self.root / path)
            if content != self._content[path]:
                changed.append(path)
                self._content[path] = content
        return changed


def modified_message(stage: str, paths: list[str], alongside: list[str]) -> str:
    """Why a stage that changed files fails: which files, and what to do about it."""
    shown = ", ".join(paths[:SHOWN]) + (f" and {len(paths) - SHOWN} more" if len(paths) > SHOWN else "")
    together = f" (with {', '.join(alongside)} running at the same time)" if alongside else ""
    return (
        f"stage '{stage}' modified files it checks{together}: {shown}. A check must not change files: "
        "give the tool its check mode (`--check`, `--diff`) or run it as a fix; if you edited them "
        "yourself meanwhile, run again"
    )
