"""The repository a command works on, and its configuration."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from healer.config.load import load_config
from healer.config.model import Config
from healer.errors import HealerError
from healer.snapshot.git import git_dir, repo_root


class NoStages(HealerError):
    pass


@dataclass
class Workspace:
    root: Path
    config: Config

    @cached_property
    def git_dir(self) -> Path:
        dot_git = self.root / ".git"
        # The common layout needs no git process; worktrees and submodules ask git.
        return dot_git if (dot_git / "HEAD").is_file() else git_dir(self.root)

    @property
    def state_dir(self) -> Path:
        """healer's own files for this repository, inside the git directory, never in the work tree."""
        return self.git_dir / "healer"


def open_workspace(start: Path | None = None, *, require_stages: bool = True) -> Workspace:
    root = repo_root(start or Path.cwd())
    config = load_config(root)
    if require_stages and not config.stages:
        raise NoStages(
            f"no stages to run in {root}: there is no [tool.healer] configuration and nothing was detected; "
            "add [tool.healer.stages.NAME] tables to pyproject.toml (see `healer init`)"
        )
    return Workspace(root=root, config=config)
