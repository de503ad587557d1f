"""ruff: `check` in its full, concise and JSON formats, and `format --check`/`--diff`."""

from __future__ import annotations

import json
import re
from typing import Any

from healer.diagnostics.diagnostic import Finding
from healer.diagnostics.parsers._lines import lines

TOOL = "ruff"
FORMAT_CODE = "unformatted"
"""ruff's own name for a file `ruff format` would change; older versions printed no code."""
FORMAT_MESSAGE = "File would be reformatted"

# Codes are rule ids (`F401`) or kebab-case names (`invalid-syntax`). Requiring
# one keeps ruff from claiming other tools' `file:line:col: message` lines.
_RULE = r"[A-Z]+[0-9]+"
_NAMED = r"[a-z]+(?:-[a-z]+)+|unformatted"
_CONCISE = re.compile(
    r"(?P<file>[^\s:][^:]*?|[A-Za-z]:[\\/][^:]*?):(?P<line>\d+):(?P<col>\d+): "
    rf"(?:(?P<rule>{_RULE}) (?:\[\*\] )?|(?P<named>{_NAMED}): |(?=SyntaxError: ))"
    r"(?P<message>.+)"
)
_FULL_HEADER = re.compile(rf"(?P<code>{_RULE}|{_NAMED})(?: \[\*\])?:? (?P<message>.+)")
_FULL_ARROW = re.compile(r" *--> (?P<file>.+?):(?P<line>\d+):(?P<col>\d+)")
_WOULD_REFORMAT = re.compile(r"Would reformat: (?P<file>.+)")
_DIFF_OLD = re.compile(r"--- (?P<file>\S.*)")


def parse(text: str) -> list[Finding]:
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            return _parse_json(json.loads(stripped))
        except (ValueError, TypeError, KeyError):
            pass  # Not ruff's JSON after all; the text formats may still match.
    return _parse_text(lines(text))


def _parse_text(rows: list[str]) -> list[Finding]:
    findings: list[Finding] = []
    for index, row in enumerate(rows):
        finding = _concise(row) or _full(rows, index) or _reformat(rows, index)
        if finding is not None:
            findings.append(finding)
    return findings


def _concise(row: str) -> Finding | None:
    match = _CONCISE.fullmatch(row)
    if match is None:
        return None
    code = match["rule"] or match["named"]
    return Finding(
        tool=TOOL,
        message=match["message"],
        file=match["file"],
        line=int(match["line"]),
        column=int(match["col"]),
        code=code,
    )


def _full(rows: list[str], index: int) -> Finding | None:
    # The full format puts the code and message on one line and the location
    # on the next (` --> file:line:col`), followed by a code frame.
    arrow = _FULL_ARROW.fullmatch(rows[index])
    if arrow is None or index == 0:
        return None
    header = _FULL_HEADER.fullmatch(rows[index - 1])
    if header is None:
        return None
    code = header["code"]
    message = header["message"]
    if code == FORMAT_CODE:
        # `ruff format --check` points at the first changed line; the file is the finding.
        return Finding(tool=TOOL, message=message, file=arrow["file"], code=code)
    return Finding(
        tool=TOOL,
        message=message,
        file=arrow["file"],
        line=int(arrow["line"]),
        column=int(arrow["col"]),
        code=code,
    )


def _reformat(rows: list[str], index: int) -> Finding | None:
    row = rows[index]
    would = _WOULD_REFORMAT.fullmatch(row)
    if would is not None:
        return Finding(tool=TOOL, message=FORMAT_MESSAGE, file=would["file"], code=FORMAT_CODE)
    old = _DIFF_OLD.fullmatch(row)
    if old is not None and index + 1 < len(rows) and rows[index + 1] == f"+++ {old['file']}":
        return Finding(tool=TOOL, message=FORMAT_MESSAGE, file=old["file"], code=FORMAT_CODE)
    return None


def _parse_json(data: Any) -> list[Finding]:
    findings: list[Finding] = []
    for item in data:
        location = item.get("location") or {}
        findings.append(
            Finding(
                tool=TOOL,
                message=str(item["message"]),
                file=item.get("filename"),
                line=location.get("row"),
                column=location.get("column"),
                code=item.get("code") or None,
            )
        )
    return findings
