"""Failures grouped by likely root cause, so one request to a model covers them together.

ruff, mypy and pytest often report one mistake three times; one file's
failures usually share a cause, and a fix for one is seen by the others'
checks anyway. A cluster is every unresolved diagnostic about one file, across
stages; a failed stage with nothing parsed is a cluster of its own. The
context builder adds the project frames of tracebacks, so a test failing
because of code elsewhere still shows that code.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from healer.diagnostics.diagnostic import Diagnostic
from healer.pipeline.result import RunResult, StageResult

MAX_DIAGNOSTICS = 12


@dataclass(frozen=True)
class Cluster:
    key: str
    """The file the failures are about, or "stage:NAME"."""
    stage: str
    """The stage a fix is recorded against: the first failed stage with a diagnostic here."""
    diagnostics: tuple[Diagnostic, ...]
    results: tuple[StageResult, ...]
    """The failed stages these diagnostics come from, with their output."""

    @property
    def fingerprints(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(d.fingerprint for d in self.diagnostics))


def clusters(run: RunResult, settled: Collection[str] = (), limit: int = 8) -> list[Cluster]:
    """At most `limit` clusters of the run's failures, leaving out the fingerprints in `settled`, most first."""
    groups: dict[str, list[tuple[StageResult, Diagnostic]]] = {}
    bare: list[StageResult] = []
    for result in run.stages:
        if result.status != "failed":
            continue  # a stage that could not run (a missing tool) is not the code's fault
        mine = [d for d in result.diagnostics if d.fingerprint not in settled and d.severity == "error"]
        if not result.diagnostics and result.status == "failed":
            bare.append(result)
        for diagnostic in mine:
            groups.setdefault(diagnostic.file or f"stage:{result.name}", []).append((result, diagnostic))
    found = []
    for key, members in groups.items():
        diagnostics = tuple(dict.fromkeys(d for _, d in members))[:MAX_DIAGNOSTICS]
        results = tuple({r.name: r for r, _ in members}.values())
        found.append(Cluster(key, members[0][0].name, diagnostics, results))
    found.sort(key=lambda c: (-len(c.diagnostics), c.key))
    found += [Cluster(f"stage:{r.name}", r.name, (), (r,)) for r in bare]
    return found[:limit]
