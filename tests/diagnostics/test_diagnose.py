from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from healer.diagnostics.diagnose import diagnose, parser_names
from healer.diagnostics.fingerprint import fingerprint

from .conftest import RECORDED_ROOT

Recorded = Callable[[str, str], str]


def test_parser_names() -> None:
    assert parser_names() == (
        "ruff",
        "flake8",
        "mypy",
        "pyright",
        "pytest",
        "unittest",
        "traceback",
        "pip",
        "tsc",
        "eslint",
        "black",
        "isort",
        "generic",
        "auto",
    )


def test_ruff_json_paths_become_relative_to_root(recorded: Recorded) -> None:
    found = diagnose(
        stage="lint",
        output=recorded("ruff", "check_json"),
        root=RECORDED_ROOT,
        cwd=RECORDED_ROOT / "pkg",
        parser=None,
        argv=["ruff", "check", "--output-format=json", "."],
        exit_code=1,
    )
    assert [(d.stage, d.tool, d.location(), d.code) for d in found[:2]] == [
        ("lint", "ruff", "pkg/core.py:1:8", "F401"),
        ("lint", "ruff", "pkg/core.py:2:8", "F401"),
    ]
    assert found[0].fingerprint == fingerprint("ruff", "F401", "`os` imported but unused")
    # Same rule, different module name: a different problem.
    assert found[0].fingerprint != found[1].fingerprint


def test_paths_relative_to_a_subdirectory_cwd(recorded: Recorded) -> None:
    found = diagnose(
        stage="types",
        output=recorded("tsc", "plain"),
        root=RECORDED_ROOT.parent,
        cwd=RECORDED_ROOT,
        parser="tsc",
        argv=["make", "types"],
        exit_code=2,
    )
    assert [d.file for d in found] == [f"{RECORDED_ROOT.name}/src/a.ts"] * 3 + [f"{RECORDED_ROOT.name}/src/point.ts"]


def test_library_paths_outside_the_root_stay_absolute() -> None:
    output = (
        "Traceback (most recent call last):\n"
        '  File "/opt/tool/lib/python3.12/site-packages/tool.py", line 3, in run\n'
        "KeyError: 'x'\n"
    )
    (found,) = diagnose(
        stage="run",
        output=output,
        root=RECORDED_ROOT,
        cwd=RECORDED_ROOT,
        parser=None,
        argv=["python", "app.py"],
        exit_code=1,
    )
    assert (found.tool, found.file, found.line, found.code) == (
        "python",
        "/opt/tool/lib/python3.12/site-packages/tool.py",
        3,
        "KeyError",
    )


def test_coloured_pytest_output_with_node_ids(recorded: Recorded) -> None:
    found = diagnose(
        stage="tests",
        output=recorded("pytest", "collection_errors_color"),
        root=RECORDED_ROOT,
        cwd=RECORDED_ROOT,
        parser=None,
        argv=["uv", "run", "pytest", "--color=yes"],
        exit_code=2,
    )
    assert [(d.tool, d.location(), d.node_id, d.code) for d in found] == [
        ("pytest", "tests/test_syntax.py:1", "tests/test_syntax.py", "SyntaxError"),
        (
            "pytest",
            "tests/test_uncollectable.py:1",
            "tests/test_uncollectable.py",
            "ModuleNotFoundError",
        ),
    ]


def test_auto_reads_mixed_output_in_order(recorded: Recorded) -> None:
    output = recorded("mypy", "default") + recorded("traceback", "name_error")
    found = diagnose(
        stage="check",
        output=output,
        root=RECORDED_ROOT,
        cwd=RECORDED_ROOT,
        parser="auto",
        argv=["make", "check"],
        exit_code=2,
    )
    assert [(d.tool, d.code) for d in found] == [
        ("python", "NameError"),
        ("mypy", "override"),
        ("mypy", "arg-type"),
        ("mypy", "arg-type"),
        ("mypy", "name-defined"),
        ("mypy", None),
        ("mypy", "no-untyped-def"),
    ]
    assert found[0].suggestion == "counter"


def test_auto_names_a_shared_format_once(recorded: Recorded) -> None:
    found = diagnose(
        stage="lint",
        output=recorded("flake8", "default"),
        root=RECORDED_ROOT,
        cwd=RECORDED_ROOT,
        parser=None,
        argv=["make", "lint"],
        exit_code=1,
    )
    assert len(found) == 12


def test_unknown_format_falls_back_to_generic() -> None:
    found = diagnose(
        stage="build",
        output="compiling\nsrc/main.c:3:5: error: expected ';'\n",
        root=Path("/repo"),
        cwd=Path("/repo"),
        parser=None,
        argv=["make"],
        exit_code=2,
    )
    assert [(d.tool, d.location(), d.message) for d in found] == [("generic", "src/main.c:3:5", "expected ';'")]


def test_crash_of_the_chosen_tool_is_still_read() -> None:
    output = (
        "Traceback (most recent call last):\n"
        '  File "/repo/plugin.py", line 4, in <module>\n'
        "ImportError: cannot import name 'x' from 'y' (/usr/lib/y.py)\n"
    )
    (found,) = diagnose(
        stage="lint",
        output=output,
        root=Path("/repo"),
        cwd=Path("/repo"),
        parser="ruff",
        argv=["ruff", "check"],
        exit_code=2,
    )
    assert (found.tool, found.location(), found.code) == ("python", "plugin.py:4", "ImportError")


def test_failure_without_findings_gets_one_diagnostic() -> None:
    (found,) = diagnose(
        stage="tests",
        output="Resolved 3 packages\nerror: Failed to spawn: `pytest`\n  Caused by: No such file\n\n",
        root=Path("/repo"),
        cwd=Path("/repo"),
        parser=None,
        argv=["uv", "run", "pytest"],
        exit_code=2,
    )
    assert (found.tool, found.file, found.code, found.severity) == ("pytest", None, None, "error")
    assert found.message == "tests failed with exit code 2: Caused by: No such file"


def test_failure_with_no_output_and_unknown_tool() -> None:
    (found,) = diagnose(
        stage="lint",
        output="\x1b[0m\n  \n",
        root=Path("/repo"),
        cwd=Path("/repo"),
        parser=None,
        argv=["make", "lint"],
        exit_code=1,
    )
    assert (found.tool, found.message) == (
        "healer",
        "lint failed with exit code 1 and printed nothing",
    )


def test_success_keeps_warnings_and_reports_nothing_else(recorded: Recorded) -> None:
    warnings = diagnose(
        stage="lint",
        output=recorded("eslint", "stylish").replace("error", "warning"),
        root=RECORDED_ROOT,
        cwd=RECORDED_ROOT,
        parser="eslint",
        argv=["eslint", "."],
        exit_code=0,
    )
    assert [d.file for d in warnings][-1] == "src/warn.js"
    assert {d.severity for d in warnings} == {"warning"}
    clean = diagnose(
        stage="lint",
        output=recorded("ruff", "check_clean"),
        root=RECORDED_ROOT,
        cwd=RECORDED_ROOT,
        parser=None,
        argv=["ruff", "check"],
        exit_code=0,
    )
    assert clean == []


def test_repeated_output_is_deduplicated(recorded: Recorded) -> None:
    once = recorded("flake8", "default")
    found = diagnose(
        stage="lint",
        output=once + once,
        root=RECORDED_ROOT,
        cwd=RECORDED_ROOT,
        parser="flake8",
        argv=["flake8"],
        exit_code=1,
    )
    assert len(found) == 12


def test_unknown_parser_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown parser 'rufff'"):
        diagnose(
            stage="lint",
            output="",
            root=Path("/repo"),
            cwd=Path("/repo"),
            parser="rufff",
            argv=[],
            exit_code=1,
        )


def test_megabytes_of_garbage_finish_quickly() -> None:
    generator = random.Random(1234)
    pieces = [
        generator.randbytes(2_000_000).decode("utf-8", errors="replace"),
        "x" * 1_000_000,
        ":" * 300_000 + "\n" + "a.py:" * 100_000 + "\n",
        "\x00" * 200_000,
        "\x1b[" * 100_000 + "\x1b]" * 100_000,
        ('  File "' * 50_000) + "\n",
        "_ " * 100_000 + "\n" + "= FAILURES =\n" + "E   " * 50_000,
        "a.py:1:1: F401 x\n" * 20_000,
        "\r" * 100_000 + "/a/" * 100_000 + " 1.2.3.4.5" * 20_000,
    ]
    output = "".join(pieces)
    assert len(output) > 5_000_000
    started = time.perf_counter()
    found = diagnose(
        stage="chaos",
        output=output,
        root=Path("/repo"),
        cwd=Path("/repo"),
        parser=None,
        argv=["make"],
        exit_code=1,
    )
    elapsed = time.perf_counter() - started
    assert elapsed < 10, f"took {elapsed:.1f}s"
    assert found  # The repeated ruff line at least, or the fallback.
