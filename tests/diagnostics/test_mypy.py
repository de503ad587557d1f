from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from healer.diagnostics.ansi import strip_ansi
from healer.diagnostics.diagnostic import Finding
from healer.diagnostics.parsers import mypy

RunModule = Callable[[Path, Sequence[str]], subprocess.CompletedProcess[str]]

OVERRIDE = (
    'Argument 1 of "run" is incompatible with supertype "Base"; supertype defines the argument'
    ' type as "int"; This violates the Liskov substitution principle'
)
EXPECTED = [
    (20, 19, "override", "error", OVERRIDE),
    (
        24,
        22,
        "arg-type",
        "error",
        'Argument 2 to "add" has incompatible type "str"; expected "int"',
    ),
    (
        25,
        22,
        "arg-type",
        "error",
        'Argument 1 to "greet" has incompatible type "int"; expected "str"',
    ),
    (26, 9, "name-defined", "error", 'Name "undefined_name" is not defined'),
    (27, 13, None, "info", 'Revealed type is "int"'),
    (29, 1, "no-untyped-def", "error", "Function is missing a type annotation"),
]


def fields(findings: list[Finding]) -> list[tuple[object, ...]]:
    return [(f.line, f.column, f.code, f.severity, f.message) for f in findings]


def test_with_columns(recorded: Callable[[str, str], str]) -> None:
    findings = mypy.parse(recorded("mypy", "columns"))
    assert fields(findings) == EXPECTED
    assert {(f.tool, f.file) for f in findings} == {("mypy", "pkg/core.py")}


@pytest.mark.parametrize("case", ["default", "color", "pretty"])
def test_without_columns(recorded: Callable[[str, str], str], case: str) -> None:
    # --pretty wraps messages and codes onto the next line and adds source excerpts.
    findings = mypy.parse(strip_ansi(recorded("mypy", case)))
    assert fields(findings) == [(line, None, *rest) for line, _, *rest in EXPECTED]


def test_syntax_error(recorded: Callable[[str, str], str]) -> None:
    assert [(f.file, f.line, f.code, f.message) for f in mypy.parse(recorded("mypy", "syntax_error"))] == [
        ("syntax.py", 1, "syntax", "Expected a parameter or the end of the parameter list"),
        ("syntax.py", 1, "syntax", "Expected `)`, found newline"),
    ]


def test_success_has_no_findings(recorded: Callable[[str, str], str]) -> None:
    assert mypy.parse(recorded("mypy", "clean")) == []


def test_context_lines_and_notes_elsewhere_stand_alone() -> None:
    text = (
        'a.py: note: In function "f":\n'
        'a.py:3: error: Incompatible return value type (got "int", expected "str")  [return-value]\n'
        "a.py:9: note: This note is about another line\n"
    )
    assert [(f.line, f.severity, f.code) for f in mypy.parse(text)] == [
        (3, "error", "return-value"),
        (9, "info", None),
    ]


def test_live_mypy(tmp_path: Path, run_module: RunModule) -> None:
    (tmp_path / "bad.py").write_text(
        'def add(a: int, b: int) -> int:\n    return a + b\n\n\nadd(1, "2")\n', encoding="utf-8"
    )
    result = run_module(tmp_path, ["mypy", "--no-incremental", "--show-column-numbers", "--strict", "bad.py"])
    assert result.returncode == 1
    findings = mypy.parse(result.stdout)
    assert [f.file for f in findings] == ["bad.py"]
    assert fields(findings) == [
        (
            5,
            8,
            "arg-type",
            "error",
            'Argument 2 to "add" has incompatible type "str"; expected "int"',
        )
    ]
