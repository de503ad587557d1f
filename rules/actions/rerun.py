"""rerun: run a few failed tests again in a scratch copy; one that passes now is reported as flaky.

A flaky test is not fixed by an edit, so the result is a Report, or None when
the test fails on every rerun (a real failure, for other rules). The work stays
bounded whatever the number of failures: the first call for a stage picks the
failures that could be flaky (not a deterministic exception such as NameError,
not a failure that other tests share, which is one cause rather than many
flakes; at most `tests` of them), reruns them together in one pytest process
per attempt, and caches the answer for the calls that follow. Only the tests
still failing get the next attempt.

The tests run with the stage's own pytest command (`pytest`, `python -m
pytest`, `uv run pytest`: the words up to pytest are kept, its arguments are
replaced by the node ids), else with `ctx.python -m pytest`. Params: `reruns`
(2), `tests` (5), `timeout` (seconds per attempt; the stage's, else 300).
"""

from __future__ import annotations

import os
import re
import shlex
from collections import Counter
from collections.abc import Sequence

from healer.config.settings import Stage
from healer.diagnostics.diagnostic import Diagnostic
from healer.pipeline.environment import InCopy, stage_env
from healer.process import run_briefly
from healer.rules.context import ActionContext
from healer.rules.outcome import Report

KIND = "flaky"
DEFAULT_RERUNS = 2
DEFAULT_TESTS = 5
DEFAULT_TIMEOUT = 300.0

# Exceptions that a rerun cannot change: the code is wrong, not the timing.
DETERMINISTIC = frozenset(
    {
        "AttributeError",
        "ImportError",
        "IndentationError",
        "ModuleNotFoundError",
        "NameError",
        "SyntaxError",
        "TabError",
        "UnboundLocalError",
    }
)

# Setup errors pytest reports before a test runs: no timing changes them either.
_DETERMINISTIC_MESSAGE = re.compile(r"^fixture '\w+' not found")
_PYTEST = frozenset({"pytest", "py.test"})
_SHELL_SYNTAX = frozenset(";&|<>()$`\n")
_PASSED = re.compile(rb"^PASSED (\S+)", re.MULTILINE)


def run(ctx: ActionContext) -> Report | None:
    diagnostic = ctx.diagnostic
    stage = ctx.stage
    if diagnostic.node_id is None or ctx.scratch is None or (stage is not None and stage.kind != "test"):
        return None
    if "::" not in diagnostic.node_id:
        return None  # a module that cannot be collected (an import error) fails the same way every time
    key = f"rerun:{stage.name if stage is not None else diagnostic.stage}"
    if key not in ctx.cache:
        ctx.cache[key] = _rerun(ctx)
    passed_on: dict[str, int] = ctx.cache[key]
    attempt = passed_on.get(diagnostic.node_id)
    if attempt is None:
        return None
    reruns = int(ctx.params.get("reruns", DEFAULT_RERUNS))
    message = f"{diagnostic.node_id} failed, then passed on rerun {attempt} of {reruns}: flaky, not fixed"
    return Report(kind=KIND, message=message, file=diagnostic.file, line=diagnostic.line)


def likely_flaky(diagnostics: Sequence[Diagnostic], most: int) -> list[str]:
    """The node ids worth a rerun, in the order found: at most `most`, none whose failure is deterministic or shared."""
    failures = [d for d in diagnostics if d.node_id is not None and "::" in d.node_id]
    shared = Counter((d.file, d.code, d.message) for d in failures)
    chosen: list[str] = []
    for failure in failures:
        if len(chosen) >= most:
            break
        deterministic = failure.code in DETERMINISTIC or _DETERMINISTIC_MESSAGE.search(failure.message)
        if deterministic or shared[(failure.file, failure.code, failure.message)] > 1:
            continue
        if failure.node_id not in chosen:
            chosen.append(str(failure.node_id))
    return chosen


def _rerun(ctx: ActionContext) -> dict[str, int]:
    """Each candidate that passed, with the attempt on which it did; the others are absent."""
    stage = ctx.stage
    prefix = _prefix(stage, ctx.python)
    reruns = int(ctx.params.get("reruns", DEFAULT_RERUNS))
    most = int(ctx.params.get("tests", DEFAULT_TESTS))
    found = ctx.diagnostics if ctx.diagnostics else (ctx.diagnostic,)
    failing = likely_flaky(found, most)
    if prefix is None or reruns < 1 or not failing or ctx.scratch is None:
        return {}
    timeout = float(ctx.params.get("timeout", (stage.timeout if stage else None) or DEFAULT_TIMEOUT))
    passed_on: dict[str, int] = {}
    with ctx.scratch() as scratch:
        # git run by a test must not find the user's repository; its imports come from the copy.
        where = InCopy(str(scratch), None if ctx.work_tree is None else str(ctx.work_tree))
        env = stage_env(stage if stage is not None else Stage(name="rerun", run=()), ctx.env, copy=where)
        cwd = scratch / stage.cwd if stage is not None and stage.cwd else scratch
        for attempt in range(1, reruns + 1):
            plural = "test" if len(failing) == 1 else "tests"
            ctx.say(
                f"rerunning {len(failing)} failed {plural} to tell flaky from broken (attempt {attempt} of {reruns})"
            )
            argv = [*prefix, *failing, "-p", "no:cacheprovider", "-q", "-rA"]
            try:
                _, out, _ = run_briefly(argv, cwd, env, timeout=timeout)
            except OSError:
                break
            passed = {match.decode("utf-8", "replace") for match in _PASSED.findall(out)}
            for node in failing:
                if node in passed:
                    passed_on[node] = attempt
            failing = [node for node in failing if node not in passed]
            if not failing:
                break
    return passed_on


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
