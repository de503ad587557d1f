"""whitespace: trailing whitespace, final newlines and mixed line endings, on real linters' reports."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from healer.config.settings import Stage
from healer.diagnostics.diagnostic import Diagnostic
from healer.rules.actions.whitespace import run
from healer.rules.outcome import Proposal

from .helpers_hygiene import PYTHON, RUFF, apply, context, diagnostics_of, make_repo, pick, tree

RUFF_W = Stage(name="lint", run=(RUFF, "check", "--no-cache", "--select", "W", "."), kind="lint", parser="ruff")
FLAKE8 = Stage(name="lint", run=(PYTHON, "-m", "flake8", "."), kind="lint")
# A byte order mark, UTF-8 and CRLF endings: everything but the whitespace must come back byte for byte.
BOM_CRLF = "\ufeffname = '\xe9t\xe9'  \r\n\r\nother = 1 \t\r\n    \r\nlast = 2\r\n".encode()


def test_ruff_trailing_whitespace_is_removed_on_the_reported_line_only(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"names.py": BOM_CRLF})
    found, _ = diagnostics_of(RUFF_W, root)
    first = pick(found, code="W291", line=1)
    before = tree(root)

    result = run(context(root, first, stage=RUFF_W))

    assert tree(root) == before
    assert isinstance(result, Proposal)
    apply(root, result)
    assert (root / "names.py").read_bytes() == BOM_CRLF.replace("'\xe9t\xe9'  ".encode(), "'\xe9t\xe9'".encode())
    left = {(item.code, item.line) for item in diagnostics_of(RUFF_W, root)[0]}
    assert left == {("W291", 3), ("W293", 4)}


def test_scope_file_cleans_every_line(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"names.py": BOM_CRLF})
    found, _ = diagnostics_of(RUFF_W, root)

    result = run(context(root, pick(found, code="W293"), {"scope": "file"}, stage=RUFF_W))

    assert isinstance(result, Proposal)
    apply(root, result)
    assert diagnostics_of(RUFF_W, root)[0] == []
    assert (root / "names.py").read_bytes().count(b"\r\n") == BOM_CRLF.count(b"\r\n")


def test_flake8_missing_final_newline_gets_the_files_own_ending(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"crlf.py": b"a = 1\r\nb = 2\r\nc = 3"})
    found, _ = diagnostics_of(FLAKE8, root)
    missing = pick(found, tool="flake8", code="W292")

    result = run(context(root, missing, stage=FLAKE8))

    assert isinstance(result, Proposal)
    apply(root, result)
    assert (root / "crlf.py").read_bytes() == b"a = 1\r\nb = 2\r\nc = 3\r\n"
    assert diagnostics_of(FLAKE8, root)[0] == []


def test_a_generic_message_from_git_diff_check(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"notes.txt": "one\ntwo\n"})
    (root / "notes.txt").write_text("one  \ntwo\t\n")
    stage = Stage(name="whitespace", run=("git", "diff", "--check"), kind="lint")
    found, _ = diagnostics_of(stage, root)
    second = pick(found, line=2)
    assert second.message.startswith("trailing whitespace")

    result = run(context(root, second, stage=stage))

    assert isinstance(result, Proposal)
    apply(root, result)
    assert (root / "notes.txt").read_text() == "one  \ntwo\n"


def test_mixed_line_endings_become_the_majority(tmp_path: Path) -> None:
    content = b"a = 1\r\nb = 2\nc = 3\r\nd = 4\r\n"
    root = make_repo(tmp_path / "repo", {"mixed.py": content})
    stage = Stage(name="endings", run=(PYTHON, "-m", "pre_commit_hooks.mixed_line_ending", "--fix=no", "mixed.py"))
    found, output = diagnostics_of(stage, root)
    (failure,) = found
    assert failure.file is None  # the hook names the file, but no line: healer's stage-failure diagnostic
    before = tree(root)

    result = run(context(root, failure, stage=stage, output=output))

    assert tree(root) == before
    assert isinstance(result, Proposal)
    apply(root, result)
    assert (root / "mixed.py").read_bytes() == content.replace(b"2\n", b"2\r\n")
    assert diagnostics_of(stage, root)[0] == []


def test_pre_commit_hooks_fixing_lines_name_the_files(tmp_path: Path) -> None:
    config = (
        "repos:\n- repo: local\n  hooks:\n"
        "  - {id: trailing-whitespace, name: trim, entry: python -m pre_commit_hooks.trailing_whitespace_fixer,"
        " language: system, types: [text]}\n"
        "  - {id: end-of-file-fixer, name: eof, entry: python -m pre_commit_hooks.end_of_file_fixer,"
        " language: system, types: [text]}\n"
    )
    root = make_repo(
        tmp_path / "repo", {".pre-commit-config.yaml": config, "a.py": "x = 1  \ny = 2", "b.py": "z = 3\n"}
    )
    # The hooks fix files in place: run them in a clone, as healer runs stages in its shadow tree.
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)
    stage = Stage(name="hooks", run=(PYTHON, "-m", "pre_commit", "run", "--all-files", "--color", "never"))
    found, output = diagnostics_of(stage, clone)
    failure = found[0]
    assert "Fixing a.py" in output and failure.file is None

    result = run(context(root, failure, stage=stage, output=output))

    assert isinstance(result, Proposal)
    assert [edit.path for edit in result.edits] == ["a.py"]
    apply(root, result)
    assert (root / "a.py").read_bytes() == (clone / "a.py").read_bytes() == b"x = 1\ny = 2\n"


def test_refusals(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"names.py": BOM_CRLF, "wide.py": "x = 1  \n".encode("utf-16")})
    found, _ = diagnostics_of(RUFF_W, root)
    first = pick(found, code="W291", line=1)

    assert run(context(root, first._replace(line=2))) is None  # a stale line: nothing trailing there
    assert run(context(root, first, {"fix": ["final-newline"]})) is None  # the params exclude what is wrong
    assert run(context(root, first._replace(file="wide.py", line=1))) is None  # UTF-16: bytes are not characters
    assert run(context(root, first._replace(file="gone.py"))) is None
    (tmp_path / "outside.py").write_text("x = 1  \n")
    assert run(context(root, first._replace(file="../outside.py"))) is None
    assert run(context(root, first._replace(code="E501", message="Line too long (130 > 120)"))) is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"a\r\nb\nc\r\n", b"a\r\nb\r\nc\r\n"),  # CRLF is the majority
        (b"a\nb\r\nc\n\xc3\xa9", b"a\nb\nc\n\xc3\xa9"),  # LF is; no final newline is added unasked
        (b"a\r\nb\n", b"a\nb\n"),  # a tie goes to LF, as pre-commit-hooks decides it
        (b"a\rb\rc\n", b"a\rb\rc\r"),  # old Mac endings count too
    ],
)
def test_a_generic_mixed_line_endings_message(tmp_path: Path, content: bytes, expected: bytes) -> None:
    # Written by hand: no tool installed with healer reports mixed endings with a file name (pre-commit-hooks,
    # tested above on its real output, is optional).
    root = make_repo(tmp_path / "repo", {"data.txt": content})
    found = Diagnostic("lint", "generic", "data.txt", None, None, None, "mixed line endings", "error", "fp")

    result = run(context(root, found))

    assert isinstance(result, Proposal)
    assert result.edits[0].after == expected
