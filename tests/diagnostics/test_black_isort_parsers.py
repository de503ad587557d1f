"""black's and isort's check reports become diagnostics naming the file: real runs of both tools, in a small project."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from healer.diagnostics.ansi import strip_ansi
from healer.diagnostics.diagnose import diagnose
from healer.diagnostics.diagnostic import Diagnostic
from healer.diagnostics.guess import guess_parser
from healer.diagnostics.parsers import black, isort

RunModule = Callable[[Path, Sequence[str]], subprocess.CompletedProcess[str]]

PROJECT = {
    "app.py": 'x = {  "a":1 }\n',
    "sub dir/b c.py": "import sys\nimport os\n\nprint(os,sys)\n",
    "ok.py": "y = 1\n",
    "pkg/bad.py": "x = 1\ndef f(:\n    pass\n",
    "pkg/old.py": 'print "hi"\n',
}
UNDECODABLE = ("pkg/latin.py", b"x = 1\nname = '\xe9'\n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "my project"
    for name, text in PROJECT.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / UNDECODABLE[0]).write_bytes(UNDECODABLE[1])
    return root


def run(run_module: RunModule, root: Path, args: Sequence[str], *, cwd: str = "") -> tuple[int, str]:
    """The tool's exit code and its whole output (stderr first: black and isort report there, diffs go to stdout)."""
    done = run_module(root / cwd, args)
    return done.returncode, done.stderr + done.stdout


def found(
    root: Path, output: str, argv: Sequence[str], *, parser: str | None = None, cwd: str = ""
) -> list[tuple[object, ...]]:
    diagnostics = diagnose(
        stage="check", output=output, root=root, cwd=root / cwd, parser=parser, argv=argv, exit_code=1
    )
    return sorted(fields(diagnostics), key=str)


def fields(diagnostics: list[Diagnostic]) -> list[tuple[object, ...]]:
    return [(d.tool, d.file, d.line, d.column, d.code, d.message) for d in diagnostics]


BLACK_CHECK = [
    ("black", "app.py", None, None, "would-reformat", "would reformat"),
    ("black", "pkg/bad.py", 2, 6, "parse-error", "cannot parse: ParseError: bad input"),
    (
        "black",
        "pkg/latin.py",
        None,
        None,
        "cannot-format",
        "'utf-8' codec can't decode byte 0xe9 in position 14: invalid continuation byte",
    ),
    ("black", "pkg/old.py", 1, 6, "parse-error", "cannot parse: ParseError: bad input"),
    ("black", "sub dir/b c.py", None, None, "would-reformat", "would reformat"),
]


@pytest.mark.parametrize(
    "flags",
    [["--check"], ["--check", "--diff"], ["--diff"], ["--check", "--diff", "--color"]],
    ids=["check", "check-diff", "diff", "color"],
)
def test_black_check_names_every_file_it_would_change_or_cannot_parse(
    project: Path, run_module: RunModule, flags: list[str]
) -> None:
    code, output = run(run_module, project, ["black", *flags, "."])
    assert code == 123  # some files could not be formatted
    assert "Oh no!" in output
    assert found(project, strip_ansi(output), ["black", *flags, "."]) == BLACK_CHECK


def test_black_quiet_diff_is_read_from_the_diff_headers_alone(project: Path, run_module: RunModule) -> None:
    code, output = run(run_module, project, ["black", "--check", "--diff", "--quiet", "app.py", "sub dir"])
    assert code == 1 and "would reformat" not in output  # only the diff is printed
    assert found(project, output, ["black", "--check", "--diff", "--quiet", "app.py", "sub dir"]) == [
        ("black", "app.py", None, None, "would-reformat", "would reformat"),
        ("black", "sub dir/b c.py", None, None, "would-reformat", "would reformat"),
    ]


def test_black_paths_given_relative_from_a_subfolder(project: Path, run_module: RunModule) -> None:
    code, output = run(run_module, project, ["black", "--check", "bad.py", "old.py", "../app.py"], cwd="pkg")
    assert code == 123
    assert "error: cannot parse: bad.py:2:6" in output  # black prints the path as it was given
    assert found(project, output, ["black", "--check", "."], cwd="pkg") == [
        ("black", "app.py", None, None, "would-reformat", "would reformat"),
        ("black", "pkg/bad.py", 2, 6, "parse-error", "cannot parse: ParseError: bad input"),
        ("black", "pkg/old.py", 1, 6, "parse-error", "cannot parse: ParseError: bad input"),
    ]


def test_black_target_version_parse_error(project: Path, run_module: RunModule) -> None:
    code, output = run(run_module, project, ["black", "--check", "--target-version", "py311", "pkg/old.py"])
    assert code == 123
    assert found(project, output, ["black", "--check", "."]) == [
        (
            "black",
            "pkg/old.py",
            1,
            6,
            "parse-error",
            "cannot parse for target version Python 3.11: ParseError: bad input",
        )
    ]


def test_black_unclosed_bracket_is_a_token_error(tmp_path: Path, run_module: RunModule) -> None:
    (tmp_path / "open.py").write_text("x = (\n", encoding="utf-8")
    code, output = run(run_module, tmp_path, ["black", "--check", "open.py"])
    assert code == 123
    assert found(tmp_path, output, ["black"]) == [
        ("black", "open.py", 1, 5, "parse-error", "cannot parse: TokenError: Unexpected EOF in multi-line statement")
    ]


def test_black_before_25_wrote_parse_errors_after_cannot_format() -> None:
    # black 24's Report.failed: `error: cannot format {src}: {message}`, the message "Cannot parse: L:C: source".
    text = (
        "error: cannot format /repo/pkg/bad.py: Cannot parse: 2:6: def f(:\n"
        "error: cannot format /repo/old.py: Cannot parse for target version Python 3.11: 1:6: print 'hi'\n"
        "error: cannot format /repo/x.py: INTERNAL ERROR: Black produced code that is not equivalent to the"
        " source.  Please report a bug on https://github.com/psf/black/issues.  This diff might be helpful: /tmp/blk.log\n"
        "\nOh no! 💥 💔 💥\n3 files would fail to reformat.\n"
    )
    assert [(f.file, f.line, f.column, f.code, f.message) for f in black.parse(text)] == [
        ("/repo/pkg/bad.py", 2, 6, "parse-error", "Cannot parse: def f(:"),
        ("/repo/old.py", 1, 6, "parse-error", "Cannot parse for target version Python 3.11: print 'hi'"),
        (
            "/repo/x.py",
            None,
            None,
            "internal-error",
            "INTERNAL ERROR: Black produced code that is not equivalent to the source",
        ),
    ]


def test_black_internal_error_places_the_file_not_a_line_of_blacks_output() -> None:
    # black 25+: the context spans two lines; the position is in black's own output, not the file.
    text = (
        "error: INTERNAL ERROR: Black 26.10.1 on Python (CPython) 3.11.7 produced invalid code:\n"
        "cannot parse: /repo/x.py:3:4\n    y = (\n       ^\nParseError: bad input\n"
        "Please report a bug on https://github.com/psf/black/issues.  This invalid output might be helpful: /tmp/b.log\n"
    )
    assert [(f.file, f.line, f.code, f.message) for f in black.parse(text)] == [
        (
            "/repo/x.py",
            None,
            "internal-error",
            "INTERNAL ERROR: Black 26.10.1 on Python (CPython) 3.11.7 produced invalid code",
        )
    ]


ISORT_UNSORTED = [
    ("isort", "sub dir/b c.py", None, None, "unsorted-imports", "Imports are incorrectly sorted and/or formatted.")
]


@pytest.mark.parametrize(
    "flags", [["--check-only"], ["--check-only", "--diff"], ["--check-only", "--quiet"], ["-c", "--diff", "-q"]]
)
def test_isort_check_names_the_unsorted_file(project: Path, run_module: RunModule, flags: list[str]) -> None:
    (project / UNDECODABLE[0]).unlink()
    code, output = run(run_module, project, ["isort", *flags, "."])
    assert code == 1
    assert "ERROR: " in output
    assert found(project, output, ["isort", *flags, "."]) == ISORT_UNSORTED


def test_isort_diff_headers_alone_name_the_file(project: Path, run_module: RunModule) -> None:
    code, output = run(run_module, project, ["isort", "--check-only", "--diff", "b c.py"], cwd="sub dir")
    assert code == 1
    diff = "\n".join(line for line in output.splitlines() if not line.startswith("ERROR: "))
    assert "--- " in diff and ":before\t" in diff
    assert found(project, diff, ["isort"], cwd="sub dir") == ISORT_UNSORTED


def test_isort_unreadable_file_is_a_warning_with_its_file(project: Path, run_module: RunModule) -> None:
    code, output = run(run_module, project, ["isort", "--check-only", "."])
    assert code == 1
    assert "Unable to parse file" in output
    diagnostics = diagnose(
        stage="isort", output=output, root=project, cwd=project, parser=None, argv=["isort"], exit_code=1
    )
    unreadable = [d for d in diagnostics if d.code == "parse-error"]
    assert [(d.file, d.severity) for d in unreadable] == [("pkg/latin.py", "warning")]
    assert "can't decode byte 0xe9" in unreadable[0].message


@pytest.mark.parametrize(
    ("command", "parser"),
    [
        (["black", "--check", "."], "black"),
        (["python", "-m", "black", "--check", "."], "black"),
        (["uv", "run", "black", "--check", "--diff", "src"], "black"),
        (["isort --check-only --diff ."], "isort"),
        (["python3", "-m", "isort", "-c", "."], "isort"),
    ],
)
def test_the_command_chooses_the_parser(command: list[str], parser: str) -> None:
    assert guess_parser(command) == parser


def test_read_under_every_parser_a_stage_may_name(project: Path, run_module: RunModule) -> None:
    _, output = run(run_module, project, ["black", "--check", "."])
    argv = [sys.executable, "-m", "black", "--check", "."]
    # "generic" is what `healer init` wrote for black and isort stages: it reads nothing, "auto" then does.
    for parser in (None, "black", "auto", "generic"):
        assert found(project, output, argv, parser=parser) == BLACK_CHECK, parser
    assert isort.parse(output) == []  # black's report is not isort's


def test_other_diffs_are_not_taken_for_black_or_isort(tmp_path: Path, recorded: Callable[[str, str], str]) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "b.py").write_text("x = 2\n")
    gnu = subprocess.run(["diff", "-u", "a.py", "b.py"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert gnu.stdout.startswith("--- a.py\t")  # GNU diff's header carries a timestamp too, with its zone apart
    for text in (gnu.stdout, recorded("ruff", "format_diff"), recorded("ruff", "format_check")):
        assert black.parse(text) == [] and isort.parse(text) == []
