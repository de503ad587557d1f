"""Fixes seen before: a failure whose fingerprint was fixed by an accepted patch gets that patch again.

The past patch is stored as a unified diff; it is proposed again only if its
hunks still apply to the content as it is now (context lines exact, position
free, as `git apply` does), labelled as seen before, and then admitted and
verified like every other candidate. Past patches come from every repository:
fingerprints do not depend on where a failure happened.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from healer.errors import HealerError
from healer.fixers.candidate import Candidate, ReplayOrigin
from healer.fixers.protocol import Proposed, Setup, Work
from healer.patch.diff import edits_from_diff
from healer.patch.patch import SAFETY_CLASSES, Patch, Safety


def fixer_for(setup: Setup) -> ReplayFixer:
    return ReplayFixer()


class ReplayFixer:
    name = "replay"

    def cost_bound(self, work: Work) -> float | None:
        return 0.0

    def propose(self, work: Work) -> Proposed:
        failing = {d.fingerprint: d for d in work.failures}
        if not failing or not work.memory.enabled:
            return Proposed()
        found: dict[str, Candidate] = {}
        for past in work.memory.accepted_fixes(list(failing)):
            try:
                edits = edits_from_diff(past.diff, lambda path: _read(work.content, path))
            except HealerError:
                continue  # the code moved on: the old patch no longer applies
            if not edits or any(edit.before == edit.after for edit in edits):
                continue
            addressed = tuple(fp for fp in past.fingerprints if fp in failing)
            stage = failing[addressed[0]].stage if addressed else past.stage
            patch = Patch(
                title=f"{past.title} (seen before)",
                edits=edits,
                source="replay",
                origin=past.patch_id,
                safety=cast("Safety", past.safety if past.safety in SAFETY_CLASSES else "review"),
                confidence=past.confidence,
                stage=stage,
                fingerprints=addressed,
                # A person accepted it here; one accepted in another repository is that repository's code.
                trusted=past.repo == work.memory.repo,
            )
            if patch.id not in found:
                origin = ReplayOrigin(past.patch_id, past.repo, past.accepted)
                found[patch.id] = Candidate(patch, replayed_from=origin)
        return Proposed(list(found.values()))


def _read(root: Path, path: str) -> bytes | None:
    target = root / path
    try:
        return target.read_bytes() if target.is_file() else None
    except OSError:
        return None
