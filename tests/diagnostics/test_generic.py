from __future__ import annotations

import pytest

from healer.diagnostics.parsers import generic


def test_compiler_style_lines() -> None:
    text = (
        "src/main.c:3:5: error: expected ';' before '}'\n"
        "lib/x.rb:10: warning: assigned but unused variable - y\n"
        "C:\\proj\\a.cs:3:1: error[CS1002]: ; expected\n"
        "build.gradle:7: note: deprecated\n"
        "  app.go:12:2: undefined: foo\n"
    )
    assert [(f.tool, f.file, f.line, f.column, f.code, f.severity, f.message) for f in generic.parse(text)] == [
        ("generic", "src/main.c", 3, 5, None, "error", "expected ';' before '}'"),
        ("generic", "lib/x.rb", 10, None, None, "warning", "assigned but unused variable - y"),
        ("generic", "C:\\proj\\a.cs", 3, 1, "CS1002", "error", "; expected"),
        ("generic", "build.gradle", 7, None, None, "info", "deprecated"),
        ("generic", "app.go", 12, 2, None, "error", "undefined: foo"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "12:34:56 server started",
        "2024-01-01 12:34:56: boot complete",
        "2024-01-01T12:34:56: boot complete",
        "[12:00:01] info: ready",
        "http://x:80/ is up",
        "https://example.org:8080/path: fetched",
        "localhost:8080: connection refused",
        "example.com:443: connection refused",
        "v1.2:3: not a file",
        "Step 3:4: not a file either",
        "ERROR:root:12: message",
    ],
)
def test_ordinary_log_lines_are_not_findings(line: str) -> None:
    assert generic.parse(line + "\n") == []
