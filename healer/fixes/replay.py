"""Fixes seen before: a failure whose fingerprint was fixed by an accepted patch gets that patch again.

The past patch is stored as a unified diff; it is proposed again only if its
hunks still apply to the content as it is now (context lines exact, position
free, as `git apply` does), labelled as seen before, and then verified like
every other candidate. Ranking orders candidates by how often fixes of each
origin were verified and accepted, and not undone, for the same failure class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from healer.errors import HealerError
from healer.fixes.model import SAFETY_CLASSES, Patch, Safety
from healer.pipeline.result import RunResult

if TYPE_CHECKING:
    from healer.kb.store import Store

PRIOR = 0.5
"""The score of an origin with no history for a failure class."""


def replayed(store: Store, run: RunResult, root: Path) -> list[Patch]:
    """Past accepted fixes for this run's failures that still apply to the content under `root`."""
    from healer.patch.diff import edits_from_diff

    failing = {d.fingerprint: d for d in run.diagnostics}
    if not failing:
        return []
    found: dict[str, Patch] = {}

    def read(path: str) -> bytes | None:
        target = root / path
        try:
            return target.read_bytes() if target.is_file() else None
        except OSError:
            return None

    for past in store.accepted_fixes(list(failing)):
        try:
            edits = edits_from_diff(past.diff, read)
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
        )
        if patch.id not in found:
            patch.extra["replayed_from"] = {"patch": past.patch_id, "repo": past.repo, "accepted": past.accepted}
            found[patch.id] = patch
    return list(found.values())


def rank(patches: Sequence[Patch], run: RunResult, store: Store | None) -> list[Patch]:
    """Replays first, then by the origin's past success for the failure classes addressed, then confidence."""
    from healer.recording import failure_classes

    classes = {patch.id: failure_classes(patch, run) for patch in patches}
    rates = store.rates({c for cs in classes.values() for c in cs}) if store is not None else {}
    ranked = []
    for patch in patches:
        scores = [rates[(c, patch.origin)].score for c in classes[patch.id] if (c, patch.origin) in rates]
        score = max(scores, default=PRIOR)
        judged = replace(patch, extra={**patch.extra, "score": round(score, 4), "classes": classes[patch.id]})
        ranked.append(judged)
    return sorted(ranked, key=lambda p: (p.source != "replay", -float(p.extra["score"]), -p.confidence, p.id))
