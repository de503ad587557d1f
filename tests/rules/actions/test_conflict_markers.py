"""conflict-markers: a real merge's markers are reported with every block's place, and never edited."""

from __future__ import annotations

import subprocess
from pathlib import Path

from healer.config.settings import Stage
from healer.rules.actions.conflict_markers import KIND, find_blocks, run
from healer.rules.outcome import Report

from .helpers_hygiene import PYTHON, RUFF, context, diagnostics_of, make_repo, pick, tree

RUFF_CHECK = Stage(name="lint", run=(RUFF, "check", "--no-cache", "."), kind="lint", parser="ruff")
# Far enough apart for git to make two conflict blocks of them.
BASE = "PRICE = 1\n" + "".join(f"KEEP_{n} = {n}\n" for n in range(8)) + "TAX = 0\n"
IDENTITY = ["-c", "user.name=t", "-c", "user.email=t@t"]


def conflicted(where: Path) -> Path:
    """A repository mid-merge: both branches changed both constants of app.py."""
    root = make_repo(where, {"app.py": BASE})

    def commit(text: str, message: str) -> None:
        (root / "app.py").write_text(text)
        subprocess.run(["git", *IDENTITY, "commit", "-q", "-am", message], cwd=root, check=True)

    subprocess.run(["git", "checkout", "-q", "-b", "other"], cwd=root, check=True)
    commit(BASE.replace("PRICE = 1", "PRICE = 2").replace("TAX = 0", "TAX = 5"), "other")
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)
    commit(BASE.replace("PRICE = 1", "PRICE = 3").replace("TAX = 0", "TAX = 7"), "main")
    merge = subprocess.run(["git", *IDENTITY, "merge", "-q", "other"], cwd=root, capture_output=True)
    assert merge.returncode != 0  # the conflict this test is about
    return root


def test_ruff_syntax_errors_at_markers_report_every_block(tmp_path: Path) -> None:
    root = conflicted(tmp_path / "repo")
    blocks = find_blocks((root / "app.py").read_bytes())
    assert len(blocks) == 2
    found, _ = diagnostics_of(RUFF_CHECK, root)
    at_second = pick(found, line=blocks[1].end, column=1)
    before = tree(root)

    result = run(context(root, at_second, stage=RUFF_CHECK))

    assert tree(root) == before  # reported, never resolved
    assert isinstance(result, Report)
    assert (result.kind, result.file, result.line) == (KIND, "app.py", blocks[0].start)
    for block in blocks:
        assert f"app.py:{block.start} (to line {block.end})" in result.message


def test_python_syntax_error_at_a_marker(tmp_path: Path) -> None:
    root = conflicted(tmp_path / "repo")
    stage = Stage(name="run", run=(PYTHON, "app.py"))
    (found,) = diagnostics_of(stage, root)[0]
    assert (found.code, found.message) == ("SyntaxError", "invalid syntax")

    result = run(context(root, found, stage=stage))

    assert isinstance(result, Report) and result.kind == KIND


def test_pre_commit_check_merge_conflict(tmp_path: Path) -> None:
    root = conflicted(tmp_path / "repo")
    stage = Stage(name="hooks", run=(PYTHON, "-m", "pre_commit_hooks.check_merge_conflict", "app.py"))
    found, _ = diagnostics_of(stage, root)
    first = found[0]
    assert "Merge conflict string" in first.message

    result = run(context(root, first, stage=stage))

    assert isinstance(result, Report) and result.line == first.line


def test_what_is_not_a_conflict(tmp_path: Path) -> None:
    underline = "Title\n=======\n\n>>>>>>> quoted mail\n"
    root = make_repo(tmp_path / "repo", {"doc.rst": underline, "bad.py": "x = = 1\n", "late.py": "x = 1\n"})
    (root / "late.py").write_text("<<<<<<< HEAD\na = 1\n=======\na = 2\n>>>>>>> b\n\nz = = 3\n")
    found, _ = diagnostics_of(RUFF_CHECK, root)

    assert find_blocks(underline.encode()) == []
    assert run(context(root, pick(found, file="bad.py"))) is None  # a syntax error, but no markers
    assert run(context(root, pick(found, file="bad.py")._replace(file="doc.rst", line=2))) is None
    after_block = pick(found, file="late.py", line=7)
    assert run(context(root, after_block)) is None  # the file has markers, but this error is elsewhere
