"""pip install failures: missing distributions and resolver conflicts.

pip reports one missing requirement twice ("Could not find a version ..." then
"No matching distribution found ..."), and one conflict as a paragraph closed
by "ResolutionImpossible"; each becomes a single finding.
"""

from __future__ import annotations

import re

from healer.diagnostics.diagnostic import Finding
from healer.diagnostics.parsers._lines import lines

TOOL = "pip"
MISSING = "no-matching-distribution"
CONFLICT = "resolution-impossible"
BUILD = "subprocess-exited-with-error"

_NO_VERSION = re.compile(r"ERROR: Could not find a version that satisfies the requirement (?P<req>\S+)(?P<rest>.*)")
_NO_MATCH = re.compile(r"ERROR: No matching distribution found for (?P<req>\S+)")
_CANNOT_INSTALL = re.compile(r"ERROR: (?P<message>Cannot install .+ conflicting dependencies\.?)")
_IMPOSSIBLE = re.compile(r"ERROR: ResolutionImpossible\b.*")
_CAUSE_HEADER = "The conflict is caused by:"
_CAUSE_WINDOW = 20
_REQUIREMENTS_FILE = re.compile(r"-r (?P<file>\S+) \(line (?P<line>\d+)\)")
_BUILD_ERROR = re.compile(r"error: subprocess-exited-with-error")
_BUILD_DETAIL = re.compile(r"× (?P<message>.+)")


def parse(text: str) -> list[Finding]:
    rows = lines(text)
    findings: list[Finding] = []
    missing: set[str] = set()
    conflict = False
    for index, row in enumerate(rows):
        if (match := _NO_VERSION.fullmatch(row) or _NO_MATCH.fullmatch(row)) is not None:
            requirement = match["req"]
            if requirement not in missing:
                missing.add(requirement)
                findings.append(Finding(tool=TOOL, message=row[len("ERROR: ") :], code=MISSING))
        elif (match := _CANNOT_INSTALL.fullmatch(row)) is not None:
            conflict = True
            findings.append(_conflict(match["message"], rows, index + 1))
        elif _IMPOSSIBLE.fullmatch(row) and not conflict:
            findings.append(Finding(tool=TOOL, message=row[len("ERROR: ") :], code=CONFLICT))
        elif _BUILD_ERROR.fullmatch(row):
            findings.append(_build_failure(rows, index + 1))
    return findings


def _conflict(headline: str, rows: list[str], index: int) -> Finding:
    causes = _causes(rows, index)
    message = f"{headline} {_CAUSE_HEADER} {'; '.join(causes)}" if causes else headline
    place = _REQUIREMENTS_FILE.search(headline)
    return Finding(
        tool=TOOL,
        message=message,
        file=place["file"] if place else None,
        line=int(place["line"]) if place else None,
        code=CONFLICT,
    )


def _causes(rows: list[str], index: int) -> list[str]:
    # The indented lines under "The conflict is caused by:" say which
    # requirements clash; they are what a fix has to change.
    # The window is bounded so a log full of conflicts stays linear.
    window = rows[index : index + _CAUSE_WINDOW]
    if _CAUSE_HEADER not in (row.strip() for row in window):
        return []
    start = index + [row.strip() for row in window].index(_CAUSE_HEADER) + 1
    causes: list[str] = []
    for row in rows[start : start + _CAUSE_WINDOW]:
        if not row.startswith(" ") or not row.strip():
            break
        causes.append(row.strip())
    return causes


def _build_failure(rows: list[str], index: int) -> Finding:
    # pip frames a failed build as `× <what failed>` under the error line.
    for row in rows[index : index + 5]:
        detail = _BUILD_DETAIL.fullmatch(row.strip())
        if detail is not None:
            return Finding(tool=TOOL, message=detail["message"], code=BUILD)
    return Finding(tool=TOOL, message="a build step failed", code=BUILD)
