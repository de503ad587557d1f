"""Helpers shared by the parsers: bounded line iteration and library-path detection."""

from __future__ import annotations

import re

MAX_LINE = 8192
"""Longer lines are data dumps, not diagnostics; skipping them keeps every regex cheap."""


def lines(text: str) -> list[str]:
    """The text's lines, with overlong ones replaced by empty lines so indexes still line up."""
    return [line if len(line) <= MAX_LINE else "" for line in text.splitlines()]


_LIBRARY = re.compile(
    r"[/\\](?:site|dist)-packages[/\\]"
    r"|[/\\]lib[/\\](?:pypy|python)\d*(?:\.\d+)?[/\\]"
    r"|[/\\]Lib[/\\]"
    r"|^<"
)


def is_library_path(path: str) -> bool:
    """True for installed packages, the standard library and pseudo files like `<frozen os>`.

    Their frames explain how an error surfaced, not where the user's code is wrong.
    """
    return _LIBRARY.search(path) is not None


def innermost_own_frame(frames: list[tuple[str, int]]) -> tuple[str, int] | None:
    """The deepest frame in the user's code, else the deepest frame at all."""
    for frame in reversed(frames):
        if not is_library_path(frame[0]):
            return frame
    return frames[-1] if frames else None


def diffed_file(rows: list[str], index: int, old: re.Pattern[str], new: re.Pattern[str]) -> str | None:
    """The file a unified diff's header at `rows[index]` names (its `---` and `+++` lines agree), else None.

    `old` and `new` match the two header lines with a `file` group; formatters dress them differently.
    """
    before = old.fullmatch(rows[index])
    if before is None or index + 1 >= len(rows):
        return None
    after = new.fullmatch(rows[index + 1])
    return before["file"] if after is not None and after["file"] == before["file"] else None
