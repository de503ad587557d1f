"""What the knowledge base keeps of a run: its stages and diagnostics, tagged with where it came from."""

from __future__ import annotations

import time

from healer.kb.records import RunRecord, StageRecord
from healer.pipeline.result import RunResult


def run_record(run: RunResult, *, repo: str, trigger: str, snapshot: str, tree: str | None) -> RunRecord:
    stages = tuple(StageRecord(s.name, s.status, s.cached, s.duration, s.key) for s in run.stages)
    return RunRecord(
        repo=repo,
        trigger=trigger,
        snapshot=snapshot,
        tree=tree,
        started=time.time() - run.duration,
        duration=run.duration,
        outcome=run.outcome,
        stages=stages,
        diagnostics=run.diagnostics,
    )
