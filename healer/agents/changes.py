"""What an agent changed in its copy: the copy is scanned before it starts and after it ends, and the difference
becomes the edits of its patch.

Only what a person would commit counts: files of the snapshot it changed or
deleted, and new files git would not ignore (an agent's `__pycache__`, a
`.pytest_cache` or a virtualenv it made are left out by the repository's own
ignore rules). What no patch can carry is said instead of taken: a symlink
it made or changed, a change too large to review. The copy is read without
following links, so a link cannot make healer read a file outside it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import NamedTuple

from healer.patch.patch import FileEdit

Stamp = tuple[int, int, int, int]
"""(mode, size, modification time in ns, inode): a file whose stamp is unchanged was not written."""
SKIPPED = frozenset({".git"})


class Scan(NamedTuple):
    files: dict[str, Stamp]
    links: dict[str, str]
    """Symlinks, to where they point."""


class Changes(NamedTuple):
    edits: tuple[FileEdit, ...]
    problems: tuple[str, ...] = ()
    """Why the change cannot be a patch, one line each (nothing of it is kept then)."""
    deleted: tuple[str, ...] = ()


def scan(folder: Path, skip: Collection[str] = ()) -> Scan:
    """Every file and link under `folder` (not inside `.git`, nor inside the paths in `skip`: the links healer
    made to a virtualenv)."""
    files: dict[str, Stamp] = {}
    links: dict[str, str] = {}
    root = str(folder)
    for here, dirs, names in os.walk(root):
        relative = os.path.relpath(here, root)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        kept = []
        for name in dirs:
            path = prefix + name
            if os.path.islink(os.path.join(here, name)):
                links[path] = os.readlink(os.path.join(here, name))
            elif name not in SKIPPED and prefix + name not in skip:
                kept.append(name)
        dirs[:] = kept
        for name in names:
            full = os.path.join(here, name)
            info = os.lstat(full)
            if stat.S_ISLNK(info.st_mode):
                links[prefix + name] = os.readlink(full)
            elif stat.S_ISREG(info.st_mode):
                files[prefix + name] = (info.st_mode, info.st_size, info.st_mtime_ns, info.st_ino)
    return Scan(files, links)


def changes(
    folder: Path,
    before: Scan,
    original: Path,
    tracked: Collection[str],
    ignored: Callable[[Sequence[str]], set[str]],
    *,
    skip: Collection[str] = (),
    also: Collection[str] = (),
    max_files: int = 50,
    max_bytes: int = 1 << 20,
) -> Changes:
    """The edits that turn `original` (the content the copy was made from; `tracked` its files) into what the
    copy holds now; `ignored` says which new paths the repository ignores; `also` are paths written before `before`
    was scanned (the fix an agent continues from), which count whether or not it touched them again."""
    after = scan(folder, skip)
    problems = [
        f"it made a symlink {path} -> {target} (a patch cannot carry links)"
        for path, target in sorted(after.links.items())
        if before.links.get(path) != target and path not in skip
    ]
    problems += [f"it removed the symlink {path} (a patch cannot carry links)" for path in sorted(before.links)
                 if path not in after.links and path not in skip]  # fmt: skip
    touched = [path for path, stamp in after.files.items() if before.files.get(path) != stamp]
    touched += [path for path in also if path in after.files and path not in touched]
    new = [path for path in touched if path not in tracked and (path not in before.files or path in also)]
    new_kept = set(new) - ignored(new) if new else set()
    edits: list[FileEdit] = []
    for path in sorted(touched):
        if path in tracked:
            old = _read(original / path)
            now = _read(folder / path)
            if old != now:
                edits.append(FileEdit(path, old, now))
        elif path in new_kept:
            edits.append(FileEdit(path, None, _read(folder / path)))
    deleted = sorted(path for path in tracked if (path in before.files or path in also) and path not in after.files)
    edits += [FileEdit(path, _read(original / path), None) for path in deleted]
    if len(edits) > max_files:
        problems.append(f"it changed {len(edits)} files, more than the {max_files} a reviewable fix changes")
    size = sum(len(edit.after or b"") for edit in edits)
    if size > max_bytes * max(1, max_files // 10):
        problems.append(f"its changes hold {size} bytes, too many to review")
    return Changes(tuple(edits), tuple(dict.fromkeys(problems)), tuple(deleted))


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
