"""Git-ignored files a project's packages need to import: generated modules, built extensions, catalogues.

healer's copies hold the snapshot's tracked content only, so a package whose `_version.py` is
written by its build (setuptools-scm, versioneer), whose extension modules are compiled in place,
or whose `.mo` catalogues are compiled from tracked `.po` files could not even be imported
there: every fix of such a project failed verification (6 of 74 measured cases). The files the
working tree has inside a package and git ignores, of the kinds an import reads, are copied (not
linked: a stage writing one must not reach the user's file) into each copy when it is checked
out, and the ones gone from the working tree are removed again.

Caches and build folders (`__pycache__`, `*.egg-info`, `build/`) are left out, as is anything
above a size limit: a copy is for checking, not a second virtualenv.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from healer.snapshot.git import git

SUFFIXES = frozenset({".py", ".pyi", ".so", ".pyd", ".dylib", ".dll", ".mo", ".json", ".pem"})
"""What an import reads from inside a package: modules, extension modules, catalogues, package data."""
SKIPPED_FOLDERS = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", "build", "dist"})
MAX_TOTAL_BYTES = 64 * 1024 * 1024
"""Beyond this the rest are left out: a project that generates more is better served by `link`."""


def generated_files(root: Path) -> list[str]:
    """Repository paths of ignored files inside the work tree's Python packages that an import may read."""
    listed = git(["ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"], root)
    found: list[str] = []
    total = 0
    for entry in listed.decode("utf-8", "surrogateescape").split("\0"):
        if not entry or not _in_package(root, entry.rstrip("/")):
            continue
        for path in _files(root, entry):
            size = _size(root / path)
            if size is None or total + size > MAX_TOTAL_BYTES:
                continue
            total += size
            found.append(path)
    return sorted(found)


def _files(root: Path, entry: str) -> Iterator[str]:
    """The wanted files of one listed entry: the file itself, or those of an ignored folder inside a package."""
    if not entry.endswith("/"):
        if _wanted(entry):
            yield entry
        return
    folder = entry.rstrip("/")
    if _skipped(folder):
        return
    for current, folders, files in os.walk(root / folder):
        folders[:] = [name for name in folders if name not in SKIPPED_FOLDERS and not name.endswith(".egg-info")]
        relative = os.path.relpath(current, root).replace(os.sep, "/")
        for name in files:
            path = f"{relative}/{name}"
            if _wanted(path):
                yield path


def _wanted(path: str) -> bool:
    return os.path.splitext(path)[1] in SUFFIXES and not _skipped(path.rsplit("/", 1)[0] if "/" in path else "")


def _skipped(folder: str) -> bool:
    return any(
        part in SKIPPED_FOLDERS or part.endswith(".egg-info") or part.startswith(".") for part in folder.split("/")
    )


def _in_package(root: Path, path: str) -> bool:
    """Whether a folder above `path` (below the root) is a Python package."""
    parts = path.split("/")[:-1]
    return any((root.joinpath(*parts[:end]) / "__init__.py").is_file() for end in range(1, len(parts) + 1))


def _size(path: Path) -> int | None:
    try:
        info = path.lstat()
    except OSError:
        return None
    return info.st_size if path.is_file() and not path.is_symlink() else None
