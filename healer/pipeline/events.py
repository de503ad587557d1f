"""Events a run reports as it goes; the terminal, JSON, hooks, TUI and watch all consume these."""

from __future__ import annotations

from dataclasses import dataclass

from healer.pipeline.result import RunResult, StageResult


@dataclass(frozen=True)
class RunStarted:
    stages: tuple[str, ...]
    jobs: int


@dataclass(frozen=True)
class StageStarted:
    stage: str
    command: str


@dataclass(frozen=True)
class StageOutput:
    stage: str
    lines: tuple[str, ...]
    """Complete lines, in order, batched as they arrived."""


@dataclass(frozen=True)
class StageFinished:
    result: StageResult


@dataclass(frozen=True)
class Notice:
    message: str


@dataclass(frozen=True)
class RunFinished:
    result: RunResult


Event = RunStarted | StageStarted | StageOutput | StageFinished | Notice | RunFinished
