"""A candidate fix: a patch, and what healer made of it: admitted or refused, verified or not, ranked, its origin.

Fixers propose candidates; admission (healer.fixers.admission) refuses the
unsound ones and marks what a reviewer should know; verification adds its
verdict; ranking its score. Each step returns a new candidate: a candidate,
like its patch, never changes once made.

A patch no rule of healer's wrote and no person accepted here (`Patch.trusted`
false: a model's, an agent's) that passes verification while it changes the
checks themselves (healer.patch.weakening) is not "verified": its status is
"changes-checks", which `--apply all`, the hook and the knowledge base's
count of verified fixes all leave apart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from healer.kb.records import PatchRecord
from healer.patch.diff import unified_diff
from healer.patch.patch import Patch
from healer.patch.weakening import WEAKENING_FLAGS, Weakening
from healer.pipeline.result import RunResult
from healer.rules.outcome import Report
from healer.verify.verdict import Verdict

CandidateStatus = Literal["unverified", "verified", "failed", "unverifiable", "changes-checks"]
"""A verdict's status, or "changes-checks": the checks pass, but only as the patch changed them."""
CHANGES_CHECKS = "passes by changing the checks"
"""What people read for the status "changes-checks"."""

PRIOR = 0.5
"""The score of an origin with no history for a failure class (see healer.fixers.ranking)."""


@dataclass(frozen=True)
class ReplayOrigin:
    """The accepted fix a candidate repeats, and where and when it was accepted."""

    patch: str
    repo: str
    accepted: float


@dataclass(frozen=True)
class Candidate:
    patch: Patch
    refusal: str | None = None
    """Why admission refused it ("refused: ..."): then it is never verified, written or applied."""
    verdict: Verdict | None = None
    score: float = PRIOR
    """The origin's past success for the failures addressed (healer.fixers.ranking)."""
    classes: tuple[str, ...] = ()
    """The failure classes ("tool:code") it addresses, as ranking counted them."""
    replayed_from: ReplayOrigin | None = None
    """Set when the same edits were accepted before (a replay, or a rule proposing what was accepted)."""
    cost: float | None = None
    """Dollars the model's reply cost, for a model's candidate (None: unknown, or not a model's)."""
    note: str | None = None
    """What to say of it without a verdict (a reviewer's change of a verified fix: where it came from)."""
    weakening: tuple[Weakening, ...] = ()
    """Where its edits change the checks themselves (set by admission; their flags are in `patch.flags`)."""

    @property
    def id(self) -> str:
        return self.patch.id

    @property
    def status(self) -> CandidateStatus:
        if self.refusal is not None:
            return "failed"
        if self.verdict is None:
            return "unverified"
        return "changes-checks" if self.changes_checks else self.verdict.status

    @property
    def changes_checks(self) -> bool:
        """Untrusted, and the checks pass with it only as it changed them: never called plainly verified."""
        verified = self.refusal is None and self.verdict is not None and self.verdict.status == "verified"
        return verified and not self.patch.trusted and bool(WEAKENING_FLAGS & set(self.patch.flags))

    @property
    def detail(self) -> str | None:
        """Why it was refused or failed, the new output that failed, what it changes of the checks, or what
        verifying it uncovered."""
        if self.refusal is not None:
            return self.refusal
        if self.verdict is None:
            return self.note
        if not self.changes_checks:
            return self.verdict.detail
        said = [w.what for w in self.weakening] or [f for f in self.patch.flags if f in WEAKENING_FLAGS]
        lines = [f"the checks pass only as this patch changes them: {'; '.join(said)}"]
        return "\n".join([*lines, self.verdict.detail] if self.verdict.detail else lines)

    @property
    def verified(self) -> bool:
        """Verified plainly: the checks pass and the patch left them as they were (or healer vouches for it)."""
        return self.status == "verified"

    @property
    def passes(self) -> bool:
        """The checks pass with it: plainly verified, or only as it changes them (a person may still accept it)."""
        return self.status in ("verified", "changes-checks")

    @property
    def pending(self) -> bool:
        """Admitted and waiting for its verdict."""
        return self.refusal is None and self.verdict is None

    def refused(self, problems: list[str] | tuple[str, ...]) -> Candidate:
        return replace(self, refusal="refused: " + "; ".join(problems))

    def judged(self, verdict: Verdict) -> Candidate:
        return replace(self, verdict=verdict)

    def record(self, run: RunResult) -> PatchRecord:
        """What the knowledge base keeps of it (with the failure classes of `run` it addresses)."""
        patch = self.patch
        classes = self.classes or failure_classes(patch, run)
        verdict = self.verdict
        return PatchRecord(
            patch_id=patch.id,
            title=patch.title,
            diff=unified_diff(patch.edits),
            source=patch.source,
            origin=patch.origin,
            safety=patch.safety,
            confidence=float(patch.confidence),
            stage=patch.stage,
            flags=patch.flags,
            fingerprints=patch.fingerprints,
            classes=classes,
            status=self.status,
            detail=self.detail,
            verify_seconds=None if verdict is None else round(verdict.duration, 4),
            tool_seconds=None if verdict is None else round(verdict.tool_seconds, 4),
        )


def failure_classes(patch: Patch, run: RunResult) -> tuple[str, ...]:
    """The failure class of each diagnostic of `run` the patch addresses: what ranking counts successes by."""
    return tuple(sorted({d.failure_class for d in run.diagnostics if d.fingerprint in patch.fingerprints}))


@dataclass(frozen=True)
class Note:
    """A finding a rule reports instead of fixing (conflict markers, a flaky test)."""

    stage: str
    rule: str
    report: Report
