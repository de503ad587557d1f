"""Shared helpers: recorded tool output and small broken projects for live runs."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

OUTPUTS = Path(__file__).resolve().parent.parent / "fixtures" / "outputs"
RECORDED_ROOT = Path("/tmp/healer-fixture")
"""The placeholder record.py writes for the temporary project it ran the tools in."""


@pytest.fixture
def recorded() -> Callable[[str, str], str]:
    def read(tool: str, case: str) -> str:
        return (OUTPUTS / tool / f"{case}.txt").read_text(encoding="utf-8")

    return read


@pytest.fixture
def run_module() -> Callable[[Path, Sequence[str]], subprocess.CompletedProcess[str]]:
    """Run `python -m TOOL ...` in a project, the way a stage would, colour off."""

    def run(cwd: Path, args: Sequence[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
            env={"PATH": "", "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"},
            timeout=120,
        )

    return run
