"""What the agent fixer did in a round, step by step: the transcript front ends show beside its candidates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

StepOutcome = Literal[
    "verified", "failed", "unverifiable", "unverified", "changes-checks", "refused",
    "no-change", "error", "approved", "changes-requested", "no-decision",
]  # fmt: skip
PROMPT_CHARS = 8000


@dataclass(frozen=True)
class AgentStep:
    agent: str
    role: str
    """implement, review or refine (an iterative workflow's retries are implement steps)."""
    number: int
    """The step's place in the workflow's run, from 1."""
    prompt: str
    """What it was told (redacted; cut to PROMPT_CHARS)."""
    summary: str
    """What it said it did: its final message, never trusted."""
    outcome: StepOutcome
    detail: str = ""
    """The verdict's detail, or why nothing came of the run, or the review's comments."""
    patch_id: str | None = None
    seconds: float = 0.0
    """The whole step: the copy lent, the agent's run, its diff read, admission and verification."""
    cost: float | None = None
    tokens_in: int | None = None
    tokens_out: int | None = None
    notes: tuple[str, ...] = ()
    jailed: bool = False
    agent_seconds: float = 0.0
    """Of `seconds`, the agent's own process."""
    tool_seconds: float = 0.0
    """Of `seconds`, the verification's rerun checks; the rest is healer's own overhead."""


@dataclass
class AgentRound:
    workflow: str
    """The workflow's name, or the agent's when one was asked for alone."""
    kind: str
    steps: list[AgentStep] = field(default_factory=list)
    stopped: str | None = None
    """Why it stopped before its steps were done (budget, time, interrupted), or None."""
    cost: float = 0.0
    """Dollars the agents said they spent (those that say)."""
