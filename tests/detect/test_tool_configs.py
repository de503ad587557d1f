"""The detected stages run each tool with the project's own configuration: nothing overrides it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from healer.detect.detection import detect

SCRIPTS = Path(sys.executable).parent
CODE = 'import os\nx=1\nlong = "' + "a" * 100 + '"\n'
"""An unused import (F401), a missing space (E225) and a line of 109 characters (E501 at 79 or 88)."""


def _run(root: Path, name: str) -> str:
    (stage,) = [stage for stage in detect(root).stages if stage.name == name]
    env = {**os.environ, "PATH": f"{SCRIPTS}{os.pathsep}{os.environ.get('PATH', '')}", "NO_COLOR": "1"}
    done = subprocess.run(stage.argv(), cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False)
    return done.stdout + done.stderr


@pytest.mark.parametrize(
    ("rel", "section"),
    [
        ("setup.cfg", "[flake8]"),
        (".flake8", "[flake8]"),
        ("tox.ini", "[flake8]"),
    ],
)
def test_flake8_reads_its_section(tmp_path: Path, rel: str, section: str) -> None:
    (tmp_path / "a.py").write_text(CODE)
    (tmp_path / rel).write_text(f"{section}\nmax-line-length = 120\nextend-ignore = E225\n")
    output = _run(tmp_path, "flake8")
    assert "F401" in output
    assert "E501" not in output and "E225" not in output


@pytest.mark.parametrize(
    ("rel", "text"),
    [
        ("pyproject.toml", '[tool.ruff]\nline-length = 100\n[tool.ruff.lint]\nselect = ["E501"]\n'),
        ("ruff.toml", 'line-length = 100\n[lint]\nselect = ["E501"]\n'),
    ],
)
def test_ruff_reads_its_configuration(tmp_path: Path, rel: str, text: str) -> None:
    (tmp_path / "a.py").write_text(CODE)
    (tmp_path / rel).write_text(text)
    output = _run(tmp_path, "ruff")
    assert "E501" in output and "109 > 100" in output
    assert "F401" not in output  # not selected by the project


def test_black_and_isort_read_pyproject(tmp_path: Path) -> None:
    # 106 characters: black wraps it at its default of 88, not at the project's 120.
    call = "result = compute(" + ", ".join(f"argument_{n}" for n in range(6)) + ", extra_value=1234)\n"
    (tmp_path / "a.py").write_text("from os import path, sep\n\n" + call)
    (tmp_path / "pyproject.toml").write_text('[tool.black]\nline-length = 120\n[tool.isort]\nprofile = "black"\n')
    assert "would reformat" not in _run(tmp_path, "black")
    assert "ERROR" not in _run(tmp_path, "isort")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.black]\nline-length = 120\n[tool.isort]\nforce_single_line = true\n"
    )
    assert "ERROR" in _run(tmp_path, "isort")  # the project's setting: one name per import line
