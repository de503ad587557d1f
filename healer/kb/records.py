"""What the knowledge base records and returns, as NamedTuples (cheap to import on the hook's path)."""

from __future__ import annotations

from typing import NamedTuple

from healer.diagnostics.diagnostic import Diagnostic


class StageRecord(NamedTuple):
    name: str
    status: str
    cached: bool
    duration: float
    key: str | None


class RunRecord(NamedTuple):
    repo: str
    """The repository root, resolved, as a string."""
    trigger: str
    """"run", "pre-commit", "pre-push", "fix", "demo", "watch", "tui"."""
    snapshot: str
    """"worktree", "index", "commit"."""
    tree: str | None
    started: float
    duration: float
    outcome: str
    """"passed", "failed", "interrupted"."""
    stages: tuple[StageRecord, ...]
    diagnostics: tuple[Diagnostic, ...]


class PastFix(NamedTuple):
    """An accepted (and not undone) patch, for replay: the caller checks that `diff` still applies."""

    patch_id: str
    repo: str
    title: str
    diff: str
    source: str
    origin: str
    safety: str
    confidence: float
    stage: str
    fingerprints: tuple[str, ...]
    accepted: float
    """The time of the accepting decision."""


class Rate(NamedTuple):
    proposed: int
    verified: int
    accepted: int
    undone: int

    @property
    def score(self) -> float:
        """Laplace-smoothed share of proposals that were kept: (accepted - undone + 1) / (proposed + 2)."""
        return (self.accepted - self.undone + 1) / (self.proposed + 2)


class PatchRecord(NamedTuple):
    """A candidate fix as the knowledge base keeps it: the patch, its failures, and one verification."""

    patch_id: str
    title: str
    diff: str
    source: str
    origin: str
    safety: str
    confidence: float
    stage: str
    flags: tuple[str, ...]
    fingerprints: tuple[str, ...]
    classes: tuple[str, ...]
    """Failure classes ("tool:code") of the diagnostics it addresses."""
    status: str
    """"unverified", "verified", "failed" or "unverifiable"."""
    detail: str | None
    verify_seconds: float | None
    tool_seconds: float | None

    @property
    def id(self) -> str:
        return self.patch_id
