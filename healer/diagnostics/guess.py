"""Which parser fits a stage, judged from its command line alone."""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Sequence

# Programs whose name is the parser's name or maps onto it.
_PROGRAMS = {
    "ruff": "ruff",
    "flake8": "flake8",
    "mypy": "mypy",
    "dmypy": "mypy",
    "pyright": "pyright",
    "basedpyright": "pyright",
    "pytest": "pytest",
    "py.test": "pytest",
    "unittest": "unittest",
    "pip": "pip",
    "pip3": "pip",
    "tsc": "tsc",
    "vue-tsc": "tsc",
    "eslint": "eslint",
    "black": "black",
    "isort": "isort",
}
# Launchers that run the next word as the real program; the value is how many
# of their own words come before it.
_LAUNCHERS: dict[tuple[str, ...], int] = {
    ("uv", "run"): 2,
    ("uvx",): 1,
    ("poetry", "run"): 2,
    ("pdm", "run"): 2,
    ("hatch", "run"): 2,
    ("rye", "run"): 2,
    ("pipx", "run"): 2,
    ("pipenv", "run"): 2,
    ("npx",): 1,
    ("bunx",): 1,
    ("pnpm", "exec"): 2,
    ("pnpm", "dlx"): 2,
    ("npm", "exec"): 2,
    ("yarn", "exec"): 2,
    ("env",): 1,
    ("time",): 1,
    ("nice",): 1,
    ("coverage", "run", "-m"): 3,
}
_ASSIGNMENT = re.compile(r"[A-Za-z_]\w*=.*")
_PYTHON = re.compile(r"(?:python|pypy)(?:\d+(?:\.\d+)?)?|py")


def guess_parser(argv: Sequence[str]) -> str | None:
    """The parser for a command, or None when the command does not say (`make lint`)."""
    words = _words(argv)
    while words:
        words = [word for word in words if not _ASSIGNMENT.fullmatch(word)]
        if not words:
            return None
        program = _program(words[0])
        if _PYTHON.fullmatch(program):
            return _python_module(words[1:])
        if program == "uv" and words[1:2] == ["pip"]:
            return "pip"
        skip = _launcher_width(program, words)
        if skip == 0:
            return _PROGRAMS.get(program)
        words = _drop_options(words[skip:])
    return None


def _words(argv: Sequence[str]) -> list[str]:
    # A stage given as one shell string ("ruff check .") is split like the shell would.
    if len(argv) == 1 and " " in argv[0].strip():
        if "\\" in argv[0]:
            return argv[0].split()  # Windows paths: POSIX quoting rules would eat the separators.
        try:
            return shlex.split(argv[0])
        except ValueError:
            return argv[0].split()
    return list(argv)


def _program(word: str) -> str:
    name = os.path.basename(word.replace("\\", "/")).lower()
    for suffix in (".exe", ".cmd", ".bat", ".ps1"):
        name = name.removesuffix(suffix)
    return name


def _launcher_width(program: str, words: list[str]) -> int:
    lowered = [program, *(word.lower() for word in words[1:])]
    for prefix, width in _LAUNCHERS.items():
        if tuple(lowered[: len(prefix)]) == prefix:
            return width
    return 0


def _drop_options(words: list[str]) -> list[str]:
    # Launcher flags (`npx --yes tsc`, `uv run --frozen pytest`) come before the program.
    index = 0
    while index < len(words) and words[index].startswith("-"):
        index += 1
    return words[index:]


def _python_module(words: list[str]) -> str | None:
    # `python -m mypy src`: the module is the program. A script (`python x.py`)
    # says nothing about its output format.
    for index, word in enumerate(words):
        if word == "-m" and index + 1 < len(words):
            return _PROGRAMS.get(words[index + 1].lower())
        if word.startswith("-m") and len(word) > 2:
            return _PROGRAMS.get(word[2:].lower())
        if not word.startswith("-"):
            return None
    return None
