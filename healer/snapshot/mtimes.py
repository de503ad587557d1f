"""Keeping a rewritten file's modification time apart from the one it had, to the second.

Python's bytecode cache and mypy's incremental cache trust a source file whose
size and whole-second mtime are what they recorded. healer rewrites files in its
copies (a candidate fix, then the original back) within a second, often with the
same size (`itmes` -> `items`): without this, a test would run the old bytecode
and mypy would report the old error, or, worse, the fixed content would be taken
for the original in the next verification.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

_SECOND = 1_000_000_000


def mtimes(root: Path, paths: Iterable[str]) -> dict[str, int | None]:
    """Each path's mtime in nanoseconds now (None when it does not exist), before it is rewritten."""
    found: dict[str, int | None] = {}
    for path in paths:
        try:
            found[path] = os.lstat(root / path).st_mtime_ns
        except OSError:
            found[path] = None
    return found


def keep_apart(root: Path, before: dict[str, int | None]) -> list[str]:
    """Move each rewritten file's mtime to the second after its old one where it is not later than that.

    Returns the files moved: an index that recorded their stat must be refreshed, or git would take
    them for modified and write them again (in the same second as some cache saw them).
    """
    moved: list[str] = []
    for path, old in before.items():
        if old is None:
            continue
        target = root / path
        try:
            status = os.lstat(target)
        except OSError:
            continue
        # Strictly later than before, to the second (also when `before` was moved ahead already): every
        # state a cache may have seen has an earlier second.
        if status.st_mtime_ns // _SECOND <= old // _SECOND and not os.path.islink(target):
            later = (old // _SECOND + 1) * _SECOND
            os.utime(target, ns=(status.st_atime_ns, later))
            moved.append(path)
    return moved
