"""A pytest stage narrowed to a selection runs that selection only, with every option of the stage."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from healer.config.settings import Stage
from healer.pipeline.pytest_selection import narrowed, positionals, pytest_arguments


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("pytest -q tests", ["pytest", "-q", "tests/test_a.py::test_a"]),
        ("python -m pytest tests -k 'not slow' --deselect tests/x.py::t", None),
        ("pytest --tb=short src tests", ["pytest", "--tb=short", "tests/test_a.py::test_a"]),
    ],
)
def test_positionals_are_replaced_and_options_kept(command: str, expected: list[str] | None) -> None:
    stage = narrowed(Stage("t", command, timeout=9), ["tests/test_a.py::test_a"])
    assert stage is not None and stage.timeout == 9
    if expected is None:
        expected = [
            "python",
            "-m",
            "pytest",
            "-k",
            "not slow",
            "--deselect",
            "tests/x.py::t",
            "tests/test_a.py::test_a",
        ]
    assert stage.argv() == expected


def test_what_is_not_a_direct_pytest_run_is_not_narrowed() -> None:
    assert narrowed(Stage("t", "make test"), ["tests/test_a.py"]) is None
    assert narrowed(Stage("t", "pytest tests", shell=True), ["tests/test_a.py"]) is None
    assert narrowed(Stage("t", "pytest tests"), []) is None
    assert pytest_arguments(Stage("t", "python -m pytest -x tests")) == ["-x", "tests"]
    assert positionals(["-k", "fast", "tests", "-p", "no:cacheprovider", "src"]) == ["tests", "src"]


def test_the_narrowed_stage_really_runs_only_the_selection(tmp_path: Path) -> None:
    """pytest runs the union of its positionals: `pytest tests tests/test_a.py::test_a` runs all of tests/."""
    (tmp_path / "tests").mkdir()
    for name in "abc":
        (tmp_path / "tests" / f"test_{name}.py").write_text(f"def test_{name}():\n    assert True\n")
    stage = Stage("t", (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"))
    chosen = narrowed(stage, ["tests/test_a.py::test_a"])
    assert chosen is not None

    appended = subprocess.run(
        [*stage.argv(), "tests/test_a.py::test_a"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    done = subprocess.run(chosen.argv(), cwd=tmp_path, capture_output=True, text=True, check=False)

    assert "3 passed" in appended.stdout  # what appending did
    assert "1 passed" in done.stdout, done.stdout
