from __future__ import annotations

from collections.abc import Callable

import pytest

from healer.diagnostics.ansi import strip_ansi
from healer.diagnostics.parsers import tsc

EXPECTED = [
    ("src/a.ts", 1, 7, "TS2322", "Type 'string' is not assignable to type 'number'."),
    (
        "src/a.ts",
        5,
        7,
        "TS2345",
        "Argument of type 'number' is not assignable to parameter of type 'string'.",
    ),
    ("src/a.ts", 6, 13, "TS2304", "Cannot find name 'undefinedThing'."),
    (
        "src/point.ts",
        2,
        14,
        "TS2741",
        "Property 'y' is missing in type '{ x: number; }' but required in type 'Point'.",
    ),
]


@pytest.mark.parametrize("case", ["plain", "pretty", "tsc5_plain", "tsc5_pretty"])
def test_recorded(recorded: Callable[[str, str], str], case: str) -> None:
    # TypeScript 7 (native) and 5 differ in how pretty output shows related
    # locations ("'y' is declared here."); those are context, not findings.
    findings = tsc.parse(strip_ansi(recorded("tsc", case)))
    assert [(f.file, f.line, f.column, f.code, f.message) for f in findings] == EXPECTED
    assert {(f.tool, f.severity) for f in findings} == {("tsc", "error")}


def test_error_without_location() -> None:
    findings = tsc.parse("error TS5023: Unknown compiler option 'strictt'.\n")
    assert [(f.file, f.code, f.message) for f in findings] == [(None, "TS5023", "Unknown compiler option 'strictt'.")]
