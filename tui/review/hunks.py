"""A file's changes as review hunks, and splitting a hunk into its separate changes (`s` in `git add -p`).

A review hunk records which *changes* it holds: the hunks the core's diff makes
with no context lines at all (`file_hunks(edit, 0)`), one per run of removed
and added lines. The hunks shown (three lines of context, as git shows them)
are groups of those changes; splitting a hunk shows each change alone; and
whatever the reviewer keeps is handed to `select_hunks(edit, changes, 0)`,
which rebuilds the file exactly. The numbering is checked against the core's
own, so a split can never select a different change than the one shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from healer.patch.diff import NO_NEWLINE, file_hunks
from healer.patch.patch import FileEdit

CONTEXT = 3
_HEADER = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class ReviewHunk:
    path: str
    changes: tuple[int, ...]
    """Numbers of the changes this hunk holds, as `file_hunks(edit, context)` numbers them for `context`."""
    context: int
    """0 normally; CONTEXT when the change numbering could not be matched (then hunks cannot be split)."""
    header: str
    lines: tuple[str, ...]
    whole_file: str | None = None
    """For an edit with no lines to show (an empty file created or deleted): what it does."""

    @property
    def splittable(self) -> bool:
        return len(self.changes) > 1 and self.context == 0

    def line_numbers(self) -> list[tuple[int | None, int | None]]:
        """For each of `lines`: its line number before and after (None on the side it is not on)."""
        old, new = _starts(self.header)
        numbers: list[tuple[int | None, int | None]] = []
        for line in self.lines:
            kind = line[:1]
            if kind == " ":
                numbers.append((old, new))
                old, new = old + 1, new + 1
            elif kind == "-":
                numbers.append((old, None))
                old += 1
            elif kind == "+":
                numbers.append((None, new))
                new += 1
            else:
                numbers.append((None, None))
        return numbers


def _starts(header: str) -> tuple[int, int]:
    """The line numbers (from 1) where a hunk's old and new sides begin."""
    match = _HEADER.match(header)
    if match is None:
        return 1, 1
    old, old_len, new, new_len = match.groups()
    # "-5,0" means "after line 5": the next line is 6.
    old_start = int(old) + (1 if old_len == "0" else 0)
    new_start = int(new) + (1 if new_len == "0" else 0)
    return old_start, new_start


def _runs(lines: tuple[str, ...]) -> list[tuple[int, int]]:
    """[start, end) of each run of removed/added lines; a no-newline marker belongs to the line before it."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for index, line in enumerate(lines):
        kind = line[:1]
        if kind in ("-", "+"):
            if start is None:
                start = index
        elif kind == " " and start is not None:
            runs.append((start, index))
            start = None
    if start is not None:
        runs.append((start, len(lines)))
    return runs


def _whole_file(edit: FileEdit) -> str:
    if edit.before is None:
        return "creates this file, empty"
    if edit.after is None:
        return "deletes this file (it is empty)"
    return "changes this file"


def hunks_of(edit: FileEdit) -> list[ReviewHunk]:
    """The hunks to review for one file's edit (none if it changes nothing)."""
    if edit.before == edit.after:
        return []
    shown = file_hunks(edit, CONTEXT)
    if not shown:
        return [ReviewHunk(edit.path, (0,), CONTEXT, "", (), whole_file=_whole_file(edit))]
    runs = [_runs(hunk.lines) for hunk in shown]
    if sum(len(r) for r in runs) != len(file_hunks(edit, 0)):
        # Never guess which change is which: without a match, review whole hunks only.
        return [ReviewHunk(edit.path, (hunk.index,), CONTEXT, hunk.header, hunk.lines) for hunk in shown]
    hunks: list[ReviewHunk] = []
    first = 0
    for hunk, found in zip(shown, runs, strict=True):
        changes = tuple(range(first, first + len(found)))
        first += len(found)
        hunks.append(ReviewHunk(edit.path, changes, 0, hunk.header, hunk.lines))
    return hunks


def _range(first: int, length: int) -> str:
    # As the core (and git) write it: "7" for one line, "6,0" for none after line 6.
    if length == 1:
        return f"{first}"
    if length == 0:
        return f"{first - 1},0"
    return f"{first},{length}"


def split(hunk: ReviewHunk) -> list[ReviewHunk]:
    """Each change of `hunk` as its own hunk, with the context lines around it; [hunk] if it holds one change."""
    if not hunk.splittable:
        return [hunk]
    runs = _runs(hunk.lines)
    numbers = hunk.line_numbers()
    old_start, new_start = _starts(hunk.header)
    pieces: list[ReviewHunk] = []
    for change, (start, end) in zip(hunk.changes, runs, strict=True):
        begin = start
        while begin > 0 and start - begin < CONTEXT and hunk.lines[begin - 1][:1] == " ":
            begin -= 1
        stop = end
        taken = 0
        while stop < len(hunk.lines) and hunk.lines[stop][:1] in (" ", "\\") and taken < CONTEXT:
            taken += hunk.lines[stop][:1] == " "
            stop += 1
        # A no-newline marker after the last context line taken belongs with it.
        if stop < len(hunk.lines) and hunk.lines[stop] == NO_NEWLINE:
            stop += 1
        lines = hunk.lines[begin:stop]
        old = _first_number(numbers[begin:stop], 0, _next_number(numbers, begin, 0, old_start))
        new = _first_number(numbers[begin:stop], 1, _next_number(numbers, begin, 1, new_start))
        old_len = sum(line[:1] in (" ", "-") for line in lines)
        new_len = sum(line[:1] in (" ", "+") for line in lines)
        header = f"@@ -{_range(old, old_len)} +{_range(new, new_len)} @@"
        pieces.append(ReviewHunk(hunk.path, (change,), 0, header, lines))
    return pieces


def _first_number(numbers: list[tuple[int | None, int | None]], side: int, default: int) -> int:
    for pair in numbers:
        if pair[side] is not None:
            value = pair[side]
            assert value is not None
            return value
    return default


def _next_number(numbers: list[tuple[int | None, int | None]], index: int, side: int, start: int) -> int:
    """The line number on `side` that the line at `index` would have: for a piece with nothing on that side."""
    value = start
    for pair in numbers[:index]:
        if pair[side] is not None:
            value = (pair[side] or 0) + 1
    return value
