"""The sample project shipped inside the package, and making a git repository of it."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import git

from healer.errors import HealerError

# Shipped without the leading dot: dotfiles are easy to lose in package data.
RENAMES = {"gitignore": ".gitignore"}
SKIP = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}


def sample_source() -> Path:
    return Path(str(resources.files("healer") / "sample"))


def create_sample_repo(target: Path) -> Path:
    """Copy the sample into `target` (which must not exist) and commit it as a new repository."""
    try:
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise HealerError(f"{target} already exists and is not an empty folder; choose a new folder for the demo")
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise HealerError(f"cannot create the demo folder {target}: {error.strerror}") from None
    source = sample_source()
    if not (source / "pyproject.toml").is_file():
        raise HealerError(f"the bundled sample project is missing from {source}; reinstall healer")
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*SKIP), dirs_exist_ok=True)
    for shipped, real in RENAMES.items():
        if (target / shipped).exists():
            (target / shipped).rename(target / real)

    repo = git.Repo.init(target, initial_branch="main")
    with repo.config_writer() as config:
        # The demo repository is healer's own; it must not depend on the user's git identity.
        config.set_value("user", "name", "healer demo")
        config.set_value("user", "email", "demo@healer.invalid")
        config.set_value("commit", "gpgsign", "false")
    repo.git.add(all=True)
    repo.index.commit("sample project with deliberate mistakes")
    repo.close()
    return target
