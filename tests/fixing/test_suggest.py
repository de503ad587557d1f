"""The core's verbs for a front end that proposes and applies in separate calls (the MCP server): `suggest`,
`proposed`, `apply_proposed` and `last_run`, in real repositories with a real ruff stage."""

from __future__ import annotations

import pytest

from healer.errors import HealerError
from healer.patch.apply import ApplyRefused
from healer.service import Healer
from healer.snapshot.snapshot import index_snapshot
from healer.workspace import open_workspace
from tests.conftest import Repo

LINT = '[stages.lint]\nrun = "ruff check --no-fix --no-cache ."\ninputs = ["*.py"]\nparser = "ruff"\n'
UNUSED = "import os\n\n\ndef f() -> int:\n    return 1\n"
CLEAN = "def f() -> int:\n    return 1\n"
FIXED = "\n\n" + CLEAN
"""What ruff's fix leaves of UNUSED."""
TESTS = '[stages.test]\nrun = "python -m pytest -q -p no:cacheprovider"\nkind = "test"\nneeds = ["lint"]\nparser = "pytest"\n'


def project(repo: Repo) -> Healer:
    repo.config(LINT)
    repo.write("app.py", CLEAN)
    repo.commit("start")
    return Healer(open_workspace(repo.path), via="mcp")


def test_last_run_is_the_last_check(repo: Repo) -> None:
    core = project(repo)
    assert core.last_run() is None
    passed = core.check()
    assert core.last_run() == passed and passed.outcome == "passed"
    repo.write("app.py", UNUSED)
    failed = core.check()
    last = core.last_run()
    assert last == failed and [d.code for d in last.diagnostics] == ["F401"]


def test_suggest_proposes_verified_fixes_and_applies_nothing(repo: Repo) -> None:
    core = project(repo)
    assert core.suggest(offline="test").rounds == []  # a passing check: nothing to propose
    repo.write("app.py", UNUSED)
    report = core.suggest(offline="test")
    assert (repo.path / "app.py").read_text() == UNUSED
    assert report.found == 1 and report.applied == [] and report.offline == "test"
    (found,) = report.rounds[0].verified
    assert found.patch.paths == ("app.py",)
    assert core.proposed(found.id[:5]).candidate == found
    assert core.proposed(found.id).tree is None


def test_proposed_names_unknown_ids_in_one_line(repo: Repo) -> None:
    core = project(repo)
    with pytest.raises(HealerError, match=r"^no proposed fix with id 'abc'; propose fixes first"):
        core.proposed("abc")
    with pytest.raises(HealerError, match="no proposed fix"):
        core.proposed("")


def test_apply_proposed_writes_once_and_refuses_a_changed_file(repo: Repo) -> None:
    core = project(repo)
    repo.write("app.py", UNUSED)
    (found,) = core.suggest(offline="test").rounds[0].verified
    repo.write("app.py", UNUSED + "# my edit\n")
    with pytest.raises(ApplyRefused, match=r"app\.py changed since the fix was made"):
        core.apply_proposed(found.id)
    assert (repo.path / "app.py").read_text() == UNUSED + "# my edit\n"
    repo.write("app.py", UNUSED)
    record = core.apply_proposed(found.id)
    assert record.id == found.id and not record.staged
    assert (repo.path / "app.py").read_text() == FIXED
    with pytest.raises(ApplyRefused):
        core.apply_proposed(found.id)
    core.undo(found.id)
    assert (repo.path / "app.py").read_text() == UNUSED


def test_apply_proposed_refuses_a_candidate_that_failed_verification(repo: Repo) -> None:
    # Removing the unused import breaks a test that reads it: the fix is proposed, and fails verification.
    repo.config(LINT.replace("ruff check --no-fix --no-cache .", "ruff check --no-fix --no-cache app.py") + TESTS)
    repo.write("app.py", UNUSED)
    repo.write("test_app.py", "import app\n\n\ndef test_os() -> None:\n    assert app.os\n")
    repo.commit("start")
    core = Healer(open_workspace(repo.path), via="mcp")
    (found,) = core.suggest(offline="test").rounds[0].candidates
    assert found.status == "failed"
    with pytest.raises(
        ApplyRefused, match=rf"^fix {found.id} is failed \(test reports something new .*\): only a verified"
    ):
        core.apply_proposed(found.id)
    assert (repo.path / "app.py").read_text() == UNUSED


def test_a_fix_for_the_staged_content_is_staged_too(repo: Repo) -> None:
    core = project(repo)
    repo.write("app.py", UNUSED)
    repo.git("add", "app.py")
    workspace = core.workspace
    staged = index_snapshot(workspace.root, workspace.state_dir)
    (found,) = core.suggest(staged, offline="test").rounds[0].verified
    assert core.proposed(found.id).tree == staged.tree
    assert core.apply_proposed(found.id).staged
    assert (repo.path / "app.py").read_text() == FIXED
    assert repo.git("show", ":app.py") == FIXED
