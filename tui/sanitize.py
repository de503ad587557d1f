"""Stage output made safe to show: a stage's escape sequences must never reach the terminal the UI draws on.

Colours and cursor moves are removed with the core's own stripper (the same one
the parsers use, so the log reads like the diagnostics were read); any control
character left over is replaced by a visible mark. Very long lines are cut: one
minified file on a single line must not cost the UI megabytes per redraw.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from healer.diagnostics.ansi import strip_ansi

MAX_LINE = 2000
"""Characters of one line the UI keeps; the rest is counted, not shown."""

# C0 controls except tab (the log expands tabs), DEL, and C1 controls (0x9b is a one-byte CSI).
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_MARK = "\ufffd"


def clean_line(line: str) -> str:
    if "\x1b" in line or "\x9b" in line or "\r" in line:
        line = strip_ansi(line)
    line = _CONTROLS.sub(_MARK, line)
    if len(line) > MAX_LINE:
        line = f"{line[:MAX_LINE]} … ({len(line) - MAX_LINE} more characters)"
    return line


def clean_lines(lines: Iterable[str]) -> list[str]:
    return [clean_line(line) for line in lines]


def clean_text(text: str, last: int | None = None) -> list[str]:
    """A whole output as clean lines, or only its `last` lines (a cached result's output arrives this way)."""
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return clean_lines(lines if last is None else lines[-last:])
