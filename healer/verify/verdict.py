"""Verification: apply a candidate in an isolated copy and rerun what it could have broken.

The failing subset first (for pytest, the failing node ids: the cheapest
proof), then the test files that import what the patch changed (when they
are fewer than the suite: a wrong fix shows there sooner), then the whole
stage and every other stage whose inputs the patch touched; it stops at the
first step that fails. The verdict compares each rerun with the run the patch was made from:

- a stage that passed must still pass;
- a failing stage must lose at least one occurrence of every diagnostic the
  patch addresses there, and gain no diagnostic it did not have, unless the
  patch removed a *blocking* failure (a test module that could not be
  imported, a type checker stopped by a syntax error): then the checks it
  blocked run for the first time and what they find is reported as
  uncovered, not held against the patch (except a failure on a line that
  reads a name the patch imported: that one is the patch's own);
- a stage that cannot run at all (a missing tool) makes the patch
  unverifiable rather than failed;
- a patch that changes only layout and comments (the same syntax tree) does
  not rerun test stages other than its own;
- a patch offered as layout only (`Patch.same_ast`) fails, before anything
  runs, if it changes a file's syntax tree or a file that is not Python;
- an untrusted patch (`Patch.trusted` false: a model's) is rerun only inside
  the OS sandbox (healer.pipeline.jail); where none works it stays
  unverified, and its code never runs.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from healer.config.settings import Config, Stage
from healer.diagnostics.diagnostic import Diagnostic
from healer.kb.results import ResultCache
from healer.patch.bound_names import uses_new_import
from healer.patch.patch import Patch
from healer.patch.same_code import same_code
from healer.pipeline.environment import InCopy
from healer.pipeline.jail import Jail, choose
from healer.pipeline.plan import affected_stages
from healer.pipeline.pytest_selection import narrowed, tests_to_run
from healer.pipeline.result import RunResult, StageResult
from healer.pipeline.runner import RunOptions, run_pipeline
from healer.snapshot.imports import is_test_file
from healer.snapshot.manifest import Manifest
from healer.verify.sandbox import OutsideCopy, Sandboxes, scrub, write_in_copy

Status = Literal["unverified", "verified", "failed", "unverifiable"]
"""What verification made of a candidate; "unverified" until it ran."""

ResultsFor = Callable[[], AbstractContextManager[ResultCache | None]]
"""A knowledge-base connection for the calling thread (SQLite connections stay in theirs), for the result cache."""

AFFECTED = " (affected tests)"
"""A pytest stage narrowed to the test files that import what the patch changes."""
BLOCKING_MARKERS = ("prevented further checking", "error collecting", "errors during collection")


@dataclass(frozen=True)
class Verdict:
    status: Status
    """"verified", "failed" or "unverifiable"."""
    detail: str | None
    """Why it failed or could not be verified; what it uncovered when verified."""
    reruns: tuple[str, ...]
    """The stages rerun, in order (a subset run is named "<stage> (failing tests)")."""
    duration: float
    tool_seconds: float = 0.0
    """Of `duration`, the time the rerun stages' commands took; the rest is healer's own overhead."""
    resolved: int = 0
    """Diagnostics of the rerun stages that are gone with the patch, less any that came: the better of two
    verified patches for one file is the one that resolves more (a typo fixed at its source, not at a use)."""
    jailed: bool = False
    """Its reruns ran inside the OS sandbox (an untrusted patch's; healer.pipeline.jail)."""


@dataclass(frozen=True)
class Baseline:
    """The run the candidates were made from, and where its content lives."""

    run: RunResult
    config: Config
    known: dict[str, str]
    """Blob ids of the snapshot's files (for cache keys in the copies)."""
    options: RunOptions
    results: ResultsFor = lambda: nullcontext(None)
    """The result cache for the verifying thread, so reruns share it; none by default."""
    tests_for: Callable[[Sequence[str]], Collection[str]] | None = None
    """The test files that import any of the given paths, directly or not (the project's import graph)."""


Step = Callable[[str], None]
"""Told the name of each rerun as it starts ("test (failing tests)", "test", "lint"), for progress."""


def verify(patch: Patch, baseline: Baseline, sandboxes: Sandboxes, step: Step | None = None) -> Verdict:
    """Apply `patch` in a copy of the snapshot and rerun the checks it concerns."""
    began = time.monotonic()
    spent: list[float] = []
    with baseline.results() as store:
        verdict = _verify(patch, baseline, sandboxes, store, began, spent, step or (lambda _: None))
    jailed = bool(verdict.reruns) and not patch.trusted  # choose() is remembered: asking again costs nothing
    jailed = jailed and choose(baseline.config.sandbox, baseline.options.env).jail is not None
    return replace(verdict, tool_seconds=sum(spent), jailed=jailed)


def _verify(
    patch: Patch,
    baseline: Baseline,
    sandboxes: Sandboxes,
    store: ResultCache | None,
    began: float,
    spent: list[float],
    step: Step,
) -> Verdict:
    def run(config: Config, folder: Path, names: Sequence[str], options: RunOptions) -> RunResult:
        step(" + ".join(reruns[len(said) :]))
        said.extend(reruns[len(said) :])
        result = run_pipeline(config, folder, names=names, options=options, store=store)
        spent.extend(stage.duration for stage in result.stages if not stage.cached)
        return result

    reruns: list[str] = []
    said: list[str] = []
    if "adds-dependency" in patch.flags:
        # The check can only pass once the package is installed, and healer installs nothing.
        why = "adds a dependency: it must be installed before the check can pass, and healer installs nothing"
        return Verdict("unverifiable", why, (), time.monotonic() - began)
    jail = None
    if not patch.trusted:
        choice = choose(baseline.config.sandbox, baseline.options.env)
        if choice.problem is not None:
            # Verifying runs the patch's code: untrusted code runs jailed or not at all.
            why = f"not verified: its code is untrusted and runs only in an OS sandbox, and {choice.problem}"
            return Verdict("unverified", why, (), time.monotonic() - began)
        jail = choice.jail
    if patch.same_ast:
        changed = [edit.path for edit in patch.edits if not same_code(edit)]
        if changed:
            # No rerun can show this: a changed meaning may pass every check, and the fix was offered as layout.
            why = f"changes the code, not only its layout and comments: {', '.join(changed)}"
            return Verdict("failed", f"{why} (it was offered as layout only)", (), time.monotonic() - began)
    with sandboxes.copy() as folder:
        try:
            return _verify_in(patch, baseline, sandboxes, folder, jail, run, reruns, began)
        finally:
            if jail is not None:
                scrub(folder, baseline.known, baseline.config.links)  # what its code left goes with it


def _verify_in(
    patch: Patch,
    baseline: Baseline,
    sandboxes: Sandboxes,
    folder: Path,
    jail: Jail | None,
    run: Callable[[Config, Path, Sequence[str], RunOptions], RunResult],
    reruns: list[str],
    began: float,
) -> Verdict:
    before = {stage.name: stage for stage in baseline.run.stages}
    problem = _write(folder, patch)
    if problem is not None:
        return Verdict("unverifiable", problem, (), time.monotonic() - began)
    manifest = _manifest(folder, baseline.known, patch)
    options = baseline.options._replace(
        manifest=lambda: manifest, touched=None, copy=InCopy(str(folder), str(sandboxes.root)), jail=jail
    )
    target = before.get(patch.stage)
    subset = _failing_subset(baseline.config, target, patch)
    if subset is not None:
        reruns.append(f"{patch.stage} (failing tests)")
        alone = Config(stages=(subset,), source="verify")
        quick = run(alone, folder, [subset.name], options._replace(use_cache=False))
        result = quick.stages[0]
        if result.status == "error":
            return Verdict("unverifiable", _why(result), tuple(reruns), time.monotonic() - began)
        if result.status == "cancelled":
            return Verdict("unverifiable", f"{reruns[-1]}: interrupted", tuple(reruns), time.monotonic() - began)
        if result.status != "passed":
            return Verdict("failed", _tail(result), tuple(reruns), time.monotonic() - began)
    selected = [stage.name for stage in baseline.run.stages]
    names = [patch.stage, *(n for n in affected_stages(baseline.config, selected, patch.paths) if n != patch.stage)]
    if patch.edits and all(same_code(edit) for edit in patch.edits):
        # Layout and comments only: no test can run differently, so other test stages are not rerun (a
        # formatter's fix waited on the whole suite). Linters and type checkers still are: they read comments.
        names = [n for n in names if n == patch.stage or baseline.config.stage(n).kind != "test"]
    subsets = _affected_subsets(baseline, folder, names, patch)
    if subsets:
        reruns.extend(subset.name for subset in subsets)
        early = run(Config(stages=tuple(subsets), source="verify"), folder, [s.name for s in subsets], options)
        for result in early.stages:
            failed = _early_failure(result, before.get(result.name.removesuffix(AFFECTED)), patch)
            if failed is not None:
                return Verdict(*failed, tuple(reruns), time.monotonic() - began)
    reruns.extend(names)
    after = run(baseline.config, folder, names, options)
    uncovered: list[str] = []
    for result in after.stages:
        old = before.get(result.name)
        if result.status == "error":
            return Verdict("unverifiable", _why(result), tuple(reruns), time.monotonic() - began)
        if result.status == "cancelled":
            return Verdict("unverifiable", f"{result.name}: interrupted", tuple(reruns), time.monotonic() - began)
        if old is None or result.status == "skipped":
            continue
        regression = _regression(old, result, patch, uncovered)
        if regression is not None:
            return Verdict("failed", regression, tuple(reruns), time.monotonic() - began)
    detail = f"uncovered: {'; '.join(uncovered)}" if uncovered else None
    resolved = sum(len(before[r.name].diagnostics) - len(r.diagnostics) for r in after.stages if r.name in before)
    return Verdict("verified", detail, tuple(reruns), time.monotonic() - began, resolved=resolved)


def _early_failure(result: StageResult, old: StageResult | None, patch: Patch) -> tuple[Status, str] | None:
    """What a narrowed rerun already shows: a failure, or that it could not run; None to go on."""
    if result.status == "error":
        return "unverifiable", _why(result)
    if result.status == "cancelled":
        return "unverifiable", f"{result.name}: interrupted"
    if old is None or result.status == "passed":
        return None
    regression = _regression(old, result, patch, [])
    return None if regression is None else ("failed", regression)


def _regression(old: StageResult, new: StageResult, patch: Patch, uncovered: list[str]) -> str | None:
    if old.status == "passed":
        return None if new.status == "passed" else f"{new.name} passed before the fix and fails with it:\n{_tail(new)}"
    if new.status == "passed":
        return None
    before = Counter(d.fingerprint for d in old.diagnostics)
    after = Counter(d.fingerprint for d in new.diagnostics)
    addressed = [fp for fp in patch.fingerprints if fp in before]
    for fingerprint in addressed:
        if after[fingerprint] >= before[fingerprint]:
            still = next(d for d in new.diagnostics if d.fingerprint == fingerprint)
            return f"{new.name} still reports {_describe(still)}"
    new_ones = [d for d in new.diagnostics if d.fingerprint in (after - before)]
    if not new_ones:
        return None
    if any(_blocking(d) and after[d.fingerprint] < before[d.fingerprint] for d in old.diagnostics):
        own = next((d for d in new_ones if uses_new_import(patch, d.file, d.line)), None)
        if own is not None:
            return f"{new.name} fails where the fix's import is used: {_describe(own)}"
        uncovered.extend(f"{new.name}: {_describe(d)}" for d in new_ones[:5])
        return None
    return f"{new.name} reports something new with the fix: {_describe(new_ones[0])}"


def _blocking(diagnostic: Diagnostic) -> bool:
    """A failure that kept the tool from checking the rest (an import error at collection, a syntax error)."""
    if diagnostic.node_id is not None and "::" not in diagnostic.node_id:
        return True  # pytest could not collect the module at all
    message = diagnostic.message.lower()
    return any(marker in message for marker in BLOCKING_MARKERS) or (diagnostic.code or "").lower() == "syntax"


def _failing_subset(config: Config, target: StageResult | None, patch: Patch) -> Stage | None:
    """The failing tests alone, for a pytest stage whose failures the patch addresses."""
    if target is None or target.status != "failed":
        return None
    stage = config.stage(patch.stage)
    addressed = [d for d in target.diagnostics if d.fingerprint in patch.fingerprints]
    if patch.tests:
        # Tests elsewhere that fail the same way (one fingerprint) are other failures: the whole stage's
        # counts judge them below.
        addressed = [d for d in addressed if d.node_id in patch.tests]
    if any(_blocking(d) for d in addressed):
        return None  # tests that could not even be collected will run for the first time: judge the whole stage
    nodes = sorted({d.node_id for d in addressed if d.node_id})
    subset = narrowed(stage, nodes) if nodes else None
    return None if subset is None else subset._replace(needs=(), cache=False, gate=None)


def _affected_subsets(baseline: Baseline, folder: Path, names: Sequence[str], patch: Patch) -> list[Stage]:
    """Each pytest stage among `names` narrowed to the test files that import what the patch changes, where
    those are fewer than the stage's tests: a wrong fix shows there before the whole suite has run."""
    if baseline.tests_for is None:
        return []
    affected = baseline.tests_for(patch.paths)
    if not affected:
        return []
    everything = [path for path in baseline.known if is_test_file(path)]
    subsets = []
    for name in names:
        stage = baseline.config.stage(name)
        if stage.kind != "test":
            continue
        chosen = tests_to_run(stage, folder, affected, everything)
        if chosen is None:
            continue
        cwd = folder / stage.cwd if stage.cwd else folder
        relative = [os.path.relpath(folder / path, cwd) for path in chosen]
        subset = narrowed(stage, relative)
        if subset is not None:
            subsets.append(subset._replace(name=f"{name}{AFFECTED}", needs=(), gate=None))
    return subsets


def _write(folder: Path, patch: Patch) -> str | None:
    """Put the patch's content in the copy; a file that differs there from the fix's `before` is a mismatch."""
    for edit in patch.edits:
        target = folder / edit.path
        current = target.read_bytes() if target.is_file() and not target.is_symlink() else None
        if current != edit.before:
            return f"{edit.path} in the isolated copy differs from the content the fix was made from"
    try:
        for edit in patch.edits:
            write_in_copy(folder, edit.path, edit.after)
    except OutsideCopy as error:
        return str(error)
    return None


def _manifest(folder: Path, known: dict[str, str], patch: Patch) -> Manifest:
    changed = set(patch.paths)
    return Manifest(folder, {p: b for p, b in known.items() if p not in changed}, changed)


def _describe(diagnostic: Diagnostic) -> str:
    where = diagnostic.location()
    code = f" {diagnostic.code}" if diagnostic.code else ""
    return f"{where}{code} {diagnostic.message}".strip()


def _why(result: StageResult) -> str:
    return f"{result.name} could not run: {result.reason or _tail(result)}"


def _tail(result: StageResult, lines: int = 40) -> str:
    text = result.output.rstrip().splitlines()
    return "\n".join(text[-lines:])
