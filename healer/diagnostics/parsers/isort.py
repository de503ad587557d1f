"""isort's `--check-only` and `--diff` reports: the files whose imports it would sort.

Each such file is `ERROR: PATH Imports are incorrectly sorted and/or
formatted.` on stderr (even with `-q`); `--diff` adds a unified diff whose
headers are `--- PATH:before` and `+++ PATH:after`, each with a timestamp. A
file it cannot read is a warning (`Unable to parse file PATH due to REASON`)
and does not fail the check.
"""

from __future__ import annotations

import re

from healer.diagnostics.diagnostic import Finding
from healer.diagnostics.parsers._lines import diffed_file, lines

TOOL = "isort"
UNSORTED = "unsorted-imports"
"""A file isort would change: its own fixer (`isort FILE`) is the fix."""
PARSE_ERROR = "parse-error"
UNSORTED_MESSAGE = "Imports are incorrectly sorted and/or formatted."

_ERROR = re.compile(r"ERROR: (?P<file>.+) Imports are incorrectly sorted and/or formatted\.")
_STAMP = r"\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?"
_DIFF_OLD = re.compile(rf"--- (?P<file>.+):before{_STAMP}")
_DIFF_NEW = re.compile(rf"\+\+\+ (?P<file>.+):after{_STAMP}")
# Python's warning line: `sys:1: UserWarning: ...` or `/…/isort/main.py:107: UserWarning: ...`.
_UNREADABLE = re.compile(r"(?:.*: )?UserWarning: Unable to parse file (?P<file>.+?) due to (?P<reason>.+)")


def parse(text: str) -> list[Finding]:
    rows = lines(text)
    findings: list[Finding] = []
    seen: set[Finding] = set()
    for index, row in enumerate(rows):
        finding = _unsorted(rows, index) or _unreadable(row)
        if finding is not None and finding not in seen:
            seen.add(finding)  # --diff names a file in its diff and in its ERROR line: one problem
            findings.append(finding)
    return findings


def _unsorted(rows: list[str], index: int) -> Finding | None:
    row = rows[index]
    error = _ERROR.fullmatch(row)
    if error is not None:
        return Finding(tool=TOOL, message=UNSORTED_MESSAGE, file=error["file"], code=UNSORTED)
    diffed = diffed_file(rows, index, _DIFF_OLD, _DIFF_NEW)
    if diffed is not None:
        return Finding(tool=TOOL, message=UNSORTED_MESSAGE, file=diffed, code=UNSORTED)
    return None


def _unreadable(row: str) -> Finding | None:
    match = _UNREADABLE.fullmatch(row)
    if match is None:
        return None
    return Finding(
        tool=TOOL,
        message=f"Unable to parse file: {match['reason']}",
        file=match["file"],
        code=PARSE_ERROR,
        severity="warning",
    )
