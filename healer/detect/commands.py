"""Reading command lines: which known tools they run and what kind of check that is.

Whether a command would rewrite files is `effects.py`'s business.

A tool key names one check ("ruff-check", "mypy", "eslint"), a package.json script
("script:lint") or a Makefile target ("make:test"). Sources that run the same key are duplicates.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterable, Iterator

KEY_KINDS: dict[str, str] = {
    "ruff-check": "lint",
    "flake8": "lint",
    "pylint": "lint",
    "eslint": "lint",
    "biome": "lint",
    "ruff-format": "format",
    "black": "format",
    "isort": "format",
    "prettier": "format",
    "mypy": "typecheck",
    "pyright": "typecheck",
    "tsc": "typecheck",
    "pytest": "test",
    "unittest": "test",
    "jest": "test",
    "vitest": "test",
    "mocha": "test",
    "bun-test": "test",
    "tox": "test",
    "nox": "test",
    "python-build": "build",
    "mkdocs": "build",
    "sphinx": "build",
    "bandit": "security",
    "pip-audit": "security",
    "safety": "security",
}

PARSERS: dict[str, str] = {
    "ruff-check": "ruff",
    "ruff-format": "ruff",
    "flake8": "flake8",
    "black": "black",
    "isort": "isort",
    "mypy": "mypy",
    "pyright": "pyright",
    "pytest": "pytest",
    "unittest": "unittest",
    "eslint": "eslint",
    "tsc": "tsc",
}

_SAME_NAME = {
    "flake8", "pylint", "eslint", "biome", "black", "isort", "prettier", "mypy", "pyright",
    "tsc", "pytest", "unittest", "jest", "vitest", "mocha", "tox", "nox", "bandit", "pip-audit", "safety",
}  # fmt: skip
_ALIASES = {
    "py.test": "pytest",
    "dmypy": "mypy",
    "basedpyright": "pyright",
    "vue-tsc": "tsc",
    "build": "python-build",
    "sphinx-build": "sphinx",
}
_WRAPPERS = {"sudo", "time", "env", "exec", "command", "nice", "xvfb-run", "npx", "pnpx", "bunx"}
_RUNS = {
    (runner, verb)
    for runner in ("uv", "poetry", "pdm", "pipenv", "hatch", "rye", "pipx", "conda")
    for verb in ("run", "exec")
} | {("pnpm", "exec"), ("pnpm", "dlx"), ("yarn", "dlx"), ("yarn", "exec")}
_PNPM_BUILTINS = {
    "install", "i", "add", "remove", "rm", "update", "up", "exec", "dlx", "create", "init",
    "publish", "pack", "link", "unlink", "store", "audit", "outdated", "list", "ls", "why",
    "rebuild", "prune", "fetch", "import", "patch", "setup", "env", "config", "root", "bin",
}  # fmt: skip
_YARN_BUILTINS = {
    "install", "add", "remove", "upgrade", "up", "init", "dlx", "exec", "workspace",
    "workspaces", "why", "info", "cache", "config", "global", "link", "unlink", "pack",
    "publish", "set", "plugin", "node", "bin",
}  # fmt: skip
_RUFF_NON_CHECKS = {"version", "server", "rule", "config", "linter", "clean", "analyze", "help"}
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_SEPARATORS = re.compile(r"&&|\|\||[;|\n()`]|\$\(")
_SHELL_SYNTAX = re.compile(r"[|&;<>$`*?(){}\[\]~\\#\n]")


def simple_commands(text: str) -> Iterator[tuple[str, list[str]]]:
    """(program, arguments) of each simple command in a command line, wrappers peeled off.

    `uv run pytest -q` gives ("pytest", ["-q"]), `python -m mypy .` gives ("mypy", ["."]).
    """
    for _, words in invocations(text):
        yield os.path.basename(words[0]), words[1:]


def invocations(text: str) -> Iterator[tuple[list[str], list[str]]]:
    """(launcher, words) of each simple command: `python3 -m mypy .` gives (["python3", "-m"],
    ["mypy", "."]); the launcher is empty unless an interpreter runs the tool as a module.

    The program keeps the path it was written with (`.venv/bin/pytest`).
    """
    for segment in _SEPARATORS.split(text):
        try:
            words = shlex.split(segment, comments=True)
        except ValueError:
            words = segment.split()
        launcher, words = _peel(words)
        if words:
            yield launcher, words


def _peel(words: list[str]) -> tuple[list[str], list[str]]:
    launcher: list[str] = []
    while words:
        first = os.path.basename(words[0])
        if _ASSIGNMENT.match(words[0]):
            words, launcher = words[1:], []
        elif first in _WRAPPERS:
            words, launcher = _drop_options(words[1:]), []
        elif (first, *words[1:2]) in _RUNS:
            words, launcher = _drop_options(words[2:]), []
        elif re.fullmatch(r"python[0-9.]*|py", first) and "-m" in words[1:3]:
            words, launcher = words[words.index("-m") + 1 :], [words[0], "-m"]
        elif first == "coverage" and words[1:2] == ["run"]:
            words = words[words.index("-m") + 1 :] if "-m" in words else _drop_options(words[2:])
            launcher = []
        else:
            return launcher, words
    return launcher, words


def _drop_options(words: list[str]) -> list[str]:
    while words and words[0].startswith("-"):
        words = words[1:]
    return words


def tools_in(text: str) -> frozenset[str]:
    """The tool keys a command line runs."""
    return frozenset(key for program, args in simple_commands(text) for key in command_keys(program, args))


def command_keys(program: str, args: list[str]) -> Iterator[str]:
    """The tool keys one simple command (as `simple_commands` gives it) runs."""
    positional = [arg for arg in args if not arg.startswith("-")]
    first = positional[0] if positional else ""
    if program == "ruff":
        if first == "format":
            yield "ruff-format"
        elif first not in _RUFF_NON_CHECKS and "--version" not in args:
            yield "ruff-check"
    elif program in _SAME_NAME:
        yield program
    elif program in _ALIASES:
        yield _ALIASES[program]
    elif program == "mkdocs" and first == "build":
        yield "mkdocs"
    elif program == "sphinx" and first != "apidoc":  # `python -m sphinx`
        yield "sphinx"
    elif program == "next" and first == "lint":
        yield "eslint"
    elif program == "npm":
        if first in ("run", "run-script") and len(positional) > 1:
            yield f"script:{positional[1]}"
        elif first in ("test", "t", "tst"):
            yield "script:test"
    elif program in ("pnpm", "yarn"):
        builtins = _PNPM_BUILTINS if program == "pnpm" else _YARN_BUILTINS
        if first == "run" and len(positional) > 1:
            yield f"script:{positional[1]}"
        elif first == "t":
            yield "script:test"
        elif first and first not in builtins:
            yield f"script:{first}"
    elif program == "bun":
        if first == "run" and len(positional) > 1:
            yield f"script:{positional[1]}"
        elif first == "test":
            yield "bun-test"
    elif program in ("make", "gmake", "$(MAKE)", "${MAKE}"):
        yield from (f"make:{target}" for target in make_targets(args))
    elif program in ("hatch", "poetry", "uv", "pdm", "flit") and first == "build":
        yield "python-build"


def make_targets(args: list[str]) -> list[str]:
    """The targets named on a make command line (options, their values and variables skipped)."""
    targets: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("-C", "-f", "-I", "-o", "-W", "-j", "--directory", "--file"):
            skip = arg != "-j"
        elif not arg.startswith("-") and "=" not in arg:
            targets.append(arg)
    return targets


def name_kind(name: str) -> str:
    """The kind a stage's, script's or target's name suggests."""
    words = set(re.split(r"[^a-z0-9]+", name.lower()))
    if words & {"typecheck", "typechecking", "types", "typing", "tsc", "mypy", "pyright"} or (
        "type" in words and "check" in words
    ):
        return "typecheck"
    if words & {"lint", "linter", "linting", "flake8", "ruff", "eslint", "pylint", "style"}:
        return "lint"
    if words & {"format", "fmt", "formatting", "prettier", "black", "isort"}:
        return "format"
    if words & {"test", "tests", "testing", "pytest", "unittest", "jest", "vitest", "spec"}:
        return "test"
    if words & {"build", "compile", "dist", "bundle"}:
        return "build"
    if words & {"security", "audit", "bandit", "safety", "vulnerabilities"}:
        return "security"
    return "other"


def guess_kind(keys: Iterable[str], *names: str) -> str:
    """The kind of a stage running `keys`; the names decide when the keys do not agree."""
    kinds = {_key_kind(key) for key in keys} - {"other"}
    if len(kinds) == 1:
        return kinds.pop()
    for name in names:
        kind = name_kind(name)
        if kind != "other":
            return kind
    return "other"


def _key_kind(key: str) -> str:
    if ":" in key:
        return name_kind(key.partition(":")[2])
    return KEY_KINDS.get(key, "other")


def parser_for(keys: Iterable[str]) -> str | None:
    """The diagnostics parser for a stage that runs exactly one known tool."""
    tools = {key for key in keys if ":" not in key}
    if len(tools) != 1:
        return None
    return PARSERS.get(tools.pop())


def needs_shell(line: str) -> bool:
    """Whether a one-line command uses shell syntax (pipes, globs, variables, redirections...)."""
    return bool(_SHELL_SYNTAX.search(line) or _ASSIGNMENT.match(line.strip()))
