from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from healer.diagnostics.ansi import strip_ansi
from healer.diagnostics.diagnostic import Finding
from healer.diagnostics.parsers import flake8

RunModule = Callable[[Path, Sequence[str]], subprocess.CompletedProcess[str]]


def fields(findings: list[Finding]) -> list[tuple[object, ...]]:
    return [(f.file, f.line, f.column, f.code, f.message, f.severity) for f in findings]


@pytest.mark.parametrize("case", ["default", "color"])
def test_recorded(recorded: Callable[[str, str], str], case: str) -> None:
    findings = flake8.parse(strip_ansi(recorded("flake8", case)))
    assert fields(findings) == [
        ("pkg/core.py", 1, 1, "F401", "'os' imported but unused", "error"),
        ("pkg/core.py", 2, 1, "F401", "'sys' imported but unused", "error"),
        ("pkg/core.py", 3, 1, "F401", "'typing.Any' imported but unused", "error"),
        ("pkg/core.py", 26, 9, "F821", "undefined name 'undefined_name'", "error"),
        ("pkg/core.py", 27, 1, "F821", "undefined name 'reveal_type'", "error"),
        ("pkg/core.py", 28, 1, "E741", "ambiguous variable name 'l'", "error"),
        ("pkg/core.py", 29, 1, "E302", "expected 2 blank lines, found 0", "error"),
        ("pkg/core.py", 29, 4, "E271", "multiple spaces after keyword", "error"),
        ("pkg/core.py", 29, 19, "E201", "whitespace after '('", "error"),
        ("pkg/core.py", 29, 21, "E202", "whitespace before ')'", "error"),
        (
            "pkg/other.py",
            2,
            5,
            "F841",
            "local variable 'answer' is assigned to but never used",
            "error",
        ),
        ("pkg/other.py", 6, 14, "E711", "comparison to None should be 'if cond is None:'", "error"),
    ]
    assert {f.tool for f in findings} == {"flake8"}


def test_syntax_error(recorded: Callable[[str, str], str]) -> None:
    assert fields(flake8.parse(recorded("flake8", "syntax_error"))) == [
        ("syntax.py", 1, 13, "E999", "SyntaxError: invalid syntax", "error")
    ]


def test_w_codes_are_warnings_and_windows_paths_parse() -> None:
    text = "C:\\proj\\a.py:3:1: W291 trailing whitespace\n"
    assert fields(flake8.parse(text)) == [("C:\\proj\\a.py", 3, 1, "W291", "trailing whitespace", "warning")]


def test_live_flake8(tmp_path: Path, run_module: RunModule) -> None:
    (tmp_path / "bad.py").write_text("import os\nprint(missing)\n", encoding="utf-8")
    result = run_module(tmp_path, ["flake8", "--isolated", "bad.py"])
    assert result.returncode == 1
    assert fields(flake8.parse(result.stdout)) == [
        ("bad.py", 1, 1, "F401", "'os' imported but unused", "error"),
        ("bad.py", 2, 7, "F821", "undefined name 'missing'", "error"),
    ]
