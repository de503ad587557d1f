"""rerun: run a failed test again, alone, in a scratch copy; if it passes now, report it as flaky.

A flaky test is not fixed by an edit, so the result is a Report, or None when
the test fails on every rerun (a real failure, for other rules). The test runs
with the stage's own pytest command (`pytest`, `python -m pytest`, `uv run
pytest`: the words up to pytest are kept, its arguments are replaced by the
node id), else with `ctx.python -m pytest`. Params: `reruns` (2), `timeout`
(seconds per run; the stage's, else 300).
"""

from __future__ import annotations

import os
import shlex

from healer.config.settings import Stage
from healer.pipeline.environment import InCopy, stage_env
from healer.process import run_briefly
from healer.rules.context import ActionContext
from healer.rules.outcome import Report

KIND = "flaky"
DEFAULT_RERUNS = 2
DEFAULT_TIMEOUT = 300.0

_PYTEST = frozenset({"pytest", "py.test"})
_SHELL_SYNTAX = frozenset(";&|<>()$`\n")


def run(ctx: ActionContext) -> Report | None:
    diagnostic = ctx.diagnostic
    stage = ctx.stage
    if diagnostic.node_id is None or ctx.scratch is None or (stage is not None and stage.kind != "test"):
        return None
    if "::" not in diagnostic.node_id:
        return None  # a module that cannot be collected (an import error) fails the same way every time
    prefix = _prefix(stage, ctx.python)
    reruns = int(ctx.params.get("reruns", DEFAULT_RERUNS))
    if prefix is None or reruns < 1:
        return None
    timeout = float(ctx.params.get("timeout", (stage.timeout if stage else None) or DEFAULT_TIMEOUT))
    argv = [*prefix, diagnostic.node_id, "-p", "no:cacheprovider", "-q"]
    with ctx.scratch() as scratch:
        # git run by a test must not find the user's repository; its imports come from the copy.
        where = InCopy(str(scratch), None if ctx.work_tree is None else str(ctx.work_tree))
        env = stage_env(stage if stage is not None else Stage(name="rerun", run=()), copy=where)
        cwd = scratch / stage.cwd if stage is not None and stage.cwd else scratch
        for attempt in range(1, reruns + 1):
            try:
                code, _, _ = run_briefly(argv, cwd, env, timeout=timeout)
            except OSError:
                return None
            if code == 0:
                message = f"{diagnostic.node_id} failed, then passed on rerun {attempt} of {reruns}: flaky, not fixed"
                return Report(kind=KIND, message=message, file=diagnostic.file, line=diagnostic.line)
    return None


def _prefix(stage: Stage | None, python: str | None) -> list[str] | None:
    """The stage's words up to and including pytest; `python -m pytest` when the stage does not call it."""
    if stage is not None:
        words = _words(stage)
        for index, word in enumerate(words):
            if os.path.basename(word) in _PYTEST:
                return words[: index + 1]
            if words[index + 1 : index + 3] == ["-m", "pytest"] and "python" in os.path.basename(word):
                return words[: index + 3]
    return [python, "-m", "pytest"] if python else None


def _words(stage: Stage) -> list[str]:
    if not stage.shell:
        return stage.argv()
    line = stage.run if isinstance(stage.run, str) else shlex.join(stage.run)
    # A pipeline or a chain (`cd x && pytest`) cannot be cut at pytest's arguments.
    if any(character in _SHELL_SYNTAX for character in line):
        return []
    try:
        return shlex.split(line)
    except ValueError:
        return []
