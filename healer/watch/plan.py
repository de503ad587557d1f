"""What a change reruns: the stages whose inputs it touched, the stages that need them, and for a pytest
stage, a preview that runs the affected test files first.

Which stages a set of paths affects is the verifier's question too (a fix touches paths); both
answer it with `affected_stages`, so watch, hooks and verification agree on what `inputs` mean.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from pathlib import Path

from healer.config.settings import Config, Stage
from healer.pipeline.plan import affected_stages

PREVIEW_SUFFIX = " (affected tests)"
"""Appended to a pytest stage's name for its preview, so both results can be told apart everywhere."""

# pytest options that take the next word as their value (unless written `--opt=value`).
_VALUE_OPTIONS = frozenset(
    {
        "-k", "-m", "-p", "-c", "-o", "-W", "-n", "-r", "--rootdir", "--cov", "--cov-report", "--cov-config",
        "--cov-fail-under", "--confcutdir", "--basetemp", "--junitxml", "--junit-xml", "--ignore", "--ignore-glob",
        "--deselect", "--maxfail", "--durations", "--tb", "--timeout", "--log-level", "--log-file",
        "--import-mode", "--capture", "--color", "--dist", "--override-ini", "--config-file", "--maxprocesses",
        "--log-cli-level", "--log-format", "--junit-prefix", "--html", "--reruns", "--seed",
    }
)  # fmt: skip


def stages_to_rerun(config: Config, selected: Sequence[str], changed: Collection[str]) -> list[str]:
    """The selected stages whose inputs include a changed path, and every selected stage that needs one of them
    (a need that now passes, or now fails, changes whether its dependents run), in configuration order."""
    return with_dependents(config, selected, affected_stages(config, selected, sorted(changed)))


def with_dependents(config: Config, selected: Sequence[str], names: Collection[str]) -> list[str]:
    wanted = set(names)
    grew = True
    while grew:
        grew = False
        for stage in config.stages:
            if stage.name in selected and stage.name not in wanted and wanted.intersection(stage.needs):
                wanted.add(stage.name)
                grew = True
    return [stage.name for stage in config.stages if stage.name in wanted]


def pytest_arguments(stage: Stage) -> list[str] | None:
    """The words a stage passes to pytest (`pytest ...`, `python -m pytest ...`), or None if it does not run pytest
    directly (a shell line, a wrapper such as `make test` or `tox`)."""
    if stage.shell:
        return None
    argv = stage.argv()
    for i, word in enumerate(argv):
        if os.path.basename(word) in ("pytest", "py.test"):
            return argv[i + 1 :]
        if word == "-m" and i + 1 < len(argv) and argv[i + 1] in ("pytest", "py.test"):
            return argv[i + 2 :]
    return None


def _positionals(words: Sequence[str]) -> list[str]:
    found: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in _VALUE_OPTIONS
        else:
            found.append(word)
    return found


def preview_stage(
    stage: Stage, root: Path, tests: Collection[str], all_tests: Collection[str]
) -> tuple[Stage, tuple[str, ...]] | None:
    """The stage run on the affected test files only, with those files, or None when a preview would not help.

    None when the stage does not run pytest directly; when it selects tests by node id or by
    something other than paths (`--pyargs`); when none of the affected files is among the tests it
    runs; or when all of its tests are affected (the preview would be the full run). The preview
    keeps everything else of the stage (environment, timeout, parser) but not its gate, which
    judges the whole suite, nor its needs, which the full stage still honours. Its cache key is
    its own: a preview of unchanged content is a cache hit too.
    """
    words = pytest_arguments(stage)
    if words is None:
        return None
    cwd = root / stage.cwd if stage.cwd else root
    selection = _positionals(words)
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
    relative = tuple(os.path.relpath(root / path, cwd) for path in chosen)
    preview = stage._replace(
        name=stage.name + PREVIEW_SUFFIX, run=(*stage.argv(), *relative), needs=(), gate=None, shell=False
    )
    return preview, tuple(chosen)
