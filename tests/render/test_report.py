"""The plain-text account of a run: identical findings are one line, with how often they occurred."""

from __future__ import annotations

from healer.diagnostics.diagnostic import Diagnostic
from healer.pipeline.result import StageResult
from healer.render.report import failure_details


def name_error(test: str | None) -> Diagnostic:
    return Diagnostic(
        stage="test", tool="pytest", file="calc.py", line=3, column=None, code="NameError",
        message="name 'totl' is not defined", severity="error", fingerprint="fp", suggestion="total",
        node_id=test,
    )  # fmt: skip


def test_a_name_error_thirty_tests_hit_is_one_line() -> None:
    found = tuple(name_error(f"test_calc.py::test_{n}") for n in range(30))
    lines = failure_details(StageResult("test", "test", "failed", "pytest", diagnostics=found))
    assert lines[1:] == ["  calc.py:3: name 'totl' is not defined [NameError] (30 tests)", "      suggestion: total"]


def test_the_same_finding_reported_twice_without_tests_says_times_and_different_ones_stay_apart() -> None:
    other = name_error(None)._replace(line=9)
    found = (name_error(None), name_error(None), other)
    lines = failure_details(StageResult("test", "test", "failed", "pytest", diagnostics=found))
    assert lines[1] == "  calc.py:3: name 'totl' is not defined [NameError] (2 times)"
    assert lines[3] == "  calc.py:9: name 'totl' is not defined [NameError]"
