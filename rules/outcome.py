"""What a rule's action returns: edits to propose, or a finding to report instead of editing."""

from __future__ import annotations

from dataclasses import dataclass

from healer.patch.patch import FileEdit


@dataclass(frozen=True)
class Proposal:
    """Edits and a one-line title ("import Decimal from decimal")."""

    title: str
    edits: tuple[FileEdit, ...]
    same_ast: bool = False
    """The edits may change only layout and comments: verification fails them otherwise (Patch.same_ast)."""


@dataclass(frozen=True)
class Report:
    """A finding to show, with where it is, when the action must not edit (conflict markers, a flaky test)."""

    kind: str
    """"conflict-markers", "flaky", ... ."""
    message: str
    file: str | None = None
    line: int | None = None
