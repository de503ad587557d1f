"""The repository a command works on, and its configuration."""

from __future__ import annotations

from pathlib import Path

from healer.config.memo import recall, remember
from healer.config.model import Config
from healer.errors import HealerError
from healer.snapshot.git import git_dir, repo_root


class NoStages(HealerError):
    pass


class Workspace:
    """A repository and its pipeline."""

    def __init__(self, root: Path, config: Config, state_dir: Path) -> None:
        self.root = root
        self.config = config
        self.state_dir = state_dir
        """healer's own files for this repository, inside the git directory, never in the work tree."""


def state_dir_of(root: Path) -> Path:
    dot_git = root / ".git"
    return (dot_git if (dot_git / "HEAD").is_file() else git_dir(root)) / "healer"


def open_workspace(start: Path | None = None, *, require_stages: bool = True) -> Workspace:
    root = repo_root(start or Path.cwd())
    state = state_dir_of(root)
    config = recall(root, state)
    if config is None:
        from healer.config.load import load_config  # tomllib and validation, only on a memo miss

        config = load_config(root)
        remember(root, state, config)
    if require_stages and not config.stages:
        raise NoStages(
            f"no stages to run in {root}: there is no [tool.healer] configuration and nothing was detected; "
            "add [tool.healer.stages.NAME] tables to pyproject.toml (see `healer init`)"
        )
    return Workspace(root=root, config=config, state_dir=state)
