"""rerun: a failed test is run again alone in a scratch copy; passing now makes it a flaky report."""

from __future__ import annotations

from pathlib import Path

import pytest

from healer.config.settings import Stage
from healer.rules.actions.rerun import KIND, run
from healer.rules.outcome import Report

from .helpers_hygiene import BIN, PYTHON, context, diagnostics_of, make_repo, pick, tree

# Counts its runs in a file outside the repository (so outside every scratch copy too),
# and passes from the run PASS_FROM on (0: the first run).
TESTS = """\
import os
from pathlib import Path


def test_sometimes():
    counter = Path(os.environ["RUN_COUNTER"])
    runs = int(counter.read_text()) if counter.exists() else 0
    counter.write_text(str(runs + 1))
    assert runs >= int(os.environ["PASS_FROM"])


def test_always():
    pass
"""


def stage(tmp_path: Path, pass_from: int, *run: str) -> Stage:
    env = (("RUN_COUNTER", str(tmp_path / "runs")), ("PASS_FROM", str(pass_from)))
    command = run or (PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests")
    return Stage(name="test", run=command, kind="test", env=env, parser="pytest")


@pytest.fixture(autouse=True)
def bytecode_shows_where_tests_ran(monkeypatch: pytest.MonkeyPatch) -> None:
    # A rerun in the working tree would leave __pycache__ there, and the tree comparison would see it.
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)


def test_a_test_that_passes_on_a_later_rerun_is_reported_flaky(tmp_path: Path) -> None:
    pass_from = 2
    root = make_repo(tmp_path / "repo", {"tests/test_things.py": TESTS})
    suite = stage(tmp_path, pass_from)
    found, _ = diagnostics_of(suite, root, dict(suite.env))
    failed = pick(found, node_id="tests/test_things.py::test_sometimes")
    before = tree(root)

    result = run(context(root, failed, stage=suite))

    assert tree(root) == before
    assert isinstance(result, Report)
    assert result.kind == KIND
    assert result.message == (
        f"tests/test_things.py::test_sometimes failed, then passed on rerun {pass_from} of 2: flaky, not fixed"
    )
    assert (result.file, result.line) == (failed.file, failed.line)
    assert (tmp_path / "runs").read_text() == str(pass_from + 1)  # the stage's run, then the reruns until one passed


def test_a_test_that_always_fails_is_not_flaky(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"tests/test_things.py": TESTS})
    suite = stage(tmp_path, 99)
    found, _ = diagnostics_of(suite, root, dict(suite.env))
    before = tree(root)

    failed = pick(found, node_id="tests/test_things.py::test_sometimes")

    assert run(context(root, failed, {"reruns": 3}, stage=suite)) is None
    assert tree(root) == before
    assert (tmp_path / "runs").read_text() == "4"  # the stage's run and three reruns


def test_the_stages_own_pytest_command_is_reused(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"tests/test_things.py": TESTS})
    suite = stage(tmp_path, 1, str(BIN / "pytest"), "-x", "-p", "no:cacheprovider", "tests")
    found, _ = diagnostics_of(suite, root, dict(suite.env))
    failed = pick(found, node_id="tests/test_things.py::test_sometimes")

    result = run(context(root, failed, stage=suite))

    assert isinstance(result, Report) and "rerun 1 of 2" in result.message


def test_refusals(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"tests/test_things.py": TESTS})
    suite = stage(tmp_path, 1)
    found, _ = diagnostics_of(suite, root, dict(suite.env))
    failed = pick(found, node_id="tests/test_things.py::test_sometimes")

    assert run(context(root, failed, stage=suite._replace(kind="lint"))) is None
    assert run(context(root, failed._replace(node_id=None), stage=suite)) is None
    # A module that could not be collected fails the same way every time: not worth a rerun.
    assert run(context(root, failed._replace(node_id="tests/test_things.py"), stage=suite)) is None
    assert run(context(root, failed, stage=suite, scratch=False)) is None
    assert run(context(root, failed, {"reruns": 0}, stage=suite)) is None
    assert (tmp_path / "runs").read_text() == "1"  # none of them ran the test
