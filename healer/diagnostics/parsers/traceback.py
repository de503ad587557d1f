"""Python tracebacks, including the header-less form of SyntaxError and IndentationError.

The place reported is the innermost frame in the user's own code: a crash
inside `json` or an installed package is almost always caused by the caller.
Of a chain ("The above exception was the direct cause ..."), only the last
exception is reported; the earlier ones are its explanation.
"""

from __future__ import annotations

import re

from healer.diagnostics.diagnostic import Finding
from healer.diagnostics.parsers._lines import innermost_own_frame, lines

TOOL = "python"

_HEADER = "Traceback (most recent call last):"
_FRAME = re.compile(r' +File "(?P<file>[^"]+)", line (?P<line>\d+)(?P<function>, in .*)?')
_EXCEPTION = re.compile(r"(?P<type>[A-Za-z_][\w.]*)(?:: ?(?P<message>.*))?")
_CHAIN = (
    "The above exception was the direct cause of the following exception:",
    "During handling of the above exception, another exception occurred:",
)
_DID_YOU_MEAN = re.compile(r"(?P<message>.*?)\.? Did you mean: '(?P<name>[^']+)'\?")


def parse(text: str) -> list[Finding]:
    rows = lines(text)
    findings: list[Finding] = []
    index = 0
    while index < len(rows):
        row = rows[index]
        starts = row.strip() == _HEADER
        # SyntaxError raised while compiling the main script has no header,
        # only a frame without `, in function`.
        if not starts and ((frame := _FRAME.fullmatch(row)) is None or frame["function"]):
            if row.strip() in _CHAIN and findings:
                findings.pop()  # The exception that follows supersedes it.
            index += 1
            continue
        index, finding = _read_block(rows, index + 1 if starts else index)
        if finding is not None:
            findings.append(finding)
    return findings


def _read_block(rows: list[str], index: int) -> tuple[int, Finding | None]:
    frames: list[tuple[str, int]] = []
    while index < len(rows):
        row = rows[index]
        index += 1
        if not row or row[0].isspace():
            frame = _FRAME.fullmatch(row)
            if frame is not None:
                frames.append((frame["file"], int(frame["line"])))
            continue  # Source excerpts and carets.
        exception = _EXCEPTION.fullmatch(row)
        if exception is None or not frames:
            return index - 1, None
        return index, _finding(exception, frames)
    return index, None


def _finding(exception: re.Match[str], frames: list[tuple[str, int]]) -> Finding:
    kind = exception["type"]
    message = (exception["message"] or "").strip() or kind
    suggestion = None
    hint = _DID_YOU_MEAN.fullmatch(message)
    if hint is not None:
        message, suggestion = hint["message"], hint["name"]
    place = innermost_own_frame(frames)
    return Finding(
        tool=TOOL,
        message=message,
        file=place[0] if place else None,
        line=place[1] if place else None,
        code=kind,
        suggestion=suggestion,
    )
