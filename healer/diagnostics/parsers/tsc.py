"""tsc: `file(line,col): error TSnnnn: message`, or `file:line:col - error ...` with --pretty.

Indented lines under a pretty error are its source excerpt and related
locations ("'y' is declared here."); they are context, not findings.
"""

from __future__ import annotations

import re

from healer.diagnostics.diagnostic import Finding, Severity
from healer.diagnostics.parsers._lines import lines

TOOL = "tsc"

_TAIL = r"(?P<kind>error|warning|message) (?P<code>TS\d+): (?P<message>.*)"
_PLAIN = re.compile(r"(?P<file>[^\s(][^(]*?)\((?P<line>\d+),(?P<col>\d+)\): " + _TAIL)
_PRETTY = re.compile(r"(?P<file>[A-Za-z]:[\\/][^:]*?|[^\s:][^:]*?):(?P<line>\d+):(?P<col>\d+) - " + _TAIL)
# Errors without a place, such as an unknown compiler option.
_GLOBAL = re.compile(_TAIL)
_SEVERITY: dict[str, Severity] = {"error": "error", "warning": "warning", "message": "info"}


def parse(text: str) -> list[Finding]:
    findings: list[Finding] = []
    for row in lines(text):
        match = _PLAIN.fullmatch(row) or _PRETTY.fullmatch(row)
        if match is not None:
            findings.append(
                Finding(
                    tool=TOOL,
                    message=match["message"].strip(),
                    file=match["file"],
                    line=int(match["line"]),
                    column=int(match["col"]),
                    code=match["code"],
                    severity=_SEVERITY[match["kind"]],
                )
            )
        elif (alone := _GLOBAL.fullmatch(row)) is not None:
            findings.append(
                Finding(
                    tool=TOOL,
                    message=alone["message"].strip(),
                    code=alone["code"],
                    severity=_SEVERITY[alone["kind"]],
                )
            )
    return findings
