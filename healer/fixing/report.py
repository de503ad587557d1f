"""What fixing produced, as plain data for every front end: each round's candidates, what was applied, the end state."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from healer.fixers.candidate import Candidate, Note
from healer.pipeline.result import RunResult

if TYPE_CHECKING:
    from healer.fixers.agent_round import AgentRound
    from healer.fixers.llm import ModelRound
    from healer.llm.client import Usage
    from healer.pipeline.baseline import NewFindings

ApplyMode = Literal["safe", "all"]
CacheMode = Literal["use", "refresh", "off"]
"""The result cache: read and write it ("use"), write only ("refresh": rerun everything, keep the new
results), or neither ("off": `--no-cache`)."""


@dataclass(frozen=True)
class FixOptions:
    stages: tuple[str, ...] = ()
    apply: ApplyMode | None = None
    apply_weakening: bool = False
    """With `apply = "all"`: also apply fixes that pass only by changing the checks (`--apply-weakening`)."""
    dry_run: bool = False
    offline: str | None = "no model configured"
    """Why no model is asked (--offline, HEALER_OFFLINE, none configured; then nothing here opens a socket),
    or None: the configured model is asked about what the rules and past fixes leave unfixed."""
    rounds: int | None = None
    jobs: int | None = None
    cache: CacheMode = "use"
    trigger: str = "fix"
    """What the knowledge base records as the runs' trigger ("fix", "demo", "tui")."""
    model_extra: dict[str, object] = field(default_factory=dict)
    """Passed to litellm with every request (benchmarks and tests give `mock_response`)."""
    cancel: threading.Event | None = None
    """Set from another thread (the TUI's worker) to stop checks and verification as Ctrl-C would."""
    workflow: str | None = None
    """The agent or workflow to ask about what the rules and past fixes leave (`--agent`, `--workflow`); it runs
    instead of the model, unless it names the model itself."""
    agents_offline: str | None = None
    """Why no agent may run (--offline, HEALER_OFFLINE), or None."""


@dataclass
class Round:
    number: int
    run: RunResult
    candidates: list[Candidate] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    applied: list[Candidate] = field(default_factory=list)
    chosen: list[Candidate] = field(default_factory=list)
    """The candidates chosen for applying (with --dry-run: what would be applied)."""
    refused: list[tuple[Candidate, str]] = field(default_factory=list)
    """Chosen candidates apply refused, with why (a file changed since the fix was made)."""
    propose_seconds: float = 0.0
    propose_tool_seconds: float = 0.0
    """Of `propose_seconds`, the time the rules' tools took (fixers, formatters, reruns of tests)."""
    verify_seconds: float = 0.0
    model: ModelRound | None = None
    """What the model fixer did this round, when it was asked."""
    agents: AgentRound | None = None
    """What the agents did this round (the workflow's steps), when they ran."""

    @property
    def verified(self) -> list[Candidate]:
        return [candidate for candidate in self.candidates if candidate.verified]

    @property
    def changing_checks(self) -> list[Candidate]:
        """The candidates that pass only by changing the checks (never applied unless asked by name)."""
        return [candidate for candidate in self.candidates if candidate.changes_checks]


@dataclass
class FixReport:
    rounds: list[Round]
    final: RunResult
    duration: float
    offline: str | None
    dry_run: bool = False
    model_usage: Usage | None = None
    """Calls, tokens and dollars of the model fixer over all rounds; None when no model was asked."""
    findings: NewFindings | None = None
    """With block = "new": the final run's findings, new and pre-existing; the exit code follows the new."""

    @property
    def interrupted(self) -> bool:
        return self.final.interrupted

    @property
    def found(self) -> int:
        """Failures the first check reported."""
        return len(self.rounds[0].run.diagnostics) if self.rounds else 0

    @property
    def applied(self) -> list[Candidate]:
        return [candidate for one in self.rounds for candidate in one.applied]

    @property
    def exit_code(self) -> int:
        return self.final.exit_code if self.findings is None else self.findings.exit_code(self.final)
