"""Isolated, writable copies of a snapshot, where fixers run tools and candidates are verified.

Each copy is a persistent shadow tree (`.git/healer/sandbox-N`), moved to the
snapshot's tree by git plumbing, so tools' caches stay warm from one
verification to the next and a copy costs only the files that differ. Writes
in a copy never reach the user's files; the next checkout puts back whatever
a fixer or a stage changed there.
"""

from __future__ import annotations

import os
import queue
import shutil
import stat
import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from healer.errors import HealerError
from healer.snapshot.git import git
from healer.snapshot.mtimes import keep_apart, mtimes
from healer.snapshot.shadow import ISOLATION, Shadow
from healer.snapshot.tree import index_file


def worktree_tree(root: Path, state_dir: Path) -> str:
    """The git tree of the working tree as it is now: tracked files as edited, plus untracked, not ignored ones.

    Built in a copy of the index, so the user's index is never written; the
    blobs of edited and untracked files are added to the object database
    (unreferenced objects, which `git gc` prunes in time), as `git stash create` does.
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    # One copy per thread: a front end may build trees in two workers at once (a check, a model request).
    copy = state_dir / f"worktree.index.{os.getpid()}.{threading.get_ident()}"
    source = index_file(root, state_dir.parent)
    try:
        copy.write_bytes(source.read_bytes() if source.exists() else b"")
        if source.exists():
            # Keep the index's own mtime: git treats an entry as "racily clean" (and rehashes the file)
            # when the file is not older than the index. A newer mtime on the copy would make git trust
            # the stat data of a file edited in the same second, same size, and miss the edit.
            stat = source.stat()
            os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        env = {"GIT_INDEX_FILE": str(copy)}
        git([*ISOLATION, "add", "--all", "--ignore-errors", "--", "."], root, env=env)
        return git(["write-tree"], root, env=env).decode().strip()
    finally:
        copy.unlink(missing_ok=True)


class Sandboxes:
    """A pool of `size` copies of one tree; `copy()` lends one out, checked out afresh."""

    def __init__(self, root: Path, state_dir: Path, tree: str, links: Sequence[str] = (), size: int = 1) -> None:
        self.root = root
        self.state_dir = state_dir
        self.tree = tree
        self.links = tuple(links)
        self._free: queue.Queue[int] = queue.Queue()
        for slot in range(max(1, size)):
            self._free.put(slot)

    @contextmanager
    def copy(self) -> Iterator[Path]:
        slot = self._free.get()
        try:
            shadow = Shadow(self.root, self.state_dir, f"sandbox-{slot}")
            with shadow.checkout(self.tree, self.links) as folder:
                yield folder
        finally:
            self._free.put(slot)


class OutsideCopy(HealerError):
    """A path that would lead out of an isolated copy (absolute, `..`, or through a symlink)."""


def write_in_copy(folder: Path, path: str, data: bytes | None) -> None:
    """Write (or with None, delete) `path` inside the copy `folder`, never following a link out of it.

    A copy can hold symlinks (a linked `.venv`, a symlink committed in the
    repository); writing through one would change a file outside the copy,
    possibly the user's.
    """
    parts = path.split("/")
    if os.path.isabs(path) or any(part in ("", ".", "..") for part in parts):
        raise OutsideCopy(f"{path!r} is not a plain path inside the repository")
    current = folder
    for part in parts:
        current = current / part
        if current.is_symlink():
            raise OutsideCopy(f"{path} goes through the symlink {current.relative_to(folder)}")
    target = folder / path
    if data is None:
        target.unlink(missing_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    before = mtimes(folder, [path])
    target.write_bytes(data)
    keep_apart(folder, before)


def scrub(folder: Path, tracked: Collection[str], links: Sequence[str] = ()) -> None:
    """After untrusted code ran in a copy: remove all it could have left that the next checkout would keep.

    A checkout puts back tracked files and removes untracked ones git would see, but keeps ignored files (tools'
    caches stay warm) and anything git never looks at: a `.git` folder planted below the root, a FIFO, a real
    folder where healer links a virtualenv. A rewritten `__pycache__/test_x.pyc` with its old size and
    modification time would make every later check in that copy pass. So everything that is not a tracked
    file, a folder holding one, or a link healer made goes, ignored caches included; the next checkout brings
    back the generated files and the links, and the caches are built again.
    """
    linked = {name.strip("/") for name in links}
    holders = {"/".join(path.split("/")[:depth]) for path in tracked for depth in range(1, path.count("/") + 1)}
    root = str(folder)
    for here, dirs, files in os.walk(root, topdown=True):
        relative = os.path.relpath(here, root)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        kept = []
        for name in dirs:
            path, full = prefix + name, os.path.join(here, name)
            if os.path.islink(full):
                if path not in linked and path not in tracked:
                    os.unlink(full)
            elif path in holders and name != ".git":
                os.chmod(full, 0o755)  # a folder made unreadable would hide what is in it
                kept.append(name)
            else:
                shutil.rmtree(full, ignore_errors=True)
        dirs[:] = kept
        for name in files:
            path, full = prefix + name, os.path.join(here, name)
            info = os.lstat(full)
            regular_or_link = stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)
            if path in tracked and regular_or_link:
                continue
            if path in linked and stat.S_ISLNK(info.st_mode):
                continue
            os.unlink(full)
