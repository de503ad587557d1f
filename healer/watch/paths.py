"""Which file-system events are changes to the content a check reads.

The content is what `healer run` hashes for its cache keys: the files git
lists in the working tree (tracked, and untracked but not ignored). So an
event counts when git would list its path; everything under `.git` (healer's
own state lives in `.git/healer`) and everything git ignores does not.

Git answers for a whole burst of events at once (one `ls-files`, plus one
`check-ignore` when untracked files were deleted), so a `.gitignore` edited a
moment ago is already in effect for the next event, and nothing is cached
that could go stale.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

from healer.snapshot.git import GitError, git

ADDED, MODIFIED, DELETED = 1, 2, 3
"""watchfiles' change kinds."""

TOOL_CACHES = frozenset(
    {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis", ".tox", ".nox", ".git"}
)
"""Folders tools write while a stage runs. Ignored even when a repository forgets to git-ignore them:
otherwise a stage's own byproducts would rerun it, forever."""

# Editor artefacts (swap files, backups, lock links), as watchfiles' DefaultFilter knows them.
_EDITOR = re.compile(r"\.sw.$|~$|^\.#|^#.*#$|^\.DS_Store$|^flycheck_|\.___jb_\w+___$")

MANY_PATHS = 1000
"""Beyond this many paths, list the whole tree once rather than pass every path to git."""


def repo_path(root: str, raw: str) -> str | None:
    """`raw` (an absolute path from the watcher) as a repository path, or None if it can never matter."""
    if not raw.startswith(root + os.sep):
        return None
    path = raw[len(root) + 1 :].replace(os.sep, "/")
    return path if _counts(path) else None


def _counts(path: str) -> bool:
    parts = path.split("/")
    return not any(part in TOOL_CACHES for part in parts) and not _EDITOR.search(parts[-1])


def content_changes(root: Path, events: Iterable[tuple[int, str]]) -> set[str]:
    """The repository paths of files whose content (or existence) the events changed, git-ignored ones left out.

    A folder that appeared (moved in, unpacked) stands for the files in it. A file that
    appeared and vanished within one burst (an editor's write test) changed nothing.
    """
    kinds: dict[str, set[int]] = {}
    top = str(root)
    for kind, raw in events:
        path = repo_path(top, raw)
        if path is not None:
            kinds.setdefault(path, set()).add(kind)
    present: list[str] = []
    gone: list[str] = []
    for path, seen in kinds.items():
        full = root / path
        if full.is_dir() and not full.is_symlink():
            if ADDED in seen:
                present.append(path)  # its files: git lists them below
        elif os.path.lexists(full):
            present.append(path)
        else:
            gone.append(path)
    if not present and not gone:
        return set()
    listed = _listed(root, [*present, *gone])
    changed = {path for path in listed if _counts(path)}  # a new folder's files include tools' caches
    untracked_gone = [
        path for path in gone
        if path not in listed and not _has_prefix(listed, path) and ADDED not in kinds[path]
    ]  # fmt: skip
    if untracked_gone:
        ignored = _ignored(root, untracked_gone)
        changed.update(path for path in untracked_gone if path not in ignored)
    return changed


def _has_prefix(listed: Mapping[str, None], folder: str) -> bool:
    prefix = folder + "/"
    return any(path.startswith(prefix) for path in listed)


def _listed(root: Path, paths: list[str]) -> dict[str, None]:
    """Of `paths` (and the files under those that are folders): what git lists in the working tree.

    That is tracked files (even deleted ones: the index still has them) and untracked files git
    does not ignore. `--literal-pathspecs`: a file named `*.py` is that file, not a glob.
    """
    args = ["--literal-pathspecs", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    if len(paths) <= MANY_PATHS:
        try:
            out = git([*args, "--", *paths], root)
            return {os.fsdecode(raw): None for raw in out.split(b"\0") if raw}
        except GitError:
            pass  # a path inside a submodule makes git refuse them all: sort them from the whole listing
    wanted = set(paths)
    found: dict[str, None] = {}
    for raw in git(args, root).split(b"\0"):
        path = os.fsdecode(raw)
        if path and (path in wanted or any(parent in wanted for parent in _parents(path))):
            found[path] = None
    return found


def _parents(path: str) -> Iterable[str]:
    end = path.rfind("/")
    while end > 0:
        yield path[:end]
        end = path.rfind("/", 0, end)


def _ignored(root: Path, paths: list[str]) -> set[str]:
    """Which of these vanished paths git ignores. A vanished folder cannot be told from a file, so
    each is asked both ways (`build` and `build/`): a pattern like `build/` matches only folders."""

    names = b"".join(os.fsencode(path) + b"\0" + os.fsencode(path) + b"/\0" for path in paths)
    try:
        done = subprocess.run(
            ["git", "check-ignore", "-z", "--stdin"],  # paths on stdin are taken literally
            cwd=root, input=names, capture_output=True, check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
        )  # fmt: skip
    except OSError:
        return set()
    # Exit code 1 means none of them is ignored; anything else leaves them all counted.
    return {os.fsdecode(raw).rstrip("/") for raw in done.stdout.split(b"\0") if raw}
