from __future__ import annotations

import pytest

from healer.diagnostics.guess import guess_parser


@pytest.mark.parametrize(
    ("command", "parser"),
    [
        (["ruff", "check", "."], "ruff"),
        (["ruff", "format", "--check", "."], "ruff"),
        (["python", "-m", "mypy", "src"], "mypy"),
        (["python3.12", "-mmypy", "src"], "mypy"),
        (["/usr/bin/python3", "-m", "flake8"], "flake8"),
        (["npx", "tsc", "--noEmit"], "tsc"),
        (["npx", "--yes", "eslint", "."], "eslint"),
        (["uv", "run", "pytest"], "pytest"),
        (["uv", "run", "--frozen", "python", "-m", "pytest", "-x"], "pytest"),
        (["poetry", "run", "pyright"], "pyright"),
        (["coverage", "run", "-m", "pytest"], "pytest"),
        (["FORCE_COLOR=1", "pytest", "-q"], "pytest"),
        (["env", "CI=1", "mypy", "."], "mypy"),
        (["pip", "install", "-r", "requirements.txt"], "pip"),
        (["uv", "pip", "install", "x"], "pip"),
        (["pnpm", "exec", "tsc"], "tsc"),
        (["C:\\Tools\\ruff.exe", "check"], "ruff"),
        (["ruff check ."], "ruff"),
        (["uv run pytest -q"], "pytest"),
        (["npm", "run", "lint"], None),
        (["make", "lint"], None),
        (["npm run lint"], None),
        (["python", "script.py"], None),
        (["python", "-m", "unknown_tool"], None),
        ([], None),
        (["uv", "run"], None),
    ],
)
def test_guess(command: list[str], parser: str | None) -> None:
    assert guess_parser(command) == parser
