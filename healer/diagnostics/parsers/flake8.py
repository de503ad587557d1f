"""flake8's default `file:line:col: CODE message` format (also pycodestyle and pyflakes)."""

from __future__ import annotations

import re

from healer.diagnostics.diagnostic import Finding
from healer.diagnostics.parsers._lines import lines

TOOL = "flake8"

_ROW = re.compile(
    r"(?P<file>[A-Za-z]:[\\/][^:]*?|[^\s:][^:]*?):(?P<line>\d+):(?:(?P<col>\d+):)? "
    r"(?P<code>[A-Z]+[0-9]+) (?P<message>.+)"
)


def parse(text: str) -> list[Finding]:
    findings: list[Finding] = []
    for row in lines(text):
        match = _ROW.fullmatch(row)
        if match is None:
            continue
        code = match["code"]
        findings.append(
            Finding(
                tool=TOOL,
                message=match["message"],
                file=match["file"],
                line=int(match["line"]),
                column=int(match["col"]) if match["col"] else None,
                code=code,
                # pycodestyle's W codes are its warnings; everything else fails the check.
                severity="warning" if code.startswith("W") else "error",
            )
        )
    return findings
