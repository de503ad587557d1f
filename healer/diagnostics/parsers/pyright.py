"""pyright's text output: a file header, then `  file:line:col - error: message (rule)`.

Explanations continue on lines indented with non-breaking spaces; they are part
of the message, and the rule in parentheses ends the last of them.
"""

from __future__ import annotations

import re

from healer.diagnostics.diagnostic import Finding, Severity
from healer.diagnostics.parsers._lines import lines

TOOL = "pyright"

_ROW = re.compile(
    r" +(?P<file>[A-Za-z]:[\\/][^:]*?|[^\s:][^:]*?):(?P<line>\d+):(?P<col>\d+) - "
    r"(?P<kind>error|warning|information): (?P<message>.*)"
)
_RULE = re.compile(r"(?P<message>.*) \((?P<rule>report[A-Za-z]+)\)")
_SEVERITY: dict[str, Severity] = {"error": "error", "warning": "warning", "information": "info"}


def parse(text: str) -> list[Finding]:
    findings: list[Finding] = []
    continuing = False
    for row in lines(text):
        match = _ROW.fullmatch(row)
        if match is not None:
            findings.append(
                Finding(
                    tool=TOOL,
                    message=match["message"].strip(),
                    file=match["file"],
                    line=int(match["line"]),
                    column=int(match["col"]),
                    severity=_SEVERITY[match["kind"]],
                )
            )
            continuing = True
        elif continuing and row.startswith("  \u00a0"):
            last = findings[-1]
            findings[-1] = last._replace(message=f"{last.message}; {row.strip()}")
        else:
            continuing = False
    return [_split_rule(finding) for finding in findings]


def _split_rule(finding: Finding) -> Finding:
    match = _RULE.fullmatch(finding.message)
    if match is None:
        return finding
    return finding._replace(message=match["message"], code=match["rule"])
