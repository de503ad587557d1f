"""`healer init --from-ci` asks before turning a CI step of unknown effect into a check."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time

from ..conftest import Repo, RunHealer

WORKFLOW = """\
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: python scripts/use_setuptools.py
      - run: python -m pytest tests
"""


def test_without_a_terminal_the_step_is_left_out_and_said(repo: Repo, healer: RunHealer) -> None:
    repo.write(".github/workflows/ci.yml", WORKFLOW)
    result = healer("init", "--from-ci", "--print")

    assert result.code == 0, result.err
    toml = "\n".join(line for line in result.out.splitlines() if not line.startswith("note:"))
    assert "python -m pytest tests" in toml and "use_setuptools" not in toml
    assert "not added" in result.out and "--with-unknown-steps" in result.out


def test_the_flag_adds_it(repo: Repo, healer: RunHealer) -> None:
    repo.write(".github/workflows/ci.yml", WORKFLOW)
    result = healer("init", "--from-ci", "--with-unknown-steps", "--print")

    assert result.code == 0, result.err
    assert 'run = "python scripts/use_setuptools.py"' in result.out


def test_the_flag_needs_from_ci(repo: Repo, healer: RunHealer) -> None:
    result = healer("init", "--with-unknown-steps")
    assert result.code == 2 and "--with-unknown-steps goes with --from-ci" in result.err


def _init_in_a_terminal(repo: Repo, answer: bytes) -> str:
    """`healer init --from-ci` on a pseudo-terminal, answering its question with `answer`."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "healer", "init", "--from-ci"],
        cwd=repo.path, stdin=secondary, stdout=secondary, stderr=secondary, env=os.environ.copy(),
    )  # fmt: skip
    os.close(secondary)
    seen = b""
    deadline = time.monotonic() + 60
    answered = False
    while time.monotonic() < deadline:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closes when healer exits
            break
        seen += chunk
        if not answered and b"[y/N]" in seen:
            os.write(primary, answer)
            answered = True
    process.wait(timeout=60)
    os.close(primary)
    assert process.returncode == 0, seen.decode(errors="replace")
    return seen.decode(errors="replace")


def test_in_a_terminal_it_asks_and_a_no_leaves_it_out(repo: Repo) -> None:
    repo.write(".github/workflows/ci.yml", WORKFLOW)
    said = _init_in_a_terminal(repo, b"n\n")

    assert "python scripts/use_setuptools.py" in said and "Add it as a check?" in said
    assert "use_setuptools" not in (repo.path / "healer.toml").read_text()


def test_in_a_terminal_a_yes_adds_it(repo: Repo) -> None:
    repo.write(".github/workflows/ci.yml", WORKFLOW)
    _init_in_a_terminal(repo, b"y\n")

    assert 'run = "python scripts/use_setuptools.py"' in (repo.path / "healer.toml").read_text()
