"""add-init: create the missing `__init__.py` that breaks imports or pytest's collection.

Three situations, all read from the files the project actually has:
- `No module named 'pkg.sub'` where pkg/sub/ holds .py files but no `__init__.py` while its
  parent is a regular package (packaging tools skip such a folder, so the installed copy lacks it);
- `No module named 'tests'` (or any local package) under pytest: in its default import mode pytest
  puts on sys.path the first folder above a test file that is not a package, so a test in tests/
  without `__init__.py` cannot import `tests.helpers`; the test file's folders become packages;
- pytest's "import file mismatch" (two test files with one basename in folders without
  `__init__.py`): both folders become packages, so the modules get distinct dotted names.
The repository root never gets an `__init__.py`. A module that does not exist locally, or whose
folders are all packages already, is a different problem: None.
"""

from __future__ import annotations

import posixpath
import re
import sys

from healer.diagnostics.paths import relative_to_root
from healer.patch.patch import FileEdit
from healer.rules.context import ActionContext
from healer.rules.outcome import Proposal

_MISSING = re.compile(r"No module named '(?P<module>[\w.]+)'")
_MISMATCH = re.compile(
    r"imported module '[\w.]+' has this __file__ attribute:\s*\n\s*(?P<first>\S[^\n]*?)\s*\n"
    r"which is not the same as the test file we want to collect:\s*\n\s*(?P<second>\S[^\n]*?)\s*$",
    re.MULTILINE,
)


def run(ctx: ActionContext) -> Proposal | None:
    paths = set(ctx.paths())
    folders = _for_missing_module(ctx, paths) or _for_mismatch(ctx, paths)
    if not folders:
        return None
    edits = tuple(FileEdit(path=f"{folder}/__init__.py", before=None, after=b"") for folder in folders)
    return Proposal(title="create " + ", ".join(edit.path for edit in edits), edits=edits)


def _for_missing_module(ctx: ActionContext, paths: set[str]) -> list[str]:
    match = _MISSING.search(ctx.diagnostic.message)
    if match is None:
        return []
    parts = match["module"].split(".")
    if parts[0] in sys.stdlib_module_names:
        return []
    for base in ("", "src/"):
        location = base + "/".join(parts)
        if not (f"{location}.py" in paths or _is_folder(location, paths)):
            continue
        folders = _unpackaged_chain(base, parts, paths)
        if not base and ctx.diagnostic.tool == "pytest":
            folders += [f for f in _importer_folders(ctx.diagnostic.file, paths) if f not in folders]
        return folders
    return []


def _unpackaged_chain(base: str, parts: list[str], paths: set[str]) -> list[str]:
    """Folders on the module's own path with .py files but no `__init__.py`, below a regular package."""
    folders: list[str] = []
    for depth in range(1, len(parts)):
        parent, folder = base + "/".join(parts[:depth]), base + "/".join(parts[: depth + 1])
        if not _is_folder(folder, paths):
            break
        if f"{parent}/__init__.py" in paths and not _is_package(folder, paths) and _holds_python(folder, paths):
            folders.append(folder)
    return folders


def _importer_folders(importer: str | None, paths: set[str]) -> list[str]:
    """The importing test file's folders, up to the root, that are not packages yet."""
    if importer is None or importer.startswith(("/", "<", "..")) or importer not in paths:
        return []
    folders: list[str] = []
    folder = posixpath.dirname(importer)
    while folder:
        if not _is_package(folder, paths):
            folders.append(folder)
        folder = posixpath.dirname(folder)
    return folders


def _for_mismatch(ctx: ActionContext, paths: set[str]) -> list[str]:
    folders: list[str] = []
    for match in _MISMATCH.finditer(ctx.output):
        files = [relative_to_root(match[key], root=ctx.root, cwd=ctx.root) for key in ("first", "second")]
        if ctx.diagnostic.file not in (None, *files):
            continue  # Another collection error's mismatch.
        for file in files:
            folder = posixpath.dirname(file)
            inside = file in paths and not file.startswith(("/", ".."))
            if inside and folder and not _is_package(folder, paths) and folder not in folders:
                folders.append(folder)
    return folders


def _is_folder(folder: str, paths: set[str]) -> bool:
    prefix = folder + "/"
    return any(path.startswith(prefix) for path in paths)


def _is_package(folder: str, paths: set[str]) -> bool:
    return f"{folder}/__init__.py" in paths


def _holds_python(folder: str, paths: set[str]) -> bool:
    prefix = folder + "/"
    return any(path.startswith(prefix) and path.endswith(".py") for path in paths)
