"""Fallback for any tool printing `file:line[:col]: message`, as compilers have for decades.

Only lines whose first field looks like a file (an extension or a directory
separator) count, so timestamps (`12:34:56`), URLs (`http://x:80/`) and
`host:port` lines do not become findings.
"""

from __future__ import annotations

import re

from healer.diagnostics.diagnostic import Finding, Severity
from healer.diagnostics.parsers._lines import lines

TOOL = "generic"

_ROW = re.compile(
    r"(?P<file>(?:[A-Za-z]:[\\/])?[^\s:\"'<>|*?]+):(?P<line>\d+)(?::(?P<col>\d+))?:? "
    r"(?P<message>\S.*)"
)
_FILE_NAME = re.compile(r"[\w.-]*[A-Za-z_][\w-]*\.[A-Za-z][A-Za-z0-9]{0,9}")
# `example.com:443: connection refused` is a host and port, not a file and line.
_HOST_SUFFIXES = frozenset({"com", "org", "net", "io", "dev", "local", "internal", "localhost"})
_SEVERITY = re.compile(r"(?P<kind>fatal error|error|warning|note|info)(?:\[(?P<code>[^\]]+)\])?: ")
_KIND: dict[str, Severity] = {
    "fatal error": "error",
    "error": "error",
    "warning": "warning",
    "note": "info",
    "info": "info",
}


def parse(text: str) -> list[Finding]:
    findings: list[Finding] = []
    for row in lines(text):
        match = _ROW.fullmatch(row.strip())
        if match is None or not _looks_like_file(match["file"]):
            continue
        message = match["message"].strip()
        severity: Severity = "error"
        code = None
        kind = _SEVERITY.match(message)
        if kind is not None:
            severity = _KIND[kind["kind"]]
            code = kind["code"]
            message = message[kind.end() :].strip()
        findings.append(
            Finding(
                tool=TOOL,
                message=message,
                file=match["file"],
                line=int(match["line"]),
                column=int(match["col"]) if match["col"] else None,
                code=code,
                severity=severity,
            )
        )
    return findings


def _looks_like_file(path: str) -> bool:
    if "//" in path or path.startswith(("[", "(")):
        return False  # URLs and bracketed log prefixes.
    if "/" in path or "\\" in path:
        return True
    if _FILE_NAME.fullmatch(path) is None:
        return False
    return path.rpartition(".")[2].lower() not in _HOST_SUFFIXES
