from __future__ import annotations

import pytest

from healer.detect.commands import (
    guess_kind,
    make_targets,
    needs_shell,
    parser_for,
    simple_commands,
    tools_in,
)


@pytest.mark.parametrize(
    ("command", "keys"),
    [
        ("ruff check .", {"ruff-check"}),
        ("ruff .", {"ruff-check"}),
        ("ruff format --check --diff .", {"ruff-format"}),
        ("ruff --version", set()),
        ("uv run --frozen pytest -q", {"pytest"}),
        ("poetry run mypy src", {"mypy"}),
        ("python -m pytest tests", {"pytest"}),
        ("python3.12 -m mypy .", {"mypy"}),
        ("coverage run -m pytest && coverage report", {"pytest"}),
        ("PYTHONHASHSEED=0 pytest", {"pytest"}),
        ("isort --profile black --check-only .", {"isort"}),
        ("black --check . && flake8 src", {"black", "flake8"}),
        ("npx --no-install eslint .", {"eslint"}),
        ("pnpm exec tsc --noEmit", {"tsc"}),
        ("vue-tsc --noEmit", {"tsc"}),
        ("next lint", {"eslint"}),
        ("npm test", {"script:test"}),
        ("npm run lint -- --quiet", {"script:lint"}),
        ("pnpm lint", {"script:lint"}),
        ("pnpm install --frozen-lockfile", set()),
        ("yarn typecheck", {"script:typecheck"}),
        ("yarn install", set()),
        ("bun run build", {"script:build"}),
        ("bun test", {"bun-test"}),
        ("make -C docs lint JOBS=4 test", {"make:lint", "make:test"}),
        ("./node_modules/.bin/eslint src", {"eslint"}),
        (".venv/bin/pytest -x", {"pytest"}),
        ("python -m build", {"python-build"}),
        ("uv build", {"python-build"}),
        ("bandit -r src && pip-audit", {"bandit", "pip-audit"}),
        ("echo 'pytest is great'", set()),
        ("python manage.py check", set()),
    ],
)
def test_tools_in(command: str, keys: set[str]) -> None:
    assert tools_in(command) == keys


def test_simple_commands_split_on_shell_operators() -> None:
    assert list(simple_commands("cd app && npm test; ruff check . | tee out")) == [
        ("cd", ["app"]),
        ("npm", ["test"]),
        ("ruff", ["check", "."]),
        ("tee", ["out"]),
    ]


def test_unbalanced_quotes_do_not_crash() -> None:
    assert tools_in("pytest -k 'broken") == {"pytest"}


@pytest.mark.parametrize(
    ("line", "shell"),
    [
        ("pytest -q", False),
        ("pytest 'tests/a b.py'", False),
        ("pytest tests/*.py", True),
        ("pytest | tee log", True),
        ("mypy $SRC", True),
        ("FOO=1 pytest", True),
        ("ruff check . && mypy .", True),
    ],
)
def test_needs_shell(line: str, shell: bool) -> None:
    assert needs_shell(line) is shell


def test_guess_kind_prefers_the_tools_then_the_names() -> None:
    assert guess_kind({"pytest"}, "lint") == "test"
    assert guess_kind({"ruff-check", "mypy"}, "lint") == "lint"
    assert guess_kind({"ruff-check", "mypy"}, "check") == "other"
    assert guess_kind({"script:type-check"}) == "typecheck"
    assert guess_kind({"make:test"}) == "test"
    assert guess_kind(set(), "Check formatting") == "format"
    assert guess_kind(set(), "Security audit") == "security"
    assert guess_kind(set(), "deploy") == "other"


def test_parser_only_for_a_single_known_tool() -> None:
    assert parser_for({"mypy"}) == "mypy"
    assert parser_for({"ruff-format", "script:fmt"}) == "ruff"
    assert parser_for({"mypy", "pytest"}) is None
    assert parser_for({"jest"}) is None
    assert parser_for(set()) is None


def test_make_targets_skip_options_and_variables() -> None:
    assert make_targets(["-j", "4", "-C", "sub", "-f", "Other.mk", "V=1", "lint"]) == ["4", "lint"]


def test_unittest_and_docs_builds_are_known_tools() -> None:
    assert tools_in("python -m unittest discover -s tests") == {"unittest"}
    assert parser_for(tools_in("python3 -m unittest")) == "unittest"
    assert tools_in("mkdocs build --strict") == {"mkdocs"}
    assert tools_in("mkdocs serve") == frozenset()
    assert tools_in("sphinx-build -W docs out") == tools_in("python -m sphinx -W docs out") == {"sphinx"}
    assert guess_kind(tools_in("sphinx-build -W docs out")) == "build"
    assert guess_kind(tools_in("python -m unittest")) == "test"
