"""What each detector hands back: proposed stages with where they came from and what they run."""

from __future__ import annotations

from dataclasses import dataclass

from healer.config.settings import Stage

# How much a source is trusted when two sources run the same tool: a command the project wrote
# down itself beats one inferred from a tool's configuration, which beats a CI step (CI commands
# carry CI-only flags such as coverage uploads and `--output-format=github`).
EXPLICIT = 40
"""A pre-commit local hook or a package.json script."""
TARGET = 30
"""A Makefile target (often an aggregate of several tools)."""
CONFIGURED = 20
"""Inferred from a tool's configuration section, config file or declared dependency."""
MIRRORED = 15
"""A well-known remote pre-commit hook replaced by the locally installed tool."""
CI = 10
"""A `run:` step of a GitHub Actions workflow."""


@dataclass(frozen=True)
class Candidate:
    """A stage one source proposes, before duplicates across sources are resolved."""

    stage: Stage
    rank: int
    origin: str
    """Where it was found, for notes: "pyproject.toml", "Makefile target lint", ..."""
    covers: frozenset[str]
    """Tool keys (see `commands.tools_in`) the stage runs; overlapping keys mean duplicates."""
    prefix: str
    """Prepended to the stage's name when another stage already took it."""
    key: str | None = None
    """The key other commands reach this stage by ("script:lint" for `npm run lint`)."""
    unsure: str | None = None
    """Why what the stage changes is unknown (a CI step running `python scripts/x.py`): it is added only
    when the user confirms it (detection's `confirm`)."""


@dataclass(frozen=True)
class Found:
    """One detector's result."""

    candidates: tuple[Candidate, ...] = ()
    notes: tuple[str, ...] = ()
