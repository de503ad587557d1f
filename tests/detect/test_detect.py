from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from healer.config.settings import STAGE_KINDS
from healer.detect.detection import Detection, detect
from healer.detect.effects import rewrites_files
from healer.detect.names import NAME

Files = Callable[[dict[str, str | bytes]], Path]

EVERYTHING: dict[str, str | bytes] = {
    "pyproject.toml": """
        [project]
        name = "mono"
        [dependency-groups]
        dev = ["ruff", "mypy", "pytest", "bandit"]
        [tool.ruff.format]
        docstring-code-format = true
    """,
    "tests/test_core.py": "def test_core() -> None:\n    pass\n",
    "setup.cfg": "[flake8]\nmax-line-length = 100\n",
    "package.json": json.dumps(
        {
            "scripts": {"lint": "eslint web", "test": "vitest run", "build": "vite build"},
            "devDependencies": {"typescript": "5.4.0"},
        }
    ),
    "package-lock.json": "{}",
    "tsconfig.json": "{}",
    "Makefile": ".PHONY: lint test\nlint:\n\tshellcheck scripts/*.sh\ntest:\n\tpytest\n",
    ".pre-commit-config.yaml": """
        repos:
        - repo: local
          hooks:
          - {id: lint, entry: yamllint -s ., language: python, pass_filenames: false}
    """,
    ".github/workflows/ci.yml": """
        jobs:
          sec:
            runs-on: ubuntu-latest
            steps:
              - name: Bandit
                run: bandit -q -r src
              - name: Security audit
                run: pip-audit
    """,
}


def detection(project: Files) -> Detection:
    return detect(project(EVERYTHING), from_ci=True)


def test_names_are_unique_valid_and_prefixed_on_collision(project: Files) -> None:
    stages = detection(project).stages
    names = [stage.name for stage in stages]
    assert len(set(names)) == len(names)
    assert all(NAME.fullmatch(name) for name in names)
    runs = {stage.name: stage.run for stage in stages}
    assert runs["lint"] == "yamllint -s ."
    assert runs["npm-lint"] == "npm run lint"
    assert runs["make-lint"] == "make lint"
    assert runs["test"] == "npm run test"
    assert runs["make-test"] == "make test"


def test_order_is_by_kind_then_name(project: Files) -> None:
    stages = detection(project).stages
    assert [(stage.kind, stage.name) for stage in stages] == [
        ("lint", "flake8"),
        ("lint", "lint"),
        ("lint", "make-lint"),
        ("lint", "npm-lint"),
        ("lint", "ruff"),
        ("format", "ruff-format"),
        ("typecheck", "mypy"),
        ("typecheck", "tsc"),
        ("test", "make-test"),
        ("test", "test"),
        ("build", "build"),
        ("security", "bandit"),
        ("security", "security-audit"),
    ]
    positions = [STAGE_KINDS.index(stage.kind) for stage in stages]
    assert positions == sorted(positions)


def test_duplicates_are_noted(project: Files) -> None:
    notes = detection(project).notes
    assert (
        "pytest: dependency in pyproject.toml [dependency-groups] dev; tests/ holds test files; "
        "run as `python -m pytest` so the project's modules import"
    ) in notes
    assert (
        "pytest (dependency in pyproject.toml [dependency-groups] dev): already run by make-test; not added"
    ) in notes


def test_detection_is_deterministic_and_stages_are_independent(project: Files) -> None:
    first = detection(project)
    assert detect(project({}), from_ci=True) == first
    assert all(stage.needs == () for stage in first.stages)


def test_detected_commands_never_rewrite_files(project: Files) -> None:
    for stage in detection(project).stages:
        assert not rewrites_files(stage.command_line()), stage


def test_an_empty_project_has_no_stages(tmp_path: Path) -> None:
    assert detect(tmp_path) == Detection(stages=(), notes=())


def test_no_detected_stage_reaches_a_rewriting_command(project: Files) -> None:
    root = project(
        {
            "Makefile": "lint:\n\truff check --fix .\ntest:\n\tpytest\ncheck: lint test\n",
            "package.json": '{"scripts": {"lint": "eslint --fix .", "test": "jest", "build": "prettier --write . && tsc"}}',
            ".github/workflows/ci.yml": (
                "jobs:\n  a:\n    steps:\n"
                "      - run: make check\n      - run: npm run lint\n      - run: black .\n"
                "      - run: ./deploy.sh --prod\n"
            ),
        }
    )
    stages = detect(root, from_ci=True).stages
    assert [(s.name, s.run) for s in stages] == [
        ("eslint", "npx eslint ."),
        ("ruff", "ruff check --no-fix ."),
        ("black", "black --check --diff ."),
        ("prettier", "npx prettier --check ."),
        ("tsc", "npx tsc --noEmit"),
        ("make-test", "make test"),
        ("test", "npm run test"),
    ]
