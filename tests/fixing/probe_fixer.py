"""A fixer the tests plug in (healer.fixers.KINDS): it proposes whatever edits a test gives it, as any source."""

from __future__ import annotations

from healer.fixers.candidate import Candidate
from healer.fixers.protocol import Proposed, Setup, Work
from healer.patch.patch import FileEdit, Patch, Source

PROPOSALS: list[tuple[Source, tuple[FileEdit, ...]]] = []
"""What the next propose returns: (source, edits) each, addressing every failure of the run."""


def fixer_for(setup: Setup) -> ProbeFixer:
    return ProbeFixer()


class ProbeFixer:
    name = "probe"

    def cost_bound(self, work: Work) -> float | None:
        return 0.0

    def propose(self, work: Work) -> Proposed:
        prints = tuple(d.fingerprint for d in work.failures)
        stage = work.failures[0].stage if work.failures else "lint"
        patches = [
            Patch(f"probe {n}", edits, source, "probe", "safe", 0.9, stage, prints)
            for n, (source, edits) in enumerate(PROPOSALS)
        ]
        return Proposed([Candidate(patch) for patch in patches])
