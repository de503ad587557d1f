"""What a run produced, as plain data every front end renders."""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from healer.diagnostics.diagnostic import Diagnostic

Status = Literal["passed", "failed", "error", "skipped", "cancelled"]
"""`error`: the stage could not run at all (command missing, folder missing);
`cancelled`: the run was interrupted while the stage ran."""


class GateResult(NamedTuple):
    metric: str
    value: float | None
    minimum: float | None
    maximum: float | None
    passed: bool
    problem: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "value": self.value,
            "min": self.minimum,
            "max": self.maximum,
            "passed": self.passed,
            "problem": self.problem,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GateResult:
        return cls(data["metric"], data["value"], data["min"], data["max"], data["passed"], data["problem"])


class StageResult(NamedTuple):
    name: str
    kind: str
    status: Status
    command: str
    duration: float = 0.0
    exit_code: int | None = None
    cached: bool = False
    timed_out: bool = False
    reason: str | None = None
    """Why the stage was skipped, errored or cancelled."""
    output: str = ""
    """The output, or its head and tail when it was too large to keep."""
    output_bytes: int = 0
    log_path: str | None = None
    """The full output, when it was too large to keep in memory."""
    diagnostics: tuple[Diagnostic, ...] = ()
    gate: GateResult | None = None
    key: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "passed"


class RunResult(NamedTuple):
    stages: tuple[StageResult, ...]
    duration: float
    root: str
    interrupted: bool = False
    notices: tuple[str, ...] = ()
    """What healer said while making the run (a knowledge base it could not use), for the run's documents."""
    record_id: int | None = None
    """The run's id in the knowledge base, once it was recorded there."""

    @property
    def outcome(self) -> Literal["passed", "failed", "interrupted"]:
        if self.interrupted:
            return "interrupted"
        # A stage skipped because a need failed comes with that failure; one skipped
        # because nothing it reads changed is no failure at all.
        if any(stage.status in ("failed", "error", "cancelled") for stage in self.stages):
            return "failed"
        return "passed"

    @property
    def exit_code(self) -> int:
        return {"passed": 0, "failed": 1, "interrupted": 130}[self.outcome]

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return tuple(d for stage in self.stages for d in stage.diagnostics)
