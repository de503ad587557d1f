"""One typo that breaks every test: `healer fix` stays a few pytest runs long and says what it does.

Issue 19 measured more than 20 minutes for such a breakage: every failing test was
rerun alone, twice, to see whether it was flaky.
"""

from __future__ import annotations

import sys

from tests.conftest import Repo, RunHealer

COUNT = 60

CONFIG = f"""
[stages.tests]
kind = "test"
run = "{sys.executable} -m pytest -q -p no:cacheprovider tests"
env = {{ SESSIONS = "SESSIONS_FILE" }}
"""

CONFTEST = """\
import os


def pytest_sessionstart(session):
    with open(os.environ["SESSIONS"], "a") as sessions:
        sessions.write("session\\n")
"""

CODE = "import json\n\n\ndef load(text: str) -> object:\n    return json.loads(text)\n"


def test_a_typo_every_test_hits_costs_a_few_pytest_runs_and_one_line(repo: Repo, healer: RunHealer) -> None:
    sessions = repo.path.parent / "sessions"
    repo.config(CONFIG.replace("SESSIONS_FILE", str(sessions)))
    repo.write("pkg/__init__.py", CODE)
    repo.write("tests/conftest.py", CONFTEST)
    repo.write(
        "tests/test_load.py",
        "from pkg import load\n"
        + "".join(f"\n\ndef test_{n}() -> None:\n    assert load('[{n}]') == [{n}]\n" for n in range(COUNT)),
    )
    repo.write(".gitignore", "__pycache__/\n")
    repo.commit()
    repo.write("pkg/__init__.py", CODE.replace("json.loads", "json.lods"))

    result = healer("fix", "--offline", timeout=300)

    assert result.code == 1, result.err
    assert "✔ verified  lods -> loads" in result.out
    assert f"and {COUNT - 1} more" in result.out  # the fix names the first failure and counts the rest
    # The stage's run and the candidate's verification; no rerun per failing test.
    assert len(sessions.read_text().splitlines()) <= 3
    assert "round 1: looking for fixes for 60 failures" in result.out
    assert "round 1: verifying 1 candidate for 1 failure in isolated copies" in result.out
    assert "round 1: verified 1 of 1: lods -> loads" in result.out


def test_the_run_report_is_one_line_for_the_shared_failure(repo: Repo, healer: RunHealer) -> None:
    sessions = repo.path.parent / "sessions"
    repo.config(CONFIG.replace("SESSIONS_FILE", str(sessions)))
    repo.write("pkg/__init__.py", CODE.replace("json.loads", "json.lods"))
    repo.write("tests/conftest.py", CONFTEST)
    repo.write(
        "tests/test_load.py",
        "from pkg import load\n"
        + "".join(f"\n\ndef test_{n}() -> None:\n    assert load('[{n}]') == [{n}]\n" for n in range(COUNT)),
    )
    repo.commit()

    result = healer("run")

    failures = [line for line in result.out.splitlines() if "has no attribute 'lods'" in line]
    assert failures == [f"  pkg/__init__.py:5: module 'json' has no attribute 'lods' [AttributeError] ({COUNT} tests)"]


def test_tests_that_print_megabytes_each_are_still_fixed(repo: Repo, healer: RunHealer) -> None:
    # The bad input: a failing test that prints megabytes (logging, a dumped payload).
    repo.config(CONFIG.replace("SESSIONS_FILE", str(repo.path.parent / "sessions")))
    repo.write("pkg/__init__.py", CODE)
    repo.write("tests/conftest.py", CONFTEST)
    noisy = "".join(
        f"\n\ndef test_{n}() -> None:\n    print('x' * 2_000_000)\n    assert load('[{n}]') == [{n}]\n"
        for n in range(3)
    )
    repo.write("tests/test_load.py", "from pkg import load\n" + noisy)
    repo.write(".gitignore", "__pycache__/\n")
    repo.commit()
    repo.write("pkg/__init__.py", CODE.replace("json.loads", "json.lods"))

    result = healer("fix", "--offline", "--apply", "all", timeout=300)

    assert result.code == 0, result.out[-2000:] + result.err
    assert "now every stage passes" in result.out
    assert (repo.path / "pkg/__init__.py").read_text() == CODE
    assert len(result.out) < 100_000  # the fix's report quotes the failure, not its megabytes
