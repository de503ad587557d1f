"""A pytest stage narrowed to some of its tests: the failing node ids, the affected test files.

pytest runs the union of its positional arguments, so appending `tests/test_a.py::test_x` to
`pytest -q tests` still runs the whole of `tests/` (found on real projects, whose stages almost
always name their test folder: every "failing tests only" rerun was a full run). The narrowed
stage keeps every option of the original, `-k`/`-m`/`--deselect` among them, and replaces its
positional arguments with the selection.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from pathlib import Path

from healer.config.settings import Stage

# pytest options that take the next word as their value (unless written `--opt=value`).
VALUE_OPTIONS = frozenset(
    {
        "-k", "-m", "-p", "-c", "-o", "-W", "-n", "-r", "--rootdir", "--cov", "--cov-report", "--cov-config",
        "--cov-fail-under", "--confcutdir", "--basetemp", "--junitxml", "--junit-xml", "--ignore", "--ignore-glob",
        "--deselect", "--maxfail", "--durations", "--tb", "--timeout", "--log-level", "--log-file",
        "--import-mode", "--capture", "--color", "--dist", "--override-ini", "--config-file", "--maxprocesses",
        "--log-cli-level", "--log-format", "--junit-prefix", "--html", "--reruns", "--seed",
    }
)  # fmt: skip


def pytest_start(stage: Stage) -> int | None:
    """Where pytest's own arguments begin in the stage's argv (`pytest ...`, `python -m pytest ...`), or None if
    the stage does not run pytest directly (a shell line, a wrapper such as `make test` or `tox`)."""
    if stage.shell:
        return None
    argv = stage.argv()
    for i, word in enumerate(argv):
        if os.path.basename(word) in ("pytest", "py.test"):
            return i + 1
        if word == "-m" and i + 1 < len(argv) and argv[i + 1] in ("pytest", "py.test"):
            return i + 2
    return None


def pytest_arguments(stage: Stage) -> list[str] | None:
    """The words a stage passes to pytest, or None if it does not run pytest directly."""
    start = pytest_start(stage)
    return None if start is None else stage.argv()[start:]


def positionals(words: Sequence[str]) -> list[str]:
    """pytest's positional arguments among `words`: the paths and node ids it collects."""
    found: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in VALUE_OPTIONS
        else:
            found.append(word)
    return found


def narrowed(stage: Stage, selection: Sequence[str]) -> Stage | None:
    """The stage running only `selection` (paths or node ids, relative to its cwd), or None if it does not run
    pytest directly."""
    start = pytest_start(stage)
    if start is None or not selection:
        return None
    argv = stage.argv()
    kept: list[str] = []
    skip = False
    for word in argv[start:]:
        if skip:
            kept.append(word)
            skip = False
        elif word.startswith("-"):
            kept.append(word)
            skip = word in VALUE_OPTIONS
        # a positional: replaced by the selection
    run = (*argv[:start], *kept, *selection)
    return stage._replace(run=run, shell=False)


def tests_to_run(
    stage: Stage, root: Path, tests: Collection[str], all_tests: Collection[str]
) -> tuple[str, ...] | None:
    """Of `tests` (repository paths of test files), those the stage runs, relative to its cwd; None when
    narrowing would not help or could run the wrong tests.

    None when the stage does not run pytest directly; when it selects tests by node id or by
    something other than paths (`--pyargs`); when none of `tests` is among the tests it runs; or
    when all of its tests are among them (the narrowed run would be the full run).
    """
    words = pytest_arguments(stage)
    if words is None:
        return None
    cwd = root / stage.cwd if stage.cwd else root
    selection = positionals(words)
    if any("::" in word or not (cwd / word).exists() for word in selection):
        return None
    scopes = [os.path.normpath(os.path.relpath(cwd / word, root)).replace(os.sep, "/") for word in selection]

    def runs(path: str) -> bool:
        inside = os.path.relpath(root / path, cwd)
        if inside.startswith(".." + os.sep) or inside == "..":
            return False
        return not scopes or any(scope == "." or path == scope or path.startswith(scope + "/") for scope in scopes)

    chosen = sorted(path for path in tests if runs(path))
    if not chosen or len(chosen) >= sum(1 for path in all_tests if runs(path)):
        return None
    return tuple(chosen)
