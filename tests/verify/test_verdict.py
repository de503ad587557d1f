"""Verification reruns the real tools in an isolated copy and judges a candidate against the run it came from."""

from __future__ import annotations

from dataclasses import replace

from healer.config.load import load_config
from healer.patch.patch import FileEdit, Patch
from healer.pipeline.plan import affected_stages
from healer.pipeline.result import RunResult
from healer.pipeline.runner import RunOptions, run_pipeline
from healer.snapshot.imports import ImportGraph
from healer.snapshot.tree import tree_manifest
from healer.verify.sandbox import Sandboxes, worktree_tree
from healer.verify.verdict import Baseline, verify
from tests.conftest import Repo

CONFIG = """
[stages.lint]
run = "ruff check --no-fix --no-cache app.py"
inputs = ["*.py"]
parser = "ruff"

[stages.test]
run = "python -m pytest -q -p no:cacheprovider tests"
kind = "test"
inputs = ["*.py", "tests/*.py"]
parser = "pytest"

[stages.docs]
run = "true"
inputs = ["*.md"]
"""

APP = "import os\n\n\ndef double(x: int) -> int:\n    return x * 2\n"


def setup(repo: Repo, app: str = APP) -> tuple[Baseline, Sandboxes, RunResult]:
    repo.config(CONFIG)
    repo.write("app.py", app)
    repo.write("README.md", "app\n")
    repo.write("tests/test_app.py", "from app import double\n\n\ndef test_double():\n    assert double(2) == 4\n")
    repo.commit()
    config = load_config(repo.path)
    state = repo.path / ".git" / "healer"
    run = run_pipeline(config, repo.path, options=RunOptions(use_cache=False))
    tree = worktree_tree(repo.path, state)
    known = tree_manifest(repo.path, tree, repo.path).known
    baseline = Baseline(run=run, config=config, known=known, options=RunOptions(use_cache=False, jobs=1))
    return baseline, Sandboxes(repo.path, state, tree, size=1), run


def patch_for(run: RunResult, stage: str, path: str, before: str, after: str, code: str | None = None) -> Patch:
    prints = tuple(d.fingerprint for d in run.diagnostics if d.stage == stage and (code is None or d.code == code))
    edit = FileEdit(path, before.encode(), after.encode())
    return Patch("t", (edit,), "rule", "test", "safe", 1.0, stage, fingerprints=prints)


def test_a_patch_that_removes_the_failure_is_verified_and_the_tree_is_untouched(repo: Repo) -> None:
    baseline, sandboxes, run = setup(repo)
    assert [s.status for s in run.stages] == ["failed", "passed", "passed"]
    patch = patch_for(run, "lint", "app.py", APP, APP.replace("import os\n\n\n", ""))
    verdict = verify(patch, baseline, sandboxes)
    assert verdict.status == "verified", verdict.detail
    # lint first, then the test stage (app.py is among its inputs), not docs.
    assert verdict.reruns == ("lint", "test")
    assert (repo.path / "app.py").read_text() == APP
    assert repo.git("status", "--porcelain") == ""


def test_a_patch_that_breaks_a_passing_stage_fails_with_its_output(repo: Repo) -> None:
    baseline, sandboxes, run = setup(repo)
    broken = APP.replace("import os\n\n\n", "").replace("x * 2", "x * 3")
    verdict = verify(patch_for(run, "lint", "app.py", APP, broken), baseline, sandboxes)
    assert verdict.status == "failed"
    assert verdict.detail is not None and "test passed before the fix and fails with it" in verdict.detail
    assert "assert 6 == 4" in verdict.detail


def test_a_patch_that_leaves_the_failure_fails(repo: Repo) -> None:
    baseline, sandboxes, run = setup(repo)
    verdict = verify(patch_for(run, "lint", "app.py", APP, APP + "\n# still here\n"), baseline, sandboxes)
    assert verdict.status == "failed"
    assert verdict.detail is not None and "still reports app.py:1" in verdict.detail


def test_a_patch_that_trades_one_lint_error_for_another_fails(repo: Repo) -> None:
    baseline, sandboxes, run = setup(repo)
    traded = APP.replace("import os\n", "import sys\n")
    verdict = verify(patch_for(run, "lint", "app.py", APP, traded), baseline, sandboxes)
    assert verdict.status == "failed"
    assert verdict.detail is not None and "sys" in verdict.detail


def test_a_patch_made_from_other_content_is_unverifiable(repo: Repo) -> None:
    baseline, sandboxes, run = setup(repo)
    verdict = verify(patch_for(run, "lint", "app.py", "something else\n", "x = 1\n"), baseline, sandboxes)
    assert verdict.status == "unverifiable"
    assert verdict.detail is not None and "app.py" in verdict.detail


def test_a_missing_tool_makes_a_patch_unverifiable(repo: Repo) -> None:
    baseline, sandboxes, run = setup(repo)
    config = baseline.config._replace(
        stages=tuple(
            s._replace(run="no-such-tool-xyz app.py") if s.name == "test" else s for s in baseline.config.stages
        )
    )
    baseline = Baseline(baseline.run, config, baseline.known, baseline.options)
    verdict = verify(patch_for(run, "lint", "app.py", APP, APP.replace("import os\n\n\n", "")), baseline, sandboxes)
    assert verdict.status == "unverifiable"
    assert verdict.detail is not None and "no-such-tool-xyz" in verdict.detail


def test_failing_tests_are_rerun_alone_first(repo: Repo) -> None:
    app = "def double(x: int) -> int:\n    return x * 3\n"
    baseline, sandboxes, run = setup(repo, app)
    assert run.stages[1].status == "failed"
    good = patch_for(run, "test", "app.py", app, app.replace("* 3", "* 2"))
    verdict = verify(good, baseline, sandboxes)
    assert verdict.status == "verified", verdict.detail
    assert verdict.reruns == ("test (failing tests)", "test", "lint")
    bad = patch_for(run, "test", "app.py", app, app.replace("* 3", "* 4"))
    verdict = verify(bad, baseline, sandboxes)
    assert verdict.status == "failed"
    # Stopped after the subset: the whole stage was not run for a candidate already shown wrong.
    assert verdict.reruns == ("test (failing tests)",)


def test_a_fix_that_uncovers_hidden_failures_is_verified_and_says_so(repo: Repo) -> None:
    # The test module cannot even be imported (NameError at import): its tests never ran.
    app = "value: Decimal = 1\n\n\ndef double(x: int) -> int:\n    return x * 3\n"
    baseline, sandboxes, run = setup(repo, app)
    test = next(s for s in run.stages if s.name == "test")
    assert test.status == "failed"
    fixed = "from decimal import Decimal\n\n" + app.replace("value: Decimal = 1", "value: Decimal = Decimal(1)")
    verdict = verify(patch_for(run, "test", "app.py", app, fixed), baseline, sandboxes)
    assert verdict.status == "verified", verdict.detail
    assert verdict.detail is not None and verdict.detail.startswith("uncovered: test:")


def test_affected_stages_follow_inputs(repo: Repo) -> None:
    repo.config(CONFIG)
    config = load_config(repo.path)
    names = ["lint", "test", "docs"]
    assert affected_stages(config, names, ["README.md"]) == ["docs"]
    assert affected_stages(config, names, ["tests/test_x.py"]) == ["lint", "test"]  # "*.py" matches at any depth
    assert affected_stages(config, ["lint"], ["app.py"]) == ["lint"]


def test_a_new_dependency_is_unverifiable_offline(repo: Repo) -> None:
    baseline, sandboxes, run = setup(repo)
    patch = patch_for(run, "lint", "app.py", APP, APP.replace("import os\n\n\n", ""))
    verdict = verify(replace(patch, flags=("adds-dependency",)), baseline, sandboxes)
    assert verdict.status == "unverifiable"
    assert verdict.detail is not None and "installs nothing" in verdict.detail


def test_a_layout_only_patch_that_changes_the_code_fails_before_anything_runs(repo: Repo) -> None:
    baseline, sandboxes, run = setup(repo)
    removes = patch_for(run, "lint", "app.py", APP, APP.replace("import os\n\n\n", ""))
    assert verify(removes, baseline, sandboxes).status == "verified"  # it fixes the lint failure...

    verdict = verify(replace(removes, same_ast=True), baseline, sandboxes)
    assert verdict.status == "failed" and verdict.reruns == ()  # ...but it was offered as layout only
    assert verdict.detail is not None and "changes the code" in verdict.detail and "app.py" in verdict.detail
    readme = FileEdit("README.md", b"app\n", b"app  \n")  # not Python: nothing shows it keeps the code
    verdict = verify(replace(removes, edits=(readme,), same_ast=True), baseline, sandboxes)
    assert verdict.status == "failed" and verdict.detail is not None and "README.md" in verdict.detail

    # Layout alone passes the check and is judged by the reruns like any patch (here: it fixes nothing).
    spaced = patch_for(run, "lint", "app.py", APP, APP.replace("x * 2", "x*2"))
    verdict = verify(replace(spaced, same_ast=True), baseline, sandboxes)
    assert verdict.reruns == ("lint",) and verdict.status == "failed"  # the tests cannot differ: not rerun
    assert verdict.detail is not None and "still reports" in verdict.detail


def test_a_layout_only_patch_does_not_rerun_other_test_stages(repo: Repo) -> None:
    """A formatter's fix waited on the whole test suite (110 s on attrs for eight black and isort fixes)."""
    ugly = APP.replace("return x * 2", "return x*2")
    baseline, sandboxes, run = setup(repo, app=ugly)
    spaced = patch_for(run, "lint", "app.py", ugly, ugly.replace("x*2", "x * 2"))
    assert verify(spaced, baseline, sandboxes).reruns == ("lint",)  # same syntax tree: the tests cannot differ

    changed = patch_for(run, "lint", "app.py", ugly, ugly.replace("x*2", "x + x"))
    assert verify(changed, baseline, sandboxes).reruns == ("lint", "test")


def test_the_tests_importing_the_changed_module_run_before_the_whole_suite(repo: Repo) -> None:
    """A fix for the failing test that breaks its neighbours fails on the affected files, not after the suite."""
    app = "def double(x: int) -> int:\n    return x * 3\n\n\ndef triple(x: int) -> int:\n    return x * 3\n"
    repo.write("tests/test_triple.py", "from app import triple\n\n\ndef test_triple():\n    assert triple(2) == 6\n")
    repo.write("tests/test_unrelated.py", "def test_nothing():\n    assert True\n")
    baseline, sandboxes, run = setup(repo, app)
    graph = ImportGraph(repo.path)
    graph.build(sorted(baseline.known), baseline.known.get)
    baseline = replace(baseline, tests_for=graph.tests_affected_by)
    good = patch_for(run, "test", "app.py", app, app.replace("x * 3\n\n\ndef triple", "x * 2\n\n\ndef triple"))
    both = patch_for(run, "test", "app.py", app, app.replace("* 3", "* 2"))  # fixes double, breaks triple

    verified = verify(good, baseline, sandboxes)
    failed = verify(both, baseline, sandboxes)

    assert verified.status == "verified", verified.detail
    assert verified.reruns == ("test (failing tests)", "test (affected tests)", "test", "lint")
    assert failed.status == "failed" and "test_triple" in (failed.detail or "")
    assert failed.reruns == ("test (failing tests)", "test (affected tests)")


def test_a_failure_where_the_fixs_own_import_is_used_is_held_against_it(repo: Repo) -> None:
    # toolz: `loads` gone beside `from pickle import dumps`; `from json import loads` let the module be
    # collected and failed on the very line that needed `loads` (UnicodeDecodeError): applied, and red.
    app = "from pickle import dumps\n\nTOKEN = loads(dumps('x'))\n\n\ndef double(x: int) -> int:\n    return x * 2\n"
    baseline, sandboxes, run = setup(repo, app)
    assert next(s for s in run.stages if s.name == "test").status == "failed"

    wrong = verify(patch_for(run, "test", "app.py", app, "from json import loads\n" + app), baseline, sandboxes)
    sorted_right = app.replace("import dumps", "import dumps, loads")
    right = verify(patch_for(run, "test", "app.py", app, sorted_right), baseline, sandboxes)

    assert wrong.status == "failed", wrong.detail
    assert wrong.detail is not None and "where the fix's import is used" in wrong.detail
    assert right.status == "verified", right.detail
