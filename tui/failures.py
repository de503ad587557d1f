"""Failures as a reviewer reads them: grouped by file, each with the code around it from the working tree."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from healer.diagnostics.diagnostic import Diagnostic

RADIUS = 4
"""Lines of code shown above and below a diagnostic's line."""
MAX_FILE_BYTES = 4 * 1024 * 1024


class FileGroup(NamedTuple):
    file: str | None
    """Relative to the repository; None for failures that name no file (a crash, a timeout)."""
    diagnostics: tuple[Diagnostic, ...]


def group_by_file(diagnostics: Iterable[Diagnostic]) -> list[FileGroup]:
    """Files in path order (failures without a file last), each file's failures by line."""
    groups: dict[str | None, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        groups.setdefault(diagnostic.file, []).append(diagnostic)
    ordered = sorted(groups, key=lambda name: (name is None, name or ""))
    return [
        FileGroup(name, tuple(sorted(groups[name], key=lambda d: (d.line or 0, d.column or 0, d.stage))))
        for name in ordered
    ]


class Excerpt(NamedTuple):
    path: str
    first: int
    """The 1-based number of the first line in `lines`."""
    lines: tuple[str, ...]
    line: int | None
    """The diagnostic's line, to mark."""


def excerpt(root: Path, path: str, line: int | None, radius: int = RADIUS) -> Excerpt | str:
    """The code around `line`, as it is in the working tree now; or why it cannot be shown."""
    target = root / path
    try:
        if not target.is_file():
            return f"{path} is not in the working tree any more (deleted or moved since the check)"
        if target.stat().st_size > MAX_FILE_BYTES:
            return f"{path} is too large to show here"
        data = target.read_bytes()
    except OSError as error:
        return f"cannot read {path}: {error.strerror}"
    if b"\0" in data[:8192]:
        return f"{path} is a binary file"
    lines = data.decode("utf-8", "replace").splitlines()
    if line is None or line < 1:
        return Excerpt(path, 1, tuple(lines[: 2 * radius + 1]), None)
    if line > len(lines):
        return f"{path} has {len(lines)} lines now; line {line} is gone (the file changed since the check)"
    first = max(1, line - radius)
    return Excerpt(path, first, tuple(lines[first - 1 : line + radius]), line)
