"""The check-only stage for each Python tool healer knows, shared by every source that finds one."""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from healer.config.settings import Stage

PYTHON_FILES = ("**/*.py", "**/*.pyi")

# Config files each tool reads: a change to any of them can change the tool's verdict.
_CONFIGS: dict[str, tuple[str, ...]] = {
    "ruff": ("pyproject.toml", "ruff.toml", ".ruff.toml", "**/.gitignore"),
    "black": ("pyproject.toml", "**/.gitignore"),
    "isort": ("pyproject.toml", "setup.cfg", "tox.ini", ".isort.cfg", ".editorconfig"),
    "flake8": ("setup.cfg", "tox.ini", ".flake8"),
    "mypy": ("pyproject.toml", "setup.cfg", "mypy.ini", ".mypy.ini"),
    "pyright": ("pyproject.toml", "pyrightconfig.json"),
}

TOOL_KEYS: dict[str, str] = {
    "ruff": "ruff-check",
    "ruff-format": "ruff-format",
    "black": "black",
    "isort": "isort",
    "flake8": "flake8",
    "mypy": "mypy",
    "pyright": "pyright",
    "pytest": "pytest",
    "unittest": "unittest",
}
"""Stage name → tool key (see `commands.tools_in`)."""


def python_stage(tool: str, args: Sequence[str] = (), *, mypy_targets: Sequence[str] = ()) -> Stage:
    """The stage for `tool` (a key of `TOOL_KEYS`), with `args` added before the paths."""
    extra = list(args)
    if tool == "ruff":
        return Stage(
            name="ruff",
            # --no-fix: a project setting `fix = true` would otherwise make the check rewrite files.
            run=_line("ruff", "check", "--no-fix", *extra, "."),
            kind="lint",
            inputs=(*PYTHON_FILES, "**/*.ipynb", *_CONFIGS["ruff"]),
            versions=("ruff --version",),
            fix=_line("ruff", "check", "--fix", *extra, "."),
            parser="ruff",
        )
    if tool == "ruff-format":
        return Stage(
            name="ruff-format",
            run=_line("ruff", "format", "--check", "--diff", *extra, "."),
            kind="format",
            inputs=(*PYTHON_FILES, "**/*.ipynb", *_CONFIGS["ruff"]),
            versions=("ruff --version",),
            fix=_line("ruff", "format", *extra, "."),
            parser="ruff",
        )
    if tool in ("black", "isort"):
        check = "--check" if tool == "black" else "--check-only"
        return Stage(
            name=tool,
            run=_line(tool, check, "--diff", *extra, "."),
            kind="format",
            inputs=(*PYTHON_FILES, *_CONFIGS[tool]),
            versions=(f"{tool} --version",),
            fix=_line(tool, *extra, "."),
            parser=tool,
        )
    if tool == "flake8":
        return Stage(
            name="flake8",
            run=_line("flake8", *extra),
            kind="lint",
            inputs=("**/*.py", *_CONFIGS["flake8"]),
            versions=("flake8 --version",),
            parser="flake8",
        )
    if tool == "mypy":
        return Stage(
            name="mypy",
            run=_line("mypy", *extra, *(mypy_targets or ["."])),
            kind="typecheck",
            inputs=(*PYTHON_FILES, *_CONFIGS["mypy"]),
            versions=("mypy --version",),
            parser="mypy",
        )
    if tool == "pyright":
        return Stage(
            name="pyright",
            run=_line("pyright", *extra),
            kind="typecheck",
            inputs=(*PYTHON_FILES, *_CONFIGS["pyright"]),
            versions=("pyright --version",),
            parser="pyright",
        )
    # No inputs for test runners: tests read data files, fixtures and the package's non-Python
    # resources, so any file may change the result.
    if tool == "pytest":
        return Stage(
            name="pytest",
            run=_line("pytest", "-q", *extra),
            kind="test",
            versions=("pytest --version",),
            parser="pytest",
        )
    if tool == "unittest":
        return Stage(
            name="unittest",
            run=_line("python", "-m", "unittest", "discover", *extra),
            kind="test",
            versions=("python --version",),
            parser="unittest",
        )
    raise ValueError(f"no Python stage for {tool!r}")


def _line(*words: str) -> str:
    return shlex.join(words)
