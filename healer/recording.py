"""What each front end tells the knowledge base: runs, candidate fixes, decisions, flaky tests.

Recording never stops a check or a fix: a knowledge base that cannot take a
write (a full disk, a read-only file) costs the history of this run, nothing
else, and says so once. A repository that opted out (`history = false`) is
not recorded at all.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from healer.kb.records import RunRecord, StageRecord
from healer.pipeline.result import RunResult

if TYPE_CHECKING:
    from healer.fixes.model import Patch
    from healer.fixes.session import Round
    from healer.kb.store import Store
    from healer.workspace import Workspace


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


def record_run(
    store: Store | None,
    workspace: Workspace,
    run: RunResult,
    *,
    trigger: str,
    snapshot: str = "worktree",
    tree: str | None = None,
) -> int | None:
    """The run's id in the knowledge base, or None when nothing was recorded."""
    if store is None or not workspace.config.history:
        return None
    record = run_record(run, repo=str(workspace.root), trigger=trigger, snapshot=snapshot, tree=tree)
    try:
        return store.record_run(record)
    except sqlite3.Error as error:
        _lost(store, error)
        return None


def failure_classes(patch: Patch, run: RunResult) -> list[str]:
    """ "tool:code" of each diagnostic the patch addresses: what ranking counts successes by."""
    return sorted({f"{d.tool}:{d.code or '-'}" for d in run.diagnostics if d.fingerprint in patch.fingerprints})


def record_round(store: Store | None, workspace: Workspace, run_id: int | None, current: Round, *, via: str) -> None:
    """The round's candidates with their verdicts, the flaky tests it found, and the fixes applied."""
    if store is None or not workspace.config.history:
        return
    repo = str(workspace.root)
    for patch in current.patches:
        patch.extra.setdefault("classes", failure_classes(patch, current.run))
    try:
        store.record_patches(repo, run_id, current.patches)
        for note in current.notes:
            if note.report.kind == "flaky":
                node = note.report.message.split(" ", 1)[0]
                store.record_flaky(repo, note.stage, node, note.report.message)
        for patch in current.applied:
            store.record_decision(repo, patch.id, "accepted", via)
    except sqlite3.Error as error:
        _lost(store, error)


def record_decisions(store: Store | None, workspace: Workspace, ids: Sequence[str], decision: str, via: str) -> None:
    if store is None or not workspace.config.history:
        return
    try:
        for patch_id in ids:
            store.record_decision(str(workspace.root), patch_id, decision, via)
    except sqlite3.Error as error:
        _lost(store, error)


def _lost(store: Store, error: sqlite3.Error) -> None:
    notice = f"the knowledge base {store.path} did not take this run's history ({error}); checks are unaffected"
    if notice not in store.notices:
        store.notices.append(notice)
