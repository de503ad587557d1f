"""Events a run reports as it goes; the terminal, JSON, hooks, TUI and watch all consume these."""

from __future__ import annotations

from typing import NamedTuple

from healer.pipeline.result import RunResult, StageResult


class RunStarted(NamedTuple):
    stages: tuple[str, ...]
    jobs: int


class StageStarted(NamedTuple):
    stage: str
    command: str


class StageOutput(NamedTuple):
    stage: str
    lines: tuple[str, ...]
    """Complete lines, in order, batched as they arrived."""


class StageFinished(NamedTuple):
    result: StageResult


class Notice(NamedTuple):
    message: str


class RunFinished(NamedTuple):
    result: RunResult


Event = RunStarted | StageStarted | StageOutput | StageFinished | Notice | RunFinished
