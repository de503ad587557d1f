"""black's `--check` and `--diff` reports: the files it would reformat, and those it cannot parse or format.

black names each file it would change (`would reformat PATH`, on stderr) and,
with `--diff`, prints a unified diff whose headers carry the path and a
timestamp; with `-q` the diff is all there is. A file it cannot parse is
`error: cannot parse: PATH:LINE:COL` followed by the source line, a caret and
the parser's reason (black before 25 wrote `error: cannot format PATH: Cannot
parse: LINE:COL: SOURCE`); anything else it cannot format is `error: cannot
format PATH: REASON`.
"""

from __future__ import annotations

import re

from healer.diagnostics.diagnostic import Finding
from healer.diagnostics.parsers._lines import diffed_file, lines

TOOL = "black"
REFORMAT = "would-reformat"
"""A file black would change: its own fixer (`black FILE`) is the fix."""
PARSE_ERROR = "parse-error"
"""Source black cannot parse (a syntax error, or syntax newer than its target versions)."""
CANNOT_FORMAT = "cannot-format"
"""Any other failure on one file (an unknown encoding, bytes that are not UTF-8)."""
INTERNAL_ERROR = "internal-error"
"""black's own bug (it produced invalid or non-equivalent code): nothing in the file to fix."""
REFORMAT_MESSAGE = "would reformat"

_WOULD = re.compile(r"would reformat (?P<file>.+)")
_CONTEXT = r"cannot parse(?: for target version [^:]+)?"
_PARSE = re.compile(rf"(?P<error>error: )?(?P<context>{_CONTEXT}): (?P<file>.+):(?P<line>\d+):(?P<col>\d+)")
# A path ends at the first `: ` after a Python file name; other names (stdin, notebooks) at the first `: `.
_CANNOT = re.compile(r"error: cannot format (?P<file>.+?\.(?:pyi?|ipynb)|.+?): (?P<message>.+)")
_OLD_PARSE = re.compile(rf"(?P<context>{_CONTEXT}): (?P<line>\d+):(?P<col>\d+): ?(?P<source>.*)", re.IGNORECASE)
_INTERNAL = re.compile(r"(?:error: )?INTERNAL ERROR: (?P<message>.+)")
_REASON = re.compile(r"(?P<reason>[A-Z]\w*Error: .+)")
# `str(datetime.now(timezone.utc))`: a separate diff (GNU diff's own header) has a space before the zone.
_STAMP = r"\t\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?\+00:00"
_DIFF_OLD = re.compile(rf"--- (?P<file>.+){_STAMP}")
_DIFF_NEW = re.compile(rf"\+\+\+ (?P<file>.+){_STAMP}")
_FRAME = 4
"""How far below a parse error its reason may be: the source line, the caret, then the reason."""


def parse(text: str) -> list[Finding]:
    rows = lines(text)
    findings: list[Finding] = []
    seen: set[Finding] = set()
    for index in range(len(rows)):
        finding = _reformat(rows, index) or _parse_error(rows, index) or _cannot_format(rows, index)
        if finding is not None and finding not in seen:
            seen.add(finding)  # --diff names a file in its diff and in "would reformat": one problem
            findings.append(finding)
    return findings


def _reformat(rows: list[str], index: int) -> Finding | None:
    row = rows[index]
    would = _WOULD.fullmatch(row)
    if would is not None:
        return Finding(tool=TOOL, message=REFORMAT_MESSAGE, file=would["file"], code=REFORMAT)
    diffed = diffed_file(rows, index, _DIFF_OLD, _DIFF_NEW)
    if diffed is not None:
        return Finding(tool=TOOL, message=REFORMAT_MESSAGE, file=diffed, code=REFORMAT)
    return None


def _parse_error(rows: list[str], index: int) -> Finding | None:
    match = _PARSE.fullmatch(rows[index])
    if match is None:
        return None
    if match["error"] is None:
        # Without "error: " it is the second line of an internal error: the place is in black's output.
        if index > 0 and _INTERNAL.fullmatch(rows[index - 1]):
            return Finding(
                tool=TOOL, message=_internal_message(rows[index - 1]), file=match["file"], code=INTERNAL_ERROR
            )
        return None
    reason = _reason(rows, index)
    return Finding(
        tool=TOOL,
        message=f"{match['context']}: {reason}" if reason else match["context"],
        file=match["file"],
        line=int(match["line"]),
        column=int(match["col"]),
        code=PARSE_ERROR,
    )


def _reason(rows: list[str], index: int) -> str | None:
    for row in rows[index + 1 : index + 1 + _FRAME]:
        found = _REASON.fullmatch(row)
        if found is not None:
            return found["reason"]
    return None


def _cannot_format(rows: list[str], index: int) -> Finding | None:
    match = _CANNOT.fullmatch(rows[index])
    if match is None:
        return None
    message = match["message"]
    old = _OLD_PARSE.fullmatch(message)
    if old is not None:
        source = old["source"].strip()
        return Finding(
            tool=TOOL,
            message=f"{old['context']}: {source}" if source else old["context"],
            file=match["file"],
            line=int(old["line"]),
            column=int(old["col"]),
            code=PARSE_ERROR,
        )
    if _INTERNAL.fullmatch(message):
        return Finding(tool=TOOL, message=_internal_message(message), file=match["file"], code=INTERNAL_ERROR)
    return Finding(tool=TOOL, message=message, file=match["file"], code=CANNOT_FORMAT)


def _internal_message(row: str) -> str:
    found = _INTERNAL.fullmatch(row)
    message = found["message"] if found else row
    # The first sentence: the rest is black's request for a bug report and a temporary file's name.
    return "INTERNAL ERROR: " + message.split(". ")[0].rstrip(":. ")
