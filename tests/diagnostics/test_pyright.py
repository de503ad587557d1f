from __future__ import annotations

from collections.abc import Callable

from healer.diagnostics.diagnostic import Finding
from healer.diagnostics.parsers import pyright

CORE = "/tmp/healer-fixture/pkg/core.py"


def fields(findings: list[Finding]) -> list[tuple[object, ...]]:
    return [(f.file, f.line, f.column, f.code, f.severity, f.message) for f in findings]


def test_strict_run(recorded: Callable[[str, str], str]) -> None:
    findings = pyright.parse(recorded("pyright", "default"))
    assert len(findings) == 14
    assert fields(findings)[:5] == [
        (CORE, 1, 8, "reportUnusedImport", "error", 'Import "os" is not accessed'),
        (CORE, 2, 8, "reportUnusedImport", "error", 'Import "sys" is not accessed'),
        (CORE, 3, 20, "reportUnusedImport", "error", 'Import "Any" is not accessed'),
        (
            CORE,
            20,
            9,
            "reportIncompatibleMethodOverride",
            "error",
            'Method "run" overrides class "Base" in an incompatible manner; Parameter 2 type'
            ' mismatch: base parameter is type "int", override parameter is type "str";'
            ' "int" is not assignable to "str"',
        ),
        (
            CORE,
            24,
            22,
            "reportArgumentType",
            "error",
            'Argument of type "Literal[\'2\']" cannot be assigned to parameter "b" of type "int"'
            ' in function "add"; "Literal[\'2\']" is not assignable to "int"',
        ),
    ]
    assert fields(findings)[8] == (CORE, 27, 13, None, "info", 'Type of "result" is "int"')
    assert fields(findings)[-1] == (
        "/tmp/healer-fixture/pkg/other.py",
        2,
        5,
        "reportUnusedVariable",
        "error",
        'Variable "answer" is not accessed',
    )


def test_syntax_errors_have_no_rule(recorded: Callable[[str, str], str]) -> None:
    findings = pyright.parse(recorded("pyright", "syntax_error"))
    assert [(f.line, f.column, f.code, f.message) for f in findings][:2] == [
        (1, 11, None, '"(" was not closed'),
        (1, 12, None, "Expected parameter name"),
    ]
    assert len(findings) == 7
