"""Failures as a reviewer reads them: grouped by file, each with the code around it from the working tree."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from healer.diagnostics.model import Diagnostic

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


def describe_history(history: dict[str, object] | None, here: str) -> list[str]:
    """The knowledge base's memory of a failure (see `fingerprint_history`), in a few lines."""
    from healer.commands.history import when

    if history is None:
        return ["history: the knowledge base is not available"]
    runs = int(str(history.get("runs") or 0))
    if runs <= 1:
        lines = ["history: first time seen"]
    else:
        first = history.get("first_seen")
        since = f" since {when(float(str(first)))}" if first is not None else ""
        repos = int(str(history.get("repos") or 1))
        where = f" in {repos} repositories" if repos > 1 else ""
        lines = [f"history: seen in {runs} runs{where}{since}"]
    fixes = history.get("fixes")
    if isinstance(fixes, list) and fixes:
        lines.append("fixed before:")
        for fix in fixes:
            origin = f"{fix['source']} {fix['origin']}"
            elsewhere = "" if fix["repo"] == here else f" in {fix['repo']}"
            title = fix["title"] or fix["patch_id"]
            lines.append(f"  {fix['decision']} {when(fix['time'])} via {fix['via']}{elsewhere}: {title} ({origin})")
    elif runs > 1:
        lines.append("no fix for it was ever applied")
    return lines


class FailureDetail(NamedTuple):
    code: list[object]
    """Rich renderables: the excerpt with line numbers, or why there is none."""
    history: list[str]


def failure_detail(root: Path, diagnostic: Diagnostic) -> FailureDetail:
    """The code around a failure and its history (call in a worker: reads files and the knowledge base)."""
    from rich.text import Text

    code: list[object] = []
    if diagnostic.file:
        found = excerpt(root, diagnostic.file, diagnostic.line)
        if isinstance(found, str):
            code.append(Text(found, style="italic"))
        else:
            code.extend(_numbered(found))
    return FailureDetail(code, _history(diagnostic.fingerprint, str(root)))


def _numbered(found: Excerpt) -> list[object]:
    from rich.text import Text

    from healer.tui.highlight import highlight_lines

    highlighted = highlight_lines("\n".join(found.lines), found.path)
    width = len(str(found.first + len(found.lines)))
    out: list[object] = []
    for offset, line in enumerate(highlighted[: len(found.lines)]):
        number = found.first + offset
        marked = number == found.line
        gutter = Text(f"{'▶' if marked else ' '} {number:>{width}} │ ", style="bold" if marked else "dim")
        row = Text.assemble(gutter, line)
        if marked:
            row.stylize("on #3a3a10")
        out.append(row)
    return out


def _history(fingerprint: str, here: str) -> list[str]:
    import sqlite3

    from healer.errors import HealerError
    from healer.kb.history import fingerprint_history
    from healer.kb.store import Store

    try:
        with Store() as store:
            return describe_history(fingerprint_history(store, fingerprint), here)
    except (HealerError, OSError, sqlite3.Error) as error:
        return [f"history: the knowledge base cannot be read ({error})"]
