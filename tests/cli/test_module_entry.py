"""`python -m healer` inside a project whose own modules shadow the standard library or healer's dependencies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("shadowed", ["json", "yaml", "six"])
def test_a_projects_own_module_does_not_replace_healers(tmp_path: Path, shadowed: str) -> None:
    # six: the real-project benchmark's six.py sat in the project folder, where -m put it first on sys.path.
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / f"{shadowed}.py").write_text(f"raise ImportError('the project {shadowed}.py was imported')\n")
    (tmp_path / "healer.toml").write_text('[stages.hello]\nrun = ["python", "-c", "print(1)"]\n')

    done = subprocess.run(
        [sys.executable, "-m", "healer", "stages", "--json"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 0, done.stderr
    assert "was imported" not in done.stderr
    assert '"hello"' in done.stdout


def test_safe_path_mode_keeps_sys_path_whole(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    done = subprocess.run(
        [sys.executable, "-P", "-m", "healer", "--version"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("healer ")
