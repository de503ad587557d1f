"""eslint's default "stylish" format: a file line, then `  line:col  severity  message  rule`."""

from __future__ import annotations

import re

from healer.diagnostics.diagnostic import Finding, Severity
from healer.diagnostics.parsers._lines import lines

TOOL = "eslint"

_ROW = re.compile(r" +(?P<line>\d+):(?P<col>\d+) +(?P<kind>error|warning) +(?P<rest>\S.*)")
_RULE = re.compile(r"@?[\w-]+(?:/[\w-]+)*")
_SEVERITY: dict[str, Severity] = {"error": "error", "warning": "warning"}


def parse(text: str) -> list[Finding]:
    findings: list[Finding] = []
    current_file: str | None = None
    for row in lines(text):
        row = row.rstrip()
        match = _ROW.fullmatch(row)
        if match is None:
            # Any unindented line may be a file header; it only counts once a
            # problem row follows it, so summary lines cost nothing.
            current_file = row if row and not row[0].isspace() else current_file
            continue
        if current_file is None:
            continue
        message, rule = _split_rule(match["rest"])
        findings.append(
            Finding(
                tool=TOOL,
                message=message,
                file=current_file,
                line=int(match["line"]),
                column=int(match["col"]),
                code=rule,
                severity=_SEVERITY[match["kind"]],
            )
        )
    return findings


def _split_rule(rest: str) -> tuple[str, str | None]:
    # Columns are padded with at least two spaces; a problem without a rule
    # (a parsing error) has no final column.
    message, separator, rule = rest.rpartition("  ")
    if not separator or _RULE.fullmatch(rule) is None:
        return rest, None
    return message.rstrip(), rule
