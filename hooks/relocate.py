"""A hooks folder inside the work tree, and moving where git runs hooks from (`healer install --hooks-path`).

A project that keeps its hooks in a tracked folder (`core.hooksPath =
githooks`) would see healer's shims, and the hooks they move aside, in `git
status`, and could commit them for everyone. `--hooks-path DIR` installs in DIR
instead (the git directory's `hooks`, say) and points core.hooksPath there in
this clone's own configuration. Every hook of the old folder stays in effect:
DIR gets a two-line script for each that execs it where it is (so later edits
of the tracked scripts count, and each still finds its siblings through
`dirname "$0"`), and healer's shim runs the one it replaces first, as it does
any hook it finds.
The old value is kept in `healer.hooksPathBefore`; `healer uninstall` removes
the links and puts it back.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path

from healer.errors import HealerError
from healer.snapshot.git import git

BEFORE_KEY = "healer.hooksPathBefore"
NONE = "(none)"
"""`healer.hooksPathBefore` when core.hooksPath was not set in this clone's configuration."""

GIT_HOOKS = frozenset({
    "applypatch-msg", "pre-applypatch", "post-applypatch", "pre-commit", "pre-merge-commit", "prepare-commit-msg",
    "commit-msg", "post-commit", "pre-rebase", "post-checkout", "post-merge", "pre-push", "pre-receive", "update",
    "proc-receive", "post-receive", "post-update", "reference-transaction", "push-to-checkout", "pre-auto-gc",
    "post-rewrite", "sendemail-validate", "fsmonitor-watchman", "p4-changelist", "p4-prepare-changelist",
    "p4-post-changelist", "p4-pre-submit", "post-index-change",
})  # fmt: skip
"""The hook names of githooks(5): the files of a hooks folder git runs."""


LINK_LINE = "# healer-hooks-path v1: runs the hook git ran from here before `healer install --hooks-path`"
"""The second line of each script `move_hooks` writes: how `move_back` knows its own."""


def link_script(source: Path) -> str:
    """What DIR holds for a hook of the old folder: it runs that hook, with its own path as $0."""
    return f'#!/bin/sh\n{LINK_LINE}\nexec {shlex.quote(str(source))} "$@"\n'


def in_work_tree(root: Path, folder: Path) -> bool:
    """True when `folder` is inside the work tree and not ignored: what healer writes there shows in `git status`."""
    try:
        inside = folder.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    if inside.parts[:1] == (".git",):
        return False
    # check-ignore names the path when it is ignored (husky 9's `.husky/_` is), and prints nothing otherwise.
    probe = folder / "pre-commit"
    return not git(["check-ignore", "--no-index", "--", str(probe)], root, check=False).strip()


@dataclass(frozen=True)
class Moved:
    folder: Path
    """Where git runs hooks from now."""
    linked: tuple[str, ...]
    """The old folder's hooks, linked into the new one."""
    before: str
    """core.hooksPath before (NONE when this clone's configuration did not set it)."""
    woken: tuple[str, ...] = ()
    """Hooks that were already in the new folder, which git did not run before and runs now."""


def move_hooks(root: Path, old: Path, wanted: str) -> Moved | None:
    """Make git run hooks from `wanted` (relative to the work tree, as core.hooksPath is), keeping the old
    folder's hooks in effect; None when it already does."""
    target = (root / wanted).resolve()
    if target == old.resolve():
        return None
    if os.path.lexists(target) and not target.is_dir():
        raise HealerError(f"--hooks-path {wanted}: {target} is a file, not a folder")
    target.mkdir(parents=True, exist_ok=True)
    linked = []
    woken = tuple(
        name for name in sorted(os.listdir(target)) if name in GIT_HOOKS and os.access(target / name, os.X_OK)
    )
    for name in sorted(os.listdir(old)) if old.is_dir() else []:
        source = old / name
        if name not in GIT_HOOKS or not os.access(source, os.X_OK) or os.path.lexists(target / name):
            continue
        link = target / name
        link.write_text(link_script(source.resolve()))
        link.chmod(0o755)
        linked.append(name)
    before = git(["config", "--local", "--get", "core.hooksPath"], root, check=False).decode().strip() or NONE
    if not git(["config", "--local", "--get", BEFORE_KEY], root, check=False).strip():
        git(["config", "--local", BEFORE_KEY, before], root)
    git(["config", "--local", "core.hooksPath", str(target)], root)
    return Moved(target, tuple(linked), before, woken)


def _reads(path: Path) -> str | None:
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError):
        return None


def move_back(root: Path, folder: Path) -> str | None:
    """Undo `move_hooks` once healer's hooks are removed from `folder`: the links go, core.hooksPath is put
    back. The value put back (NONE: unset), or None when healer never moved the hooks."""
    before = git(["config", "--local", "--get", BEFORE_KEY], root, check=False).decode().strip()
    if not before:
        return None
    for name in sorted(os.listdir(folder)) if folder.is_dir() else []:
        link = folder / name
        text = _reads(link) if name in GIT_HOOKS and not link.is_symlink() else None
        if text is not None and text.split("\n")[1:2] == [LINK_LINE]:
            link.unlink()
    if before == NONE:
        git(["config", "--local", "--unset", "core.hooksPath"], root, check=False)
    else:
        git(["config", "--local", "core.hooksPath", before], root)
    git(["config", "--local", "--unset", BEFORE_KEY], root, check=False)
    return before
