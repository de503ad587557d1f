"""Only new failures block (`block = "new"`, `--new-only`): a run's findings split into new and pre-existing.

A diagnostic is pre-existing when the same stage's result on the base holds it
too: the same fingerprint (tool, code and the message's substance; never the
line, so a finding that moved is the same finding) in the same file, counted,
so a second `E501` in a file that had one is new, and one more unused `os`
import in another file is new although its fingerprint is known elsewhere.
A stage failure no diagnostic names (a gate below its threshold, a tool that
could not start) is pre-existing when the base's stage fails the same way.

The base is found here (`find_base`), from git alone; getting its results
(from the cache, else checked once in the shadow tree) is the core's
`Healer.baseline`. This module loads only when a comparison is asked for: a
hook with `block = "all"` never imports it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal, NamedTuple

from healer.diagnostics.diagnostic import Diagnostic
from healer.errors import HealerError
from healer.pipeline.result import RunResult, StageResult
from healer.snapshot.git import git

FAILING = ("failed", "error")
Source = Literal["cache", "checked"]
NO_UPSTREAM = (
    "the current branch has no upstream (set one with `git branch --set-upstream-to`, or name the base: "
    'base = "origin/main" in [tool.healer], or --base REF)'
)


class KnownBase(NamedTuple):
    """The base the front end's context names: what the remote has of a pushed ref, a pull request's base."""

    sha: str | None
    what: str
    """For people: "what origin has of main", "the pull request's base"."""


class Base(NamedTuple):
    sha: str | None
    """The commit whose findings are pre-existing; None: none was found, and everything blocks."""
    named: str
    """How it was found, for people: "origin/main (base in pyproject.toml)", "--base v1.2"."""
    reason: str | None = None
    """Why there is none."""


def _commit(root: Path, ref: str) -> str | None:
    out = git(["rev-parse", "--verify", "-q", "--end-of-options", f"{ref}^{{commit}}"], root, check=False)
    return out.decode().strip() or None


def _merge_base(root: Path, one: str, other: str) -> str | None:
    return git(["merge-base", one, other], root, check=False).decode().strip() or None


def find_base(
    root: Path,
    *,
    explicit: str | None = None,
    configured: str | None = None,
    source: str = "the configuration",
    known: KnownBase | None = None,
    head: str = "HEAD",
) -> Base:
    """The base: `explicit` (--base, exactly that commit; HealerError when there is none), else the merge-base of
    `head` with the `configured` ref, else the context's `known` base, else the merge-base with the upstream."""
    if explicit is not None:
        sha = _commit(root, explicit)
        if sha is None:
            raise HealerError(f"--base {explicit}: no such commit in this repository")
        return Base(sha, f"--base {explicit}")
    if _commit(root, head) is None:
        return Base(None, head, "the repository has no commits yet")
    if configured is not None:
        named = f"{configured} (base in {Path(source).name})"
        sha = _commit(root, configured)
        if sha is None:
            return Base(None, named, f"base = {configured!r} in {source} is not a commit in this clone")
        merge = _merge_base(root, head, sha)
        if merge is None:
            return Base(None, named, f"{configured} has no history in common with {head}")
        return Base(merge, named)
    if known is not None:
        if known.sha is None:
            return Base(None, known.what, f"{known.what}: nothing (its whole history is new)")
        if _commit(root, known.sha) is None:
            return Base(
                None, known.what, f"{known.what} ({known.sha[:12]}) is not in this clone; fetch it (in GitHub "
                "Actions, actions/checkout with fetch-depth: 0)",
            )  # fmt: skip
        return Base(known.sha, known.what)
    upstream = git(["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}"], root, check=False)
    name = upstream.decode().strip()
    if not name:
        return Base(None, "the upstream branch", NO_UPSTREAM)
    merge = _merge_base(root, head, name)
    if merge is None:
        return Base(None, name, f"{name} has no history in common with {head}")
    return Base(merge, f"the merge-base with {name}")


@dataclass(frozen=True)
class StageFindings:
    """One failing stage's diagnostics, split: those the base does not have block."""

    stage: str
    new: tuple[Diagnostic, ...] = ()
    existing: tuple[Diagnostic, ...] = ()
    failure: Literal["new", "pre-existing"] | None = None
    """A failure no diagnostic names (a gate below its threshold, a tool that could not start): new, or
    pre-existing when the base's stage fails the same way; None: the diagnostics say it all."""

    @property
    def blocking(self) -> bool:
        return bool(self.new) or self.failure == "new"


@dataclass(frozen=True)
class NewFindings:
    """A run compared with its base: per failing stage, what is new and what was there before."""

    base: str | None
    """The base commit; None when there was none to compare with (then everything is new)."""
    named: str
    """How the base was found, for people."""
    stages: tuple[StageFindings, ...]
    source: Source | None = None
    """How the base's results were had: all from the result cache, or (some) checked now."""
    reason: str | None = None
    """Why nothing was compared (no base, the base could not be checked): everything blocks, as with "all"."""

    @property
    def compared(self) -> bool:
        return self.base is not None and self.reason is None

    @property
    def blocking(self) -> bool:
        return any(stage.blocking for stage in self.stages)

    def exit_code(self, run: RunResult) -> int:
        """0 when nothing new fails (pre-existing findings do not), 1 when something does; 130 interrupted."""
        if run.interrupted or not self.compared:
            return run.exit_code
        return 1 if self.blocking else 0

    @cached_property
    def _new(self) -> frozenset[Diagnostic]:
        return frozenset(d for stage in self.stages for d in stage.new)

    def is_new(self, diagnostic: Diagnostic) -> bool:
        return diagnostic in self._new

    def new_fingerprints(self) -> frozenset[str]:
        """What the fix loop and the hook fix when only new findings block."""
        return frozenset(d.fingerprint for d in self._new)

    def stage(self, name: str) -> StageFindings | None:
        return next((stage for stage in self.stages if stage.stage == name), None)

    @property
    def new_count(self) -> int:
        return sum(len(stage.new) for stage in self.stages)

    @property
    def existing_count(self) -> int:
        return sum(len(stage.existing) for stage in self.stages)


def failing_stages(run: RunResult) -> list[str]:
    return [stage.name for stage in run.stages if stage.status in FAILING]


def everything_new(run: RunResult, base: Base) -> NewFindings:
    """No comparison (no base, or it could not be checked): every finding blocks, as with block = "all"."""
    stages = tuple(
        StageFindings(stage.name, new=stage.diagnostics, failure=None if stage.diagnostics else "new")
        for stage in run.stages
        if stage.status in FAILING
    )
    return NewFindings(base.sha, base.named, stages, reason=base.reason or "no base")


def compare(run: RunResult, base: Mapping[str, StageResult], found: Base, source: Source) -> NewFindings:
    """`run`'s failing stages against the same stages' results on the base (by stage name)."""
    stages = []
    for stage in run.stages:
        if stage.status not in FAILING:
            continue
        before = base.get(stage.name)
        new, existing = split(stage.diagnostics, before.diagnostics if before is not None else ())
        stages.append(StageFindings(stage.name, new, existing, _failure(stage, before)))
    return NewFindings(found.sha, found.named, tuple(stages), source)


def split(now: Sequence[Diagnostic], before: Iterable[Diagnostic]) -> tuple[tuple[Diagnostic, ...], ...]:
    """(new, pre-existing), each in `now`'s order. Per fingerprint and file, as many as the base had are
    pre-existing, those still on a line the base had them on first (the rest moved, or are the new ones)."""
    quota: Counter[tuple[str, str | None]] = Counter()
    places: dict[tuple[str, str | None], set[int | None]] = {}
    for diagnostic in before:
        key = (diagnostic.fingerprint, diagnostic.file)
        quota[key] += 1
        places.setdefault(key, set()).add(diagnostic.line)
    old: set[int] = set()
    for at_place in (True, False):
        for index, diagnostic in enumerate(now):
            key = (diagnostic.fingerprint, diagnostic.file)
            if index in old or quota[key] <= 0:
                continue
            if at_place and diagnostic.line not in places.get(key, set()):
                continue
            quota[key] -= 1
            old.add(index)
    new = tuple(d for index, d in enumerate(now) if index not in old)
    existing = tuple(d for index, d in enumerate(now) if index in old)
    return new, existing


def _gate_failed(stage: StageResult) -> bool:
    return stage.gate is not None and not stage.gate.passed


def _failure(now: StageResult, before: StageResult | None) -> Literal["new", "pre-existing"] | None:
    """For a failure the diagnostics do not name: new, unless the base's stage failed the same way."""
    gate = _gate_failed(now)
    if now.diagnostics and not gate:
        return None
    same = (
        before is not None
        and before.status == now.status
        and (not gate or _gate_failed(before))
        and (bool(now.diagnostics) or not before.diagnostics)
    )
    return "pre-existing" if same else "new"
