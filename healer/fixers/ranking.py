"""The order candidates are tried and shown in: replays first, then by their origin's past success.

Past success is per failure class ("tool:code") and origin (a rule id, a
model): how often such fixes were accepted and not undone, out of how often
they were proposed (healer.kb.records.Rate.score), over every repository.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from healer.fixers.candidate import PRIOR, Candidate, failure_classes
from healer.kb.memory import Memory
from healer.pipeline.result import RunResult


def rank(candidates: Sequence[Candidate], run: RunResult, memory: Memory) -> list[Candidate]:
    """Replays first, then by the origin's past success for the failure classes addressed, then confidence."""
    classes = {c.id: failure_classes(c.patch, run) for c in candidates}
    rates = memory.rates({name for names in classes.values() for name in names})
    ranked = []
    for candidate in candidates:
        origin = candidate.patch.origin
        scores = [rates[(name, origin)].score for name in classes[candidate.id] if (name, origin) in rates]
        ranked.append(replace(candidate, score=round(max(scores, default=PRIOR), 4), classes=classes[candidate.id]))
    return sorted(ranked, key=lambda c: (c.patch.source != "replay", -c.score, -c.patch.confidence, c.id))
