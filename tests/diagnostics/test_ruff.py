from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from healer.diagnostics.ansi import strip_ansi
from healer.diagnostics.diagnostic import Finding
from healer.diagnostics.parsers import ruff

CHECK = [
    ("pkg/core.py", 1, 8, "F401", "`os` imported but unused"),
    ("pkg/core.py", 2, 8, "F401", "`sys` imported but unused"),
    ("pkg/core.py", 3, 20, "F401", "`typing.Any` imported but unused"),
    ("pkg/core.py", 26, 9, "F821", "Undefined name `undefined_name`"),
    ("pkg/core.py", 27, 1, "F821", "Undefined name `reveal_type`"),
    ("pkg/core.py", 28, 1, "E741", "Ambiguous variable name: `l`"),
    ("pkg/other.py", 2, 5, "F841", "Local variable `answer` is assigned to but never used"),
    ("pkg/other.py", 6, 17, "E711", "Comparison to `None` should be `cond is None`"),
]


RunModule = Callable[[Path, Sequence[str]], subprocess.CompletedProcess[str]]


def fields(findings: list[Finding]) -> list[tuple[object, ...]]:
    return [(f.file, f.line, f.column, f.code, f.message) for f in findings]


@pytest.mark.parametrize("case", ["check_full", "check_full_color", "check_concise"])
def test_check_text_formats(recorded: Callable[[str, str], str], case: str) -> None:
    findings = ruff.parse(strip_ansi(recorded("ruff", case)))
    assert fields(findings) == CHECK
    assert {(f.tool, f.severity) for f in findings} == {("ruff", "error")}


def test_check_json_has_absolute_paths(recorded: Callable[[str, str], str]) -> None:
    findings = ruff.parse(recorded("ruff", "check_json"))
    expected = [("/tmp/healer-fixture/" + file, *rest) for file, *rest in CHECK]
    assert fields(findings) == expected


@pytest.mark.parametrize("case", ["check_syntax_error", "check_syntax_error_concise"])
def test_syntax_errors(recorded: Callable[[str, str], str], case: str) -> None:
    assert fields(ruff.parse(recorded("ruff", case))) == [
        (
            "syntax.py",
            1,
            12,
            "invalid-syntax",
            "Expected a parameter or the end of the parameter list",
        ),
        ("syntax.py", 1, 13, "invalid-syntax", "Expected `)`, found newline"),
    ]


@pytest.mark.parametrize("case", ["format_check", "format_diff"])
def test_format_check_names_the_file(recorded: Callable[[str, str], str], case: str) -> None:
    assert fields(ruff.parse(recorded("ruff", case))) == [
        ("pkg/core.py", None, None, "unformatted", "File would be reformatted")
    ]


def test_older_would_reformat_line() -> None:
    # ruff before 0.9 printed this instead of the `unformatted:` diagnostic.
    assert fields(ruff.parse("Would reformat: src/app.py\n1 file would be reformatted\n")) == [
        ("src/app.py", None, None, "unformatted", "File would be reformatted")
    ]


def test_clean_run_has_no_findings(recorded: Callable[[str, str], str]) -> None:
    assert ruff.parse(recorded("ruff", "check_clean")) == []


def test_lines_without_a_code_are_not_ruff() -> None:
    assert ruff.parse("main.c:3:5: error: expected ';'\nnotes.txt:1:1: some words\n") == []


def test_invalid_json_falls_back_to_text() -> None:
    assert fields(ruff.parse("[not json\na.py:1:1: F401 [*] `os` imported but unused\n")) == [
        ("a.py", 1, 1, "F401", "`os` imported but unused")
    ]


def test_live_ruff_check_and_format(tmp_path: Path, run_module: RunModule) -> None:
    (tmp_path / "bad.py").write_text("import os\nprint(missing)\nx  =  1\n", encoding="utf-8")
    check = run_module(tmp_path, ["ruff", "check", "--isolated", "--select", "F", "bad.py"])
    assert check.returncode == 1
    assert fields(ruff.parse(check.stdout)) == [
        ("bad.py", 1, 8, "F401", "`os` imported but unused"),
        ("bad.py", 2, 7, "F821", "Undefined name `missing`"),
    ]
    concise = run_module(
        tmp_path,
        ["ruff", "check", "--isolated", "--select", "F", "--output-format=concise", "bad.py"],
    )
    assert fields(ruff.parse(concise.stdout)) == fields(ruff.parse(check.stdout))
    formatted = run_module(tmp_path, ["ruff", "format", "--isolated", "--check", "bad.py"])
    assert formatted.returncode == 1
    assert [(f.file, f.code) for f in ruff.parse(formatted.stdout + formatted.stderr)] == [("bad.py", "unformatted")]
