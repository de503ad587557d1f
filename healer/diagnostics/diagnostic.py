"""Structured diagnostics: what a failing stage's output means, one finding at a time."""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

Severity = Literal["error", "warning", "info"]


class Finding(NamedTuple):
    """What a parser reads from a tool's output, before healer places it in a stage.

    `file` is the path as the tool printed it (absolute or relative to the
    stage's directory); `diagnose` makes it relative to the repository.
    """

    tool: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    code: str | None = None
    severity: Severity = "error"
    suggestion: str | None = None
    """The tool's own proposed replacement (for example the interpreter's "Did you mean")."""
    node_id: str | None = None
    """The test that failed, for test runners (pytest node id)."""


class Diagnostic(NamedTuple):
    """One problem found by one stage, with a fingerprint stable across runs and repositories.

    A NamedTuple, not a dataclass, for start-up time (see healer/config/settings.py).
    """

    stage: str
    tool: str
    file: str | None
    line: int | None
    column: int | None
    code: str | None
    message: str
    severity: Severity
    fingerprint: str
    suggestion: str | None = None
    node_id: str | None = None

    @property
    def failure_class(self) -> str:
        """ "tool:code" ("tool:-" without a code): what fixes are ranked by and the knowledge base counts."""
        return f"{self.tool}:{self.code or '-'}"

    def location(self) -> str:
        """`file:line:col`, as far as it is known."""
        parts = [self.file or "", str(self.line or ""), str(self.column or "")]
        return ":".join(part for part in parts if part)

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Diagnostic:
        return cls(
            stage=str(data["stage"]),
            tool=str(data["tool"]),
            file=data.get("file"),
            line=data.get("line"),
            column=data.get("column"),
            code=data.get("code"),
            message=str(data["message"]),
            severity=data.get("severity", "error"),
            fingerprint=str(data["fingerprint"]),
            suggestion=data.get("suggestion"),
            node_id=data.get("node_id"),
        )
