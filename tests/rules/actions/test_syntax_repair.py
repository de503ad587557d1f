"""syntax-repair: one proven repair of a missing colon or an unclosed bracket, from every tool that reports it."""

from __future__ import annotations

from pathlib import Path

from healer.config.settings import Stage
from healer.rules.actions.syntax_repair import run
from healer.rules.outcome import Proposal

from .helpers_hygiene import PYTHON, RUFF, apply, context, diagnostics_of, make_repo, pick, run_tool, tree

RUFF_CHECK = Stage(name="lint", run=(RUFF, "check", "--no-cache", "."), kind="lint", parser="ruff")
MYPY = Stage(name="types", run=(PYTHON, "-m", "mypy", "--no-incremental", "."), kind="typecheck")
PYTEST = Stage(name="test", run=(PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"), kind="test")


def repaired(root: Path, stage: Stage, file: str, **fields: object) -> bytes:
    """The file after the action's proposal for the diagnostic matching `fields` is applied."""
    found, _ = diagnostics_of(stage, root)
    diagnostic = pick(found, file=file, **fields)
    before = tree(root)
    result = run(context(root, diagnostic, stage=stage))
    assert tree(root) == before
    assert isinstance(result, Proposal), found
    assert [edit.path for edit in result.edits] == [file]
    apply(root, result)
    return (root / file).read_bytes()


def test_ruff_missing_colon_after_a_def(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"lib.py": "def double(x)\n    return 2 * x\n"})

    assert repaired(root, RUFF_CHECK, "lib.py", line=1) == b"def double(x):\n    return 2 * x\n"
    assert diagnostics_of(RUFF_CHECK, root)[0] == []


def test_a_multi_line_header_gets_its_colon_on_the_last_line(tmp_path: Path) -> None:
    source = "class Box:\n    def put(self, a,\n            b)  # two\n        return a\n"
    root = make_repo(tmp_path / "repo", {"box.py": source})

    after = repaired(root, RUFF_CHECK, "box.py", line=3)

    assert after == source.replace("b)  #", "b):  #").encode()


def test_python_traceback_unclosed_bracket(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"main.py": "total = sum([1, 2]\nprint(total)\n"})
    stage = Stage(name="run", run=(PYTHON, "main.py"), kind="other")

    assert repaired(root, stage, "main.py", code="SyntaxError") == b"total = sum([1, 2])\nprint(total)\n"
    assert diagnostics_of(stage, root)[0] == []


def test_pytest_collection_error_keeps_the_encoding_and_line_endings(tmp_path: Path) -> None:
    source = "\ufeff# caf\xe9\r\nfor_each = [1]\r\n\r\ndef test_sum()\r\n    assert sum(for_each) == 1\r\n"
    root = make_repo(tmp_path / "repo", {"test_sum.py": source.encode()})

    after = repaired(root, PYTEST, "test_sum.py", code="SyntaxError")

    assert after == source.replace("test_sum()", "test_sum():").encode()
    assert run_tool(PYTEST.argv(), root)[0] == 0


def test_mypy_reports_the_line_after_the_bracket(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"calc.py": "value = max(1, 2\nnext_value = value + 1\n"})
    found, _ = diagnostics_of(MYPY, root)
    first = found[0]
    assert (first.tool, first.code, first.line) == ("mypy", "syntax", 2)  # the bracket itself is on line 1

    result = run(context(root, first, stage=MYPY))

    assert isinstance(result, Proposal)
    apply(root, result)
    assert (root / "calc.py").read_text() == "value = max(1, 2)\nnext_value = value + 1\n"
    assert diagnostics_of(MYPY, root)[0] == []


def test_two_possible_repairs_propose_nothing(tmp_path: Path) -> None:
    # `foo(1,)` and `foo(1,\ny = 2)` both compile: which was meant cannot be known.
    root = make_repo(tmp_path / "repo", {"two.py": "x = foo(1,\ny = 2\n"})
    stage = Stage(name="run", run=(PYTHON, "two.py"))
    (found,) = diagnostics_of(stage, root)[0]
    assert found.message == "'(' was never closed"

    assert run(context(root, found, stage=stage)) is None


def test_no_proven_repair_proposes_nothing(tmp_path: Path) -> None:
    files = {"open.py": "def f():\n    return (1 +\n", "fine.py": "x = 1\n", "colon.py": "if True:\n    x = = 1\n"}
    root = make_repo(tmp_path / "repo", files)
    found, _ = diagnostics_of(RUFF_CHECK, root)

    for diagnostic in found:
        assert run(context(root, diagnostic)) is None, diagnostic
    assert run(context(root, pick(found, file="open.py")._replace(file="fine.py"))) is None  # it compiles


def test_conflict_markers_are_not_repaired(tmp_path: Path) -> None:
    source = "<<<<<<< HEAD\nif ready\n=======\nif ready:\n>>>>>>> other\n    go()\n"
    root = make_repo(tmp_path / "repo", {"merge.py": source})
    found, _ = diagnostics_of(RUFF_CHECK, root)

    assert found
    assert all(run(context(root, diagnostic)) is None for diagnostic in found)
