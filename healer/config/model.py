"""The resolved pipeline configuration as plain, immutable data."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

StageKind = Literal["lint", "format", "typecheck", "test", "build", "security", "other"]
STAGE_KINDS: tuple[str, ...] = ("lint", "format", "typecheck", "test", "build", "security", "other")

GateOp = Literal["min", "max"]


@dataclass(frozen=True)
class Gate:
    """A metric read from a stage's output (or a report file) that must meet a threshold."""

    metric: str
    pattern: str
    """Regular expression whose first group is the metric's number."""
    minimum: float | None = None
    maximum: float | None = None
    file: str | None = None
    """Read the metric from this file (relative to the stage's directory) instead of the output."""


@dataclass(frozen=True)
class Stage:
    """One check of the pipeline, as the user configured it (or as detection proposed it)."""

    name: str
    run: tuple[str, ...] | str
    """An argv, or a command line: split like a POSIX shell unless `shell` is true."""
    kind: str = "other"
    shell: bool = False
    inputs: tuple[str, ...] = ()
    """Globs of the files that matter to the stage; empty means every file."""
    needs: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    env_inputs: tuple[str, ...] = ()
    """Names of environment variables whose values change the stage's result."""
    versions: tuple[str, ...] = ()
    """Commands whose output identifies the tool versions the stage depends on."""
    timeout: float | None = None
    fix: tuple[str, ...] | str | None = None
    parser: str | None = None
    gate: Gate | None = None
    cwd: str | None = None
    cache: bool = True

    def argv(self) -> list[str]:
        """The command to execute."""
        return _argv(self.run, self.shell)

    def fix_argv(self) -> list[str] | None:
        return None if self.fix is None else _argv(self.fix, self.shell)

    def command_line(self) -> str:
        """The command as a person would type it."""
        return self.run if isinstance(self.run, str) else shlex.join(self.run)


def _argv(run: tuple[str, ...] | str, shell: bool) -> list[str]:
    if shell:
        line = run if isinstance(run, str) else shlex.join(run)
        return ["/bin/sh", "-c", line]
    return shlex.split(run) if isinstance(run, str) else list(run)


@dataclass(frozen=True)
class Config:
    """The pipeline for one repository."""

    stages: tuple[Stage, ...]
    source: str
    """Where the stages came from: a file path, or "detected"."""
    path: Path | None = None
    jobs: int | None = None
    notes: tuple[str, ...] = field(default=())
    """Remarks from detection (what was found and where), shown by `healer stages`."""

    def stage(self, name: str) -> Stage:
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(stage.name for stage in self.stages)
