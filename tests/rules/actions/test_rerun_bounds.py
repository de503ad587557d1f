"""The flaky-test rerun stays bounded: one pytest process per attempt, whatever the number of failures.

One typo that breaks every test must not mean a rerun per test (issue 19 measured
20 minutes for 650 of them); the failure shared by all is one cause, not 650 flakes.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from healer.config.settings import Stage
from healer.rules.actions.rerun import likely_flaky, run
from healer.rules.outcome import Report

from .helpers_hygiene import PYTHON, context, diagnostics_of, make_repo

# Every pytest process the stage or a rerun starts adds a line to $SESSIONS (outside the repository).
CONFTEST = """\
import os


def pytest_sessionstart(session):
    with open(os.environ["SESSIONS"], "a") as sessions:
        sessions.write("session\\n")
"""

# Tests that fail on their first run and pass from then on, each with its own message.
FLAKES = """\
import os
from pathlib import Path


def _runs(name):
    counter = Path(os.environ["COUNTERS"]) / name
    runs = int(counter.read_text()) if counter.exists() else 0
    counter.write_text(str(runs + 1))
    return runs
"""


def flaky_tests(count: int) -> str:
    body = "".join(f"\n\ndef test_flake_{n}():\n    assert _runs('{n}') >= 1, 'flake {n}'\n" for n in range(count))
    return FLAKES + body


def one_typo_breaks_all(count: int) -> str:
    body = "".join(f"\n\ndef test_{n}():\n    assert helper() == 1\n" for n in range(count))
    return "def helper():\n    return 1 if ready() else 0\n\n\ndef ready():\n    return False\n" + body


@pytest.fixture(autouse=True)
def bytecode_shows_where_tests_ran(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)


def suite(tmp_path: Path) -> Stage:
    (tmp_path / "counters").mkdir(exist_ok=True)
    env = (("SESSIONS", str(tmp_path / "sessions")), ("COUNTERS", str(tmp_path / "counters")))
    return Stage(
        name="test",
        run=(PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"),
        kind="test",
        env=env,
        parser="pytest",
    )


def sessions(tmp_path: Path) -> int:
    return len((tmp_path / "sessions").read_text().splitlines())


def ask_each(
    tmp_path: Path, files: dict[str, str], params: dict[str, Any] | None = None
) -> tuple[list[Any], list[str]]:
    """Every failing test's rerun answer, asked as the rules fixer asks: one round, one cache."""
    root = make_repo(tmp_path / "repo", {"tests/conftest.py": CONFTEST, **files})
    stage = suite(tmp_path)
    found, _ = diagnostics_of(stage, root, dict(stage.env))
    said: list[str] = []
    shared: dict[str, Any] = {}
    answers = []
    for diagnostic in found:
        ctx = replace(
            context(root, diagnostic, params, stage=stage), diagnostics=found, cache=shared, progress=said.append
        )
        answers.append(run(ctx))
    return answers, said


def test_a_failure_every_test_shares_is_not_rerun(tmp_path: Path) -> None:
    answers, said = ask_each(tmp_path, {"tests/test_all.py": one_typo_breaks_all(40)})

    assert len(answers) == 40 and answers == [None] * 40
    assert sessions(tmp_path) == 1  # the stage's own run; no rerun at all
    assert said == []


def test_deterministic_exceptions_are_not_rerun(tmp_path: Path) -> None:
    tests = (
        "def test_typo():\n    assert undefined_name == 1\n\n\ndef test_attr():\n    assert (1).nope\n"
        "\n\ndef test_fixture(monkypatch):\n    pass\n"
    )
    answers, _ = ask_each(tmp_path, {"tests/test_broken.py": tests})

    assert answers == [None, None, None]
    assert sessions(tmp_path) == 1


def test_distinct_flakes_are_rerun_together_in_one_process(tmp_path: Path) -> None:
    answers, said = ask_each(tmp_path, {"tests/test_flakes.py": flaky_tests(3)})

    assert all(isinstance(answer, Report) and answer.kind == "flaky" for answer in answers)
    assert sessions(tmp_path) == 2  # the stage's run, then one rerun of all three
    assert said == ["rerunning 3 failed tests to tell flaky from broken (attempt 1 of 2)"]


def test_at_most_a_few_tests_are_rerun(tmp_path: Path) -> None:
    answers, _ = ask_each(tmp_path, {"tests/test_flakes.py": flaky_tests(8)}, {"reruns": 2, "tests": 3})

    flaky = [answer for answer in answers if isinstance(answer, Report)]
    assert len(flaky) == 3 and answers[3:] == [None] * 5
    assert sessions(tmp_path) == 2
    ran = sorted(path.name for path in (tmp_path / "counters").iterdir() if path.read_text() == "2")
    assert ran == ["0", "1", "2"]  # the first three, rerun once each; the others only in the stage's run


def test_only_the_tests_still_failing_get_another_attempt(tmp_path: Path) -> None:
    stubborn = "\n\ndef test_stubborn():\n    assert _runs('stubborn') >= 2, 'stubborn'\n"
    answers, said = ask_each(tmp_path, {"tests/test_flakes.py": flaky_tests(2) + stubborn})

    assert [a.message.split(" failed")[0] if isinstance(a, Report) else a for a in answers] == [
        "tests/test_flakes.py::test_flake_0",
        "tests/test_flakes.py::test_flake_1",
        "tests/test_flakes.py::test_stubborn",
    ]
    assert isinstance(answers[2], Report) and "rerun 2 of 2" in answers[2].message
    assert sessions(tmp_path) == 3
    assert said[1] == "rerunning 1 failed test to tell flaky from broken (attempt 2 of 2)"


def test_likely_flaky_keeps_order_and_drops_shared_causes(tmp_path: Path) -> None:
    mixed = flaky_tests(2) + "\n\n" + one_typo_breaks_all(3)
    root = make_repo(tmp_path / "repo", {"tests/test_mixed.py": mixed, "tests/conftest.py": CONFTEST})
    stage = suite(tmp_path)
    found, _ = diagnostics_of(stage, root, dict(stage.env))

    assert likely_flaky(found, 5) == ["tests/test_mixed.py::test_flake_0", "tests/test_mixed.py::test_flake_1"]
    assert likely_flaky(found, 1) == ["tests/test_mixed.py::test_flake_0"]
