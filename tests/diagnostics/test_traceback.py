from __future__ import annotations

from collections.abc import Callable

import pytest

from healer.diagnostics.parsers import traceback

ROOT = "/tmp/healer-fixture/"


@pytest.mark.parametrize(
    ("case", "file", "line", "code", "message", "suggestion"),
    [
        (
            "module_not_found",
            "module_not_found.py",
            1,
            "ModuleNotFoundError",
            "No module named 'helper_lib_that_does_not_exist'",
            None,
        ),
        (
            "cannot_import_name",
            "cannot_import_name.py",
            1,
            "ImportError",
            "cannot import name 'laods' from 'json' (/python/lib/python3.11/json/__init__.py)",
            None,
        ),
        ("name_error", "name_error.py", 2, "NameError", "name 'countr' is not defined", "counter"),
        (
            "attribute_error",
            "attribute_error.py",
            3,
            "AttributeError",
            "module 'json' has no attribute 'lods'",
            "loads",
        ),
        (
            "attribute_error_object",
            "attribute_error_object.py",
            7,
            "AttributeError",
            "'Point' object has no attribute 'y'",
            None,
        ),
        ("syntax_error", "syntax_error.py", 1, "SyntaxError", "invalid syntax", None),
        (
            "indentation_error",
            "indentation_error.py",
            2,
            "IndentationError",
            "expected an indented block after function definition on line 1",
            None,
        ),
        # The innermost frames are in the standard library; the caller is the place.
        (
            "stdlib_frame",
            "stdlib_frame.py",
            5,
            "json.decoder.JSONDecodeError",
            "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
            None,
        ),
        # Of a chain, the last exception is the one reported.
        ("chained", "chained.py", 5, "RuntimeError", "cannot parse 'x1'", None),
        ("module_run", "app/main.py", 2, "NameError", "name 'countr' is not defined", "counter"),
    ],
)
def test_recorded(
    recorded: Callable[[str, str], str],
    case: str,
    file: str,
    line: int,
    code: str,
    message: str,
    suggestion: str | None,
) -> None:
    findings = traceback.parse(recorded("traceback", case))
    assert [(f.file, f.line, f.code, f.message, f.suggestion) for f in findings] == [
        (ROOT + file, line, code, message, suggestion)
    ]
    assert findings[0].tool == "python"


def test_only_library_frames_falls_back_to_innermost() -> None:
    text = (
        "Traceback (most recent call last):\n"
        '  File "/usr/lib/python3.12/runpy.py", line 88, in _run_code\n'
        '  File "/venv/lib/python3.12/site-packages/tool/cli.py", line 5, in main\n'
        "KeyError: 'x'\n"
    )
    assert [(f.file, f.line) for f in traceback.parse(text)] == [("/venv/lib/python3.12/site-packages/tool/cli.py", 5)]


def test_two_independent_tracebacks_and_bare_exception() -> None:
    one = 'Traceback (most recent call last):\n  File "a.py", line 1, in <module>\nKeyboardInterrupt\n'
    two = 'Traceback (most recent call last):\n  File "b.py", line 2, in <module>\nValueError: no\n'
    findings = traceback.parse(one + "some log line\n" + two)
    assert [(f.file, f.code, f.message) for f in findings] == [
        ("a.py", "KeyboardInterrupt", "KeyboardInterrupt"),
        ("b.py", "ValueError", "no"),
    ]


def test_header_without_exception_line_yields_nothing() -> None:
    assert traceback.parse('Traceback (most recent call last):\n  File "a.py", line 1, in f\n') == []
