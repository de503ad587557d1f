"""The shadow work tree: a persistent checkout of a snapshot, outside the repository.

Checks of the index or of a pushed commit cannot run in the user's working
tree (it holds other content) and must never change it. They run here
instead: `shadow/` in the repository's folder of copies (healer.snapshot.copies,
in the user's cache folder, where no tool's exclude of `.git/` applies), with
its own index file, moved from one tree to the next by `git read-tree -m -u`,
which rewrites only the files that differ, so tools' caches in the shadow
(mypy, ruff, pytest) stay warm between runs.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from healer.errors import HealerError
from healer.snapshot.copies import base_for, copies_of
from healer.snapshot.generated import generated_files
from healer.snapshot.git import GitError, git
from healer.snapshot.mtimes import keep_apart, mtimes

LOCK_WAIT_SECONDS = 120.0

# The user's configuration must not reach outside the shadow through these commands:
# submodule.recurse would make read-tree re-point the user's submodules at the shadow,
# sparse checkout would leave files out, fsmonitor would ask the user's daemon about
# a folder it does not watch, and a split index would write shared files into .git.
ISOLATION = (
    "-c", "submodule.recurse=false",
    "-c", "core.sparseCheckout=false",
    "-c", "core.fsmonitor=false",
    "-c", "core.splitIndex=false",
)  # fmt: skip


IGNORE_FILE = ".ignore"
"""Read by ruff and ripgrep outside git repositories too: what it names is not linted in a copy."""


class Shadow:
    def __init__(self, root: Path, state_dir: Path, name: str = "shadow") -> None:
        """`name`: "shadow" for checks, "sandbox-N" for the copies fixes are made and verified in."""
        self.root = root
        base = copies_of(root, state_dir)
        self.dir = base / name
        self.index = base / f"{name}.index"
        self.tree_file = base / f"{name}.tree"
        self.lock_file = base / f"{name}.lock"
        self.generated_file = base / f"{name}.generated"
        """The ignored files last copied in (healer.snapshot.generated), to remove those gone since."""

    @contextmanager
    def checkout(self, tree: str, links: Sequence[str] = ()) -> Iterator[Path]:
        """Hold the shadow at `tree` for the duration of the block; yields its folder."""
        self._guard()  # before anything writes: read-tree -u and clean both change files
        self.dir.mkdir(parents=True, exist_ok=True)
        self.lock_file.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():
            os.utime(self.lock_file)  # in use: a sweep of idle copies leaves it
            self._sync(tree, links)
            self._link(links)
            self._bring_generated(links)
            yield self.dir

    @contextmanager
    def _locked(self) -> Iterator[None]:
        # Several healers may share one repository (watch, a hook, the TUI):
        # one at a time moves and uses the shadow.
        with open(self.lock_file, "a") as handle:
            deadline = time.monotonic() + LOCK_WAIT_SECONDS
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise HealerError(
                            f"another healer has held the shadow tree {self.dir} for {LOCK_WAIT_SECONDS:g}s; "
                            "try again when it is done"
                        ) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _git(self, *args: str) -> bytes:
        # --work-tree and a private index: git touches only the shadow and its index.
        command = [*ISOLATION, "--work-tree", str(self.dir), *args]
        return git(command, self.root, env={"GIT_INDEX_FILE": str(self.index)})

    def _sync(self, tree: str, links: Sequence[str]) -> None:
        # Under our flock no other healer uses the private index, so a git lock file
        # left on it can only be the remains of an interrupted run.
        self.index.with_name(self.index.name + ".lock").unlink(missing_ok=True)
        try:
            self._move(tree, links)
        except GitError:
            # An interrupted run can leave the private index truncated or inconsistent
            # with the files: forget it and check the tree out afresh.
            self.index.unlink(missing_ok=True)
            self.tree_file.unlink(missing_ok=True)
            self._move(tree, links)

    def _move(self, tree: str, links: Sequence[str]) -> None:
        current = self.tree_file.read_text().strip() if self.tree_file.exists() and self.index.exists() else None
        if current != tree:
            # Forget where the shadow was before moving it: if this process dies mid-move
            # (after git has switched the private index, before the new tree is recorded),
            # the next run must not believe the shadow still holds the old tree.
            self.tree_file.unlink(missing_ok=True)
        moved = self._between(current, tree)
        before = mtimes(self.dir, moved)
        try:
            if current is None:
                self._git("read-tree", "--reset", "-u", tree)
            elif current != tree:
                self._git("read-tree", "-m", "-u", current, tree)
        except GitError:
            # The shadow was changed behind our back (a stage wrote into it): start over from the tree.
            self._git("read-tree", "--reset", "-u", tree)
        self._kept_apart(before)
        self._restore_modified()
        self._remove_strays(links)
        temporary = self.tree_file.with_name(f".{self.tree_file.name}.{os.getpid()}")
        temporary.write_text(tree + "\n")
        os.replace(temporary, self.tree_file)

    def _kept_apart(self, before: dict[str, int | None]) -> None:
        """healer.snapshot.mtimes.keep_apart, and the private index told the new stat of what it moved."""
        if keep_apart(self.dir, before):
            # Content unchanged, stat changed: --refresh records it (it exits 1 for files that do differ).
            git([*ISOLATION, "--work-tree", str(self.dir), "update-index", "-q", "--refresh"], self.root,
                check=False, env={"GIT_INDEX_FILE": str(self.index)})  # fmt: skip

    def _between(self, current: str | None, tree: str) -> list[str]:
        """The files a move from `current` to `tree` rewrites (none to know of for a first checkout)."""
        if current is None or current == tree:
            return []
        try:
            out = git(["diff-tree", "-r", "--name-only", "-z", current, tree], self.root)
        except GitError:
            return []
        return [os.fsdecode(path) for path in out.split(b"\0") if path]

    def _restore_modified(self) -> None:
        """Put back tracked files a previous stage modified or deleted in the shadow."""
        changed = self._git("diff-files", "--name-only", "-z")
        paths = [os.fsdecode(path) for path in changed.split(b"\0") if path]
        if paths:
            before = mtimes(self.dir, paths)
            self._git("checkout-index", "-f", "-q", "--", *paths)
            self._kept_apart(before)

    def _remove_strays(self, links: Sequence[str]) -> None:
        """Untracked, not-ignored files left by earlier stages would be seen as content; ignored caches stay."""
        keep = [arg for name in links for arg in ("-e", f"/{name.strip('/')}")]
        self._git("clean", "-f", "-d", "-q", *keep)

    def _guard(self) -> None:
        """Syncing writes and deletes files: prove it can only ever happen in healer's own folder."""
        shadow = self.dir.resolve()
        work_tree = self.root.resolve()
        if shadow == work_tree or shadow in work_tree.parents or not _healers(self.dir.name):
            raise HealerError(f"refusing to use {shadow} as a shadow tree: it is not healer's")
        if work_tree in shadow.parents or base_for(self.root).resolve() not in shadow.parents:
            raise HealerError(f"refusing to use {shadow} as a shadow tree: it is not inside healer's folder of copies")

    def _link(self, links: Sequence[str]) -> None:
        """Make untracked folders the tools need (a virtualenv, node_modules) visible in the shadow."""
        for name in links:
            source = self.root / name
            target = self.dir / name
            if not source.exists() or (target.exists() and not target.is_symlink()):
                continue  # missing in the work tree, or tracked content of the snapshot
            if target.is_symlink() and os.readlink(target) == str(source):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            target.symlink_to(source, target_is_directory=source.is_dir())

    def _bring_generated(self, links: Sequence[str]) -> None:
        """Copy in the ignored files the packages need to import; remove those the work tree no longer has.

        A copy is no git repository, and ruff honours .gitignore only inside one: it would lint a copied
        `_version.py` the user's run never sees. An `.ignore` file (which ruff, like ripgrep, reads anywhere)
        at the copy's root names them; a project that tracks an `.ignore` of its own gets none copied.
        """
        linked = tuple(name.strip("/") for name in links)
        wanted = [p for p in generated_files(self.root) if not any(p == n or p.startswith(f"{n}/") for n in linked)]
        try:
            before = [line for line in self.generated_file.read_text().splitlines() if line]
        except OSError:
            before = []
        if not wanted and not before:
            return
        # What the snapshot holds itself (a commit that tracks the file) is the checkout's, never replaced.
        asked = sorted({*before, *wanted, IGNORE_FILE})
        tracked = set(self._git("ls-files", "-z", "--", *asked).decode("utf-8", "surrogateescape").split("\0"))
        if IGNORE_FILE in tracked:
            wanted = []
        for path in sorted(set(before) - set(wanted)):
            if path not in tracked:
                (self.dir / path).unlink(missing_ok=True)
        brought = []
        for path in wanted:
            source, target = self.root / path, self.dir / path
            if path in tracked or target.is_symlink():
                continue
            try:
                data = source.read_bytes()
                if not (target.is_file() and target.read_bytes() == data):
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
            except OSError:
                continue  # gone or unreadable meanwhile: the check sees the copy without it
            brought.append(path)
        if IGNORE_FILE not in tracked:
            ignore = self.dir / IGNORE_FILE
            if brought:
                ignore.write_text("".join(f"/{path}\n" for path in brought))
            else:
                ignore.unlink(missing_ok=True)
        self.generated_file.write_text("".join(f"{path}\n" for path in brought))


def _healers(name: str) -> bool:
    return name == "shadow" or (name.startswith("sandbox-") and name[len("sandbox-") :].isdigit())
