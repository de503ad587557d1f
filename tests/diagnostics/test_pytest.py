from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from healer.diagnostics.ansi import strip_ansi
from healer.diagnostics.diagnostic import Finding
from healer.diagnostics.parsers import pytest as pytest_parser

RunModule = Callable[[Path, Sequence[str]], subprocess.CompletedProcess[str]]

NODE = "tests/test_calc.py::"
FAILURES = [
    (NODE + "test_uses_broken", "tests/test_calc.py", 16, "RuntimeError", "fixture exploded"),
    (NODE + "test_add", "tests/test_calc.py", 7, "AssertionError", "assert 4 == 5"),
    # The exception came from calc.py: the innermost frame in the project is the place.
    (NODE + "test_divide", "calc.py", 6, "ZeroDivisionError", "division by zero"),
    (NODE + "test_param[3-4]", "tests/test_calc.py", 29, "AssertionError", "assert 7 == 3"),
    (
        NODE + "TestGroup::test_in_class",
        "tests/test_calc.py",
        34,
        "AssertionError",
        "assert 'spam' in {'eggs': 1}",
    ),
]


def fields(findings: list[Finding]) -> list[tuple[object, ...]]:
    return [(f.node_id, f.file, f.line, f.code, f.message) for f in findings]


@pytest.mark.parametrize("case", ["failures", "failures_color", "failures_quiet", "failures_tb_short"])
def test_failures_and_errors(recorded: Callable[[str, str], str], case: str) -> None:
    findings = pytest_parser.parse(strip_ansi(recorded("pytest", case)))
    assert fields(findings) == FAILURES
    assert {(f.tool, f.severity) for f in findings} == {("pytest", "error")}


def test_tb_line_places_failures_by_message(recorded: Callable[[str, str], str]) -> None:
    findings = pytest_parser.parse(recorded("pytest", "failures_tb_line"))
    absolute = [
        (node, "/tmp/healer-fixture/" + file, line, code, message) for node, file, line, code, message in FAILURES[1:]
    ]
    # `--tb=line` prints no place for a setup error: the test's file is all there is.
    setup = (
        NODE + "test_uses_broken",
        "tests/test_calc.py",
        None,
        "RuntimeError",
        "fixture exploded",
    )
    assert fields(findings) == [setup, *absolute]


@pytest.mark.parametrize("case", ["collection_errors", "collection_errors_color"])
def test_collection_errors(recorded: Callable[[str, str], str], case: str) -> None:
    findings = pytest_parser.parse(strip_ansi(recorded("pytest", case)))
    assert fields(findings) == [
        (
            "tests/test_syntax.py",
            "/tmp/healer-fixture/tests/test_syntax.py",
            1,
            "SyntaxError",
            "invalid syntax",
        ),
        (
            "tests/test_uncollectable.py",
            "tests/test_uncollectable.py",
            1,
            "ModuleNotFoundError",
            "No module named 'missing_module_xyz'",
        ),
    ]


def test_passing_run_has_no_findings(recorded: Callable[[str, str], str]) -> None:
    assert pytest_parser.parse(recorded("pytest", "passing")) == []


def test_without_summary_the_node_comes_from_the_block(recorded: Callable[[str, str], str]) -> None:
    text = recorded("pytest", "failures").split("= short test summary info =")[0]
    findings = pytest_parser.parse(text)
    assert [f.node_id for f in findings] == [node for node, *_ in FAILURES]


def test_summary_only() -> None:
    text = (
        "=========== short test summary info ===========\n"
        "FAILED tests/test_a.py::test_b - ValueError: bad value\n"
        "ERROR tests/test_c.py\n"
    )
    assert fields(pytest_parser.parse(text)) == [
        ("tests/test_a.py::test_b", "tests/test_a.py", None, "ValueError", "bad value"),
        ("tests/test_c.py", "tests/test_c.py", None, None, "ERROR tests/test_c.py"),
    ]


def test_live_pytest(tmp_path: Path, run_module: RunModule) -> None:
    (tmp_path / "test_live.py").write_text(
        "def helper():\n    return {}['key']\n\n\n"
        "def test_lookup():\n    assert helper()\n\n\n"
        "def test_math():\n    assert 1 + 1 == 3\n",
        encoding="utf-8",
    )
    (tmp_path / "test_broken_import.py").write_text("import no_such_module_here\n", encoding="utf-8")
    options = ["pytest", "-p", "no:cacheprovider", "-o", "addopts=", "--rootdir", str(tmp_path)]
    run = run_module(tmp_path, [*options, "test_live.py"])
    assert run.returncode == 1
    assert fields(pytest_parser.parse(run.stdout)) == [
        ("test_live.py::test_lookup", "test_live.py", 2, "KeyError", "'key'"),
        ("test_live.py::test_math", "test_live.py", 10, "AssertionError", "assert (1 + 1) == 3"),
    ]
    collect = run_module(tmp_path, [*options, "test_broken_import.py"])
    assert collect.returncode == 2
    assert fields(pytest_parser.parse(collect.stdout)) == [
        (
            "test_broken_import.py",
            "test_broken_import.py",
            1,
            "ModuleNotFoundError",
            "No module named 'no_such_module_here'",
        )
    ]


def test_a_long_test_id_whose_header_has_one_underscore_each_side(tmp_path: Path, run_module: RunModule) -> None:
    """pytest narrows `____ name ____` to `_ name _` when the id fills the line (found on attrs: 26 errors unread)."""
    value = "a_really_long_parameter_value_that_makes_the_header_long_enough_to_fill_the_terminal_line"
    (tmp_path / "test_long.py").write_text(
        f"import pytest\n\n\n@pytest.mark.parametrize('x', ['{value}'])\n"
        "def test_something_with_a_fairly_long_name_here(x):\n    assert x == 1\n",
        encoding="utf-8",
    )
    options = ["pytest", "-p", "no:cacheprovider", "-o", "addopts=", "--rootdir", str(tmp_path)]
    run = run_module(tmp_path, [*options, "test_long.py"])
    assert "\n_ test_something_with_a_fairly_long_name_here[" in run.stdout  # the narrow header, really printed

    [(_, file, line, code, message)] = fields(pytest_parser.parse(run.stdout))
    assert (file, line, code) == ("test_long.py", 6, "AssertionError") and message.startswith("assert ")


def test_a_conftest_that_cannot_be_imported_is_one_blocking_failure_at_its_cause(
    tmp_path: Path, run_module: RunModule
) -> None:
    """pytest stops before any section (found on attrs: a typo in the package its conftest imports read as 7
    generic `in <module>` lines, and no rule could see the NameError)."""
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("from .cart import total\n", encoding="utf-8")
    (tmp_path / "shop" / "cart.py").write_text(
        "def _sum(xs):\n    return sum(xs)\n\n\ndef total(xs):\n    return _sum(xs)\n\n\nTOTAL = total([1])\n"
        "EMPTY = _smu([])\n",
        encoding="utf-8",
    )
    (tmp_path / "conftest.py").write_text("import shop\n", encoding="utf-8")
    (tmp_path / "test_cart.py").write_text("def test_total():\n    assert True\n", encoding="utf-8")
    options = ["pytest", "-p", "no:cacheprovider", "-o", "addopts=", "--rootdir", str(tmp_path)]
    run = run_module(tmp_path, options)
    assert "ImportError while loading conftest" in run.stderr + run.stdout

    findings = pytest_parser.parse(run.stdout + run.stderr)

    assert fields(findings) == [("conftest.py", "shop/cart.py", 10, "NameError", "name '_smu' is not defined")]


def test_a_doctest_that_raised_is_placed_where_it_raised(tmp_path: Path, run_module: RunModule) -> None:
    """jaraco.functools: `functools.partiaal` in a function its doctests call read as `[doctest] ...` at the
    docstring, twice (block and summary), and no rule saw the AttributeError."""
    (tmp_path / "splat.py").write_text(
        '"""Helpers."""\n\nimport functools\n\n\ndef splat(func):\n    """Call with a tuple.\n\n'
        '    >>> splat(print)((1, 2))\n    1 2\n    """\n'
        "    return functools.partiaal(lambda args: func(*args))\n\n\n"
        'def plain():\n    """\n    >>> 1 + 1\n    3\n    """\n',
        encoding="utf-8",
    )
    options = ["pytest", "-p", "no:cacheprovider", "-o", "addopts=", "--rootdir", str(tmp_path), "--doctest-modules"]
    run = run_module(tmp_path, [*options, "splat.py"])
    assert "UNEXPECTED EXCEPTION: AttributeError" in run.stdout

    findings = sorted(fields(pytest_parser.parse(run.stdout)), key=str)

    assert [(node, line, code, message) for node, _file, line, code, message in findings] == [
        ("splat.py::splat.plain", 17, None, "[doctest] splat.plain"),
        ("splat.py::splat.splat", 12, "AttributeError", "module 'functools' has no attribute 'partiaal'"),
    ]
    assert [file.endswith("splat.py") for _node, file, *_ in findings] == [True, True]
