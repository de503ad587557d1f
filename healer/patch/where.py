"""The repository and healer's state folder for `undo` and `log`, without reading the configuration.

Taking a fix back must work even when the configuration is broken (the fix
may be what broke it), so these commands do not open a full workspace.
"""

from __future__ import annotations

from pathlib import Path

from healer.snapshot.git import repo_root
from healer.workspace import state_dir_of


def locate(start: Path | None = None) -> tuple[Path, Path]:
    """(work tree root, state folder) of the repository containing `start` (default: the current folder)."""
    root = repo_root(start or Path.cwd())
    return root, state_dir_of(root)
