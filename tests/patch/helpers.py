"""Patches and repositories for the patch tests."""

from __future__ import annotations

import os
from pathlib import Path

from healer.patch.patch import FileEdit, Patch


def make_patch(*edits: FileEdit, title: str = "a fix") -> Patch:
    return Patch(
        title=title, edits=edits, source="rule", origin="test-rule", safety="safe", confidence=1.0, stage="lint"
    )


def tree(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `root` except .git, with its bytes and permission bits."""
    found: dict[str, tuple[bytes, int]] = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in names:
            path = Path(folder) / name
            if path.is_symlink():
                found[str(path.relative_to(root))] = (os.readlink(path).encode(), -1)
            else:
                found[str(path.relative_to(root))] = (path.read_bytes(), path.stat().st_mode & 0o7777)
    return found
