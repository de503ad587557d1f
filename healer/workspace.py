"""The repository a command works on, its configuration, and healer's own folder for it."""

from __future__ import annotations

from pathlib import Path

from healer.config.memo import recall, remember
from healer.config.settings import Config
from healer.errors import HealerError
from healer.snapshot.git import git_dir, repo_root


class NoStages(HealerError):
    pass


class Workspace:
    """A repository and its pipeline; the configuration is read when first asked for."""

    def __init__(self, root: Path, config: Config | None, state_dir: Path) -> None:
        self.root = root
        self.state_dir = state_dir
        """healer's own files for this repository, inside the git directory, never in the work tree."""
        self._config = config

    @property
    def config(self) -> Config:
        """The validated configuration (ConfigError, with file, line and key, when it is broken)."""
        if self._config is None:
            self._config = read_config(self.root, self.state_dir)
        return self._config


def state_dir_of(root: Path) -> Path:
    dot_git = root / ".git"
    return (dot_git if (dot_git / "HEAD").is_file() else git_dir(root)) / "healer"


def read_config(root: Path, state: Path) -> Config:
    config = recall(root, state)
    if config is None:
        from healer.config.load import load_config  # tomllib and validation, only on a memo miss

        config = load_config(root)
        if config.source == "none":
            from healer.detect.detection import detected_config  # every detector: only without a configuration

            config = detected_config(root)
        elif any(project.source == "pending" for project in config.projects):
            from healer.detect.detection import completed_config  # a monorepo's projects without a configuration

            config = completed_config(root, config)
        remember(root, state, config)
    return config


def locate(start: Path | None = None) -> Workspace:
    """The repository containing `start` (default: the current folder), its configuration not read yet.

    Taking a fix back must work even when the configuration is broken (the fix
    may be what broke it): `undo` and `log` start here.
    """
    root = repo_root(start or Path.cwd())
    return Workspace(root, None, state_dir_of(root))


def open_workspace(start: Path | None = None, *, require_stages: bool = True) -> Workspace:
    workspace = locate(start)
    config = workspace.config
    if require_stages and not config.stages:
        raise NoStages(
            f"no stages to run in {workspace.root}: there is no [tool.healer] configuration and nothing was "
            "detected; add [tool.healer.stages.NAME] tables to pyproject.toml (see `healer init`)"
        )
    return workspace
