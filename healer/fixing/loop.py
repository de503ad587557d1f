"""The fix loop: check, propose, verify, apply when asked, and check again, for a bounded number of rounds.

A fix often uncovers the next failure (an import error hides the test that
would fail next), so with `--apply` the loop goes on while each round applies
something, at most `rounds` times. Candidates of one round that touch the same
file cannot all apply (each was made from the file as it was): the most
resolving goes first, the others are made again from the new content next
round. Built from the core's verbs only (check, propose, apply), so every
record it leaves is the same as a front end driving them one by one.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from healer.fixers.protocol import Fixer, Metered
from healer.fixing.choose import choose
from healer.fixing.report import FixOptions, FixReport, Round
from healer.patch.apply import ApplyRefused
from healer.pipeline.events import Event
from healer.pipeline.result import RunResult
from healer.reporter import Reporter

if TYPE_CHECKING:
    from healer.pipeline.baseline import NewFindings
    from healer.service import Healer


class InRound(Reporter):
    """Progress of round N says so; everything else passes through."""

    def __init__(self, reporter: Reporter, number: int) -> None:
        self.inner = reporter
        self.number = number

    def event(self, event: Event) -> None:
        self.inner.event(event)

    def progress(self, message: str) -> None:
        self.inner.progress(f"round {self.number}: {message}")

    def notice(self, message: str) -> None:
        self.inner.notice(message)


def fix_loop(healer: Healer, options: FixOptions, reporter: Reporter) -> FixReport:
    """Files change only when `options.apply` says so (and never with `dry_run`)."""
    began = time.monotonic()
    config = healer.workspace.config
    limit = options.rounds or config.fix.rounds
    jobs = max(1, options.jobs or config.jobs or os.cpu_count() or 1)
    fixers: list[Fixer] = []
    rounds: list[Round] = []

    def check(number: int) -> RunResult:
        # A first check interrupted (Ctrl-C, the TUI starting another) is no run worth remembering; a later
        # one is: fixes were applied before it.
        return healer.check(
            stages=options.stages, jobs=options.jobs, cache=options.cache, trigger=options.trigger,
            cancel=options.cancel, reporter=reporter, record="finished" if number == 1 else "always",
        )  # fmt: skip

    if options.workflow is not None:
        healer.check_workflow(options.workflow, options.agents_offline)  # before a check that could take minutes
    final = check(1)
    new_only = config.blocking.block == "new"
    for number in range(1, limit + 1):
        if number > 1:
            final = check(number)
        if final.interrupted or final.outcome == "passed":
            break
        only = None
        if new_only:
            # block = "new": the findings the base has too are not fixed unless asked (block = "all").
            findings = healer.baseline(final, jobs=options.jobs, cache=options.cache)
            if findings.compared and not findings.blocking:
                break
            only = findings.new_fingerprints() if findings.compared else None
        if not fixers:
            # Made once something fails, and once for every round (a model's budget spans them): a check
            # that passes loads no fixer at all.
            fixers = healer.fixers(
                offline=options.offline, model_extra=options.model_extra, workflow=options.workflow,
                agents_offline=options.agents_offline,
            )  # fmt: skip
        progress = InRound(reporter, number)
        current = healer.propose(
            final, fixers=fixers, jobs=jobs, cache=options.cache, cancel=options.cancel, reporter=progress,
            number=number, only=only,
        )  # fmt: skip
        rounds.append(current)
        if options.apply is not None:
            current.chosen = choose(current.candidates, options.apply, weakening=options.apply_weakening)
            if not options.dry_run:
                _apply(healer, current, progress)
        if options.apply is None or options.dry_run or not current.applied:
            break
    else:
        if rounds and rounds[-1].applied:
            final = check(limit + 1)  # the last round changed files: say where they stand now
    usage = next((fixer.usage for fixer in fixers if isinstance(fixer, Metered)), None)
    left: NewFindings | None = None
    if new_only and final.outcome == "failed":
        # What is left blocks only where it is new: the base's results are kept, so this asks no stage again.
        left = healer.baseline(final, jobs=options.jobs, cache=options.cache)
    return FixReport(rounds, final, time.monotonic() - began, options.offline, options.dry_run, usage, left)


def _apply(healer: Healer, current: Round, progress: Reporter) -> None:
    for candidate in current.chosen:
        try:
            healer.apply(candidate.patch)
        except ApplyRefused as error:
            current.refused.append((candidate, str(error)))
            continue
        current.applied.append(candidate)
    if current.applied:
        progress.progress(f"applied {len(current.applied)} fix{'es' * (len(current.applied) != 1)}")
