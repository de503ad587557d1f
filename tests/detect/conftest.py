from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.detect.hook_repos import make_hook_repo

Files = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture
def project(tmp_path: Path) -> Files:
    """Write files (text is dedented) under a fresh project root and return the root."""

    def write(files: dict[str, str | bytes]) -> Path:
        for rel, content in files.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return tmp_path

    return write


@pytest.fixture
def hook_repo(tmp_path: Path) -> tuple[Path, str]:
    """A hook repository as a local git repository (tests/detect/hook_repos.py): no network."""
    return make_hook_repo(tmp_path)
