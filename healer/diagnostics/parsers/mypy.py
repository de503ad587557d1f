"""mypy: `file:line[:col]: error|note|warning: message  [code]`, plain or `--pretty`.

A note right after an error at the same place explains that error, so it is
appended to the error's message; documentation links add nothing and are
dropped. A note on its own (`reveal_type`) is an `info` finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from healer.diagnostics.diagnostic import Finding, Severity
from healer.diagnostics.parsers._lines import lines

TOOL = "mypy"

_PLACE = r"(?P<file>[A-Za-z]:[\\/][^:]*?|[^\s:][^:]*?):"
_ROW = re.compile(
    rf"{_PLACE}(?P<line>\d+):(?:(?P<col>\d+):)?(?:\d+:\d+:)? "
    r"(?P<kind>error|warning|note): (?P<message>.*)"
)
# `file: note: In function "f":` (--show-error-context) and the closing summary.
_NOT_CONTINUATION = re.compile(rf"{_PLACE} (?:error|warning|note): |Found \d+ errors? |Success: ")
_CODE = re.compile(r"[a-z][a-z0-9-]*")
_DOCS_LINK = re.compile(r"See https?://\S+")
_SEVERITY: dict[str, Severity] = {"error": "error", "warning": "warning", "note": "info"}
# mypy reports on Python sources and its own configuration; a C compiler's
# `main.c:3:5: error:` has the same shape and is not mypy's.
_MYPY_FILES = (".py", ".pyi", ".ini", ".cfg", ".toml")


@dataclass
class _Open:
    """A finding still being read: `--pretty` may wrap its text, notes may follow."""

    file: str
    line: int
    column: int | None
    severity: Severity
    text: str
    notes: list[str] = field(default_factory=list)

    def finish(self) -> Finding:
        message, code = _split_code(self.text)
        return Finding(
            tool=TOOL,
            message="; ".join([message, *self.notes]),
            file=self.file,
            line=self.line,
            column=self.column,
            code=code,
            severity=self.severity,
        )


def parse(text: str) -> list[Finding]:
    entries: list[_Open] = []
    current: _Open | None = None
    for row in lines(text):
        match = _ROW.fullmatch(row)
        if match is not None and not match["file"].endswith(_MYPY_FILES):
            match = None
        if match is None:
            if not row or row[0].isspace():
                continue  # `--pretty` source excerpt: the notes after it still belong.
            if current is not None and _wraps(current, row):
                current.text = f"{current.text} {row.strip()}"
            else:
                current = None
            continue
        entry = _Open(
            file=match["file"],
            line=int(match["line"]),
            column=int(match["col"]) if match["col"] else None,
            severity=_SEVERITY[match["kind"]],
            text=match["message"].strip(),
        )
        if entry.severity == "info" and current is not None and _same_place(current, entry):
            if not _DOCS_LINK.fullmatch(entry.text):
                current.notes.append(entry.text)
            continue
        entries.append(entry)
        current = entry
    return [entry.finish() for entry in entries]


def _wraps(current: _Open, row: str) -> bool:
    # `--pretty` wraps a long message onto unindented lines until its `[code]`.
    if current.notes:
        return False
    if _split_code(current.text)[1] is not None:
        return False
    return _NOT_CONTINUATION.match(row) is None


def _same_place(error: _Open, note: _Open) -> bool:
    return error.file == note.file and error.line == note.line


def _split_code(text: str) -> tuple[str, str | None]:
    text = text.rstrip()
    if not text.endswith("]"):
        return text, None
    head, bracket, code = text[:-1].rpartition("[")
    if not bracket or not head.endswith(" ") or _CODE.fullmatch(code) is None:
        return text, None
    return head.rstrip(), code
