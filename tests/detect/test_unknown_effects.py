"""CI steps whose effect healer cannot tell are proposed only when the user says so (issue 19, point 3).

A real project's workflow ran `python scripts/use_setuptools.py`, which rewrote 287 lines of
pyproject.toml; `healer init --from-ci` had made it a check.
"""

from __future__ import annotations

import pytest

from healer.detect.candidate import Candidate
from healer.detect.detection import detect
from healer.detect.effects import unknown_effect

from .conftest import Files

WORKFLOW = """\
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install -e .
      - name: Switch build backend
        run: python scripts/use_setuptools.py
      - name: Tests
        run: python -m pytest tests
      - name: Docs
        run: sphinx-build -W docs docs/_build
"""


@pytest.mark.parametrize(
    "line",
    [
        "python scripts/use_setuptools.py",
        "./tools/check.sh",
        "bash ci/lint.sh",
        "python -c 'import acme'",
        "node scripts/gen.js",
        "go generate ./...",
        "npm run regen",  # a script whose body was not read
        "pytest && python tools/bump.py",
    ],
)
def test_commands_healer_does_not_know_are_of_unknown_effect(line: str) -> None:
    assert unknown_effect(line) is not None and "is not a check healer knows" in str(unknown_effect(line))


@pytest.mark.parametrize(
    "line",
    [
        "python -m pytest tests",
        "ruff check .",
        "mypy --strict src",
        "echo done",
        "git diff --exit-code",
        "twine check dist/*",
        "cargo test --all",
        "tox -e py",
        "sphinx-build -W docs docs/_build",
    ],
)
def test_known_checks_and_readers_are_not(line: str) -> None:
    assert unknown_effect(line) is None


def test_a_followed_script_is_judged_by_its_body() -> None:
    assert unknown_effect("npm run lint", followed={"script:lint"}) is None
    assert unknown_effect("npm run lint") is not None


def test_without_confirmation_the_step_is_noted_not_added(project: Files) -> None:
    detection = detect(project({".github/workflows/ci.yml": WORKFLOW}), from_ci=True)

    assert [stage.run for stage in detection.stages] == ["python -m pytest tests", "sphinx-build -W docs docs/_build"]
    note = next(note for note in detection.notes if "use_setuptools" in note)
    assert note.startswith(".github/workflows/ci.yml job test step Switch build backend: ")
    assert "what it changes is unknown; not added" in note and "--with-unknown-steps" in note


def test_confirm_is_asked_for_each_unknown_step_and_decides(project: Files) -> None:
    root = project({".github/workflows/ci.yml": WORKFLOW})
    asked: list[Candidate] = []

    def yes(candidate: Candidate) -> bool:
        asked.append(candidate)
        return True

    detection = detect(root, from_ci=True, confirm=yes)
    assert [candidate.stage.run for candidate in asked] == ["python scripts/use_setuptools.py"]
    assert "python scripts/use_setuptools.py" in [stage.run for stage in detection.stages]
    assert any(note.endswith("added as you confirmed") for note in detection.notes)

    declined = detect(root, from_ci=True, confirm=lambda _candidate: False)
    assert "python scripts/use_setuptools.py" not in [stage.run for stage in declined.stages]
