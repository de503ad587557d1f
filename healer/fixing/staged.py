"""The pre-commit hook's policy when a commit is blocked: fixes for the staged content, applied only when asked.

The fixers read a copy of the staged tree, never the working tree (which may
hold other content). Every verified fix is listed; with `hook_apply = "safe"`
in `[tool.healer.fix]` the safe ones are applied, each only to files without
unstaged changes (content, checked by apply, or mode, checked here), to the
working tree and to the index git is committing from (the staged mode kept),
and then (`recheck`) the staged content is checked again: if it passes, the
commit goes on with the fixes. During `git commit <paths>` git commits from a temporary index
and then rewrites the real one, so a fix staged there would be committed but
left reverted in the index: nothing is applied.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from healer.fixers.candidate import Candidate
from healer.fixing.choose import choose
from healer.fixing.report import Round
from healer.patch.apply import ApplyRefused
from healer.pipeline.result import RunResult
from healer.reporter import Reporter
from healer.snapshot.git import git
from healer.snapshot.snapshot import Snapshot, index_snapshot

if TYPE_CHECKING:
    from healer.pipeline.baseline import NewFindings
    from healer.service import Healer

TEMPORARY_INDEX = "next-index-"


@dataclass
class StagedAttempt:
    candidate: Candidate
    refusal: str | None = None
    """Why it was not applied; None: applied, to the working tree and the index."""


@dataclass
class StagedFixes:
    found: Round
    """Every candidate for the staged content, with its verdict."""
    applying: bool
    """`hook_apply = "safe"`: the hook may apply the safe verified fixes."""
    held: str | None = None
    """Why nothing was applied although the policy allows it (a temporary index)."""
    attempts: list[StagedAttempt] = field(default_factory=list)
    recheck: RunResult | None = None
    """The staged content checked again with the applied fixes."""
    findings: NewFindings | None = None
    """With block = "new": the blocked commit's findings, of which only the new ones were fixed."""
    recheck_findings: NewFindings | None = None
    """With block = "new": the recheck compared with the same base."""

    @property
    def verified(self) -> list[Candidate]:
        return self.found.verified

    @property
    def safe(self) -> list[Candidate]:
        """The verified fixes the policy may apply (a safe rule's, nothing a person should read first)."""
        return choose(self.found.candidates, "safe")

    @property
    def applied(self) -> list[Candidate]:
        return [attempt.candidate for attempt in self.attempts if attempt.refusal is None]

    @property
    def passed(self) -> bool:
        """The fixes were applied and the staged content now passes (with block = "new": has nothing new that
        fails): the commit may go on."""
        if self.recheck is None or self.recheck.interrupted:
            return False
        if self.recheck_findings is not None and self.recheck_findings.compared:
            return not self.recheck_findings.blocking
        return self.recheck.outcome == "passed"


def fix_staged(
    healer: Healer, snapshot: Snapshot, run: RunResult, reporter: Reporter, findings: NewFindings | None = None
) -> StagedFixes:
    workspace = healer.workspace
    assert snapshot.tree is not None, "the staged content is a tree"
    # A model makes a commit wait for the network: only when the configuration asks for it (llm.hooks).
    fixers = healer.fixers(offline=healer.offline_reason(hook=True))
    # Only new findings block: the pre-existing ones are not this commit's to fix.
    only = findings.new_fingerprints() if findings is not None and findings.compared else None
    found = healer.propose(run, tree=snapshot.tree, fixers=fixers, reporter=reporter, only=only)
    outcome = StagedFixes(found, applying=workspace.config.fix.hook_apply == "safe", findings=findings)
    if not found.verified or not outcome.applying:
        return outcome
    if os.path.basename(os.environ.get("GIT_INDEX_FILE", "")).startswith(TEMPORARY_INDEX):
        outcome.held = "not applying fixes during `git commit <paths>`; run `healer fix --apply safe` and commit again"
        return outcome
    for candidate in choose(found.candidates, "safe"):
        unstaged = _unstaged_mode_change(healer, candidate.patch.paths)
        if unstaged is not None:
            outcome.attempts.append(StagedAttempt(candidate, f"{unstaged} has an unstaged mode change"))
            continue
        try:
            healer.apply(candidate.patch, stage=True)
        except ApplyRefused as error:
            outcome.attempts.append(StagedAttempt(candidate, str(error)))
            continue
        outcome.attempts.append(StagedAttempt(candidate))
    return outcome


def recheck(healer: Healer, outcome: StagedFixes, reporter: Reporter) -> StagedFixes:
    """The staged content checked again once fixes were applied to it (nothing to do when none were)."""
    if not outcome.applied:
        return outcome
    workspace = healer.workspace
    again = index_snapshot(workspace.root, workspace.state_dir)
    # The same commit's content once more: a run of its own in the history would count as a recovery.
    outcome.recheck = healer.check(again, trigger="pre-commit", reporter=reporter, record="never")
    if outcome.findings is not None and outcome.findings.compared and outcome.recheck.outcome == "failed":
        outcome.recheck_findings = healer.baseline(outcome.recheck)
    return outcome


def _unstaged_mode_change(healer: Healer, paths: tuple[str, ...]) -> str | None:
    """The first path whose executable bit differs between the index and the working tree."""
    root = healer.workspace.root
    for path in paths:
        staged = git(["ls-files", "--stage", "--", path], root, env={"GIT_LITERAL_PATHSPECS": "1"})
        mode = staged.decode().split(" ", 1)[0]
        target = root / path
        if mode and target.exists() and (mode == "100755") != os.access(target, os.X_OK):
            return path
    return None
