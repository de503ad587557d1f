from __future__ import annotations

from collections.abc import Callable

import pytest

from healer.diagnostics.ansi import strip_ansi
from healer.diagnostics.parsers import eslint

BROKEN = "/tmp/healer-fixture/src/broken.js"


@pytest.mark.parametrize("case", ["stylish", "stylish_color"])
def test_recorded(recorded: Callable[[str, str], str], case: str) -> None:
    findings = eslint.parse(strip_ansi(recorded("eslint", case)))
    assert [(f.file, f.line, f.column, f.severity, f.code, f.message) for f in findings] == [
        (BROKEN, 1, 7, "error", "no-unused-vars", "'unused' is assigned a value but never used"),
        (BROKEN, 3, 9, "warning", "eqeqeq", "Expected '===' and instead saw '=='"),
        (BROKEN, 4, 12, "error", "no-undef", "'undefinedName' is not defined"),
        (BROKEN, 6, 3, "error", "no-debugger", "Unexpected 'debugger' statement"),
        (
            "/tmp/healer-fixture/src/warn.js",
            1,
            1,
            "warning",
            "no-var",
            "Unexpected var, use let or const instead",
        ),
    ]


def test_parsing_error_has_no_rule_and_scoped_rules_parse() -> None:
    text = (
        "/p/a.ts\n"
        "  1:10  error  Parsing error: Unexpected token (\n"
        "  2:1   error  Unexpected any. Specify a different type  @typescript-eslint/no-explicit-any\n"
    )
    assert [(f.line, f.code, f.message) for f in eslint.parse(text)] == [
        (1, None, "Parsing error: Unexpected token ("),
        (2, "@typescript-eslint/no-explicit-any", "Unexpected any. Specify a different type"),
    ]


def test_rows_before_any_file_header_are_ignored() -> None:
    assert eslint.parse("  1:1  error  orphan  no-undef\n") == []
