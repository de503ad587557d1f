"""Rows kept up to date from other rows, in the transaction that changes those: a patch's derived columns,
the full-text index of diagnostics, and the running totals behind per-stage statistics."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence


def refresh_patch(conn: sqlite3.Connection, repo: str | None = None, patch_id: str | None = None) -> None:
    """Recompute a patch's derived columns (every patch's, without an id) from its verifications and decisions."""
    where = "WHERE repo = ? AND patch_id = ?" if patch_id is not None else ""
    conn.execute(
        "UPDATE patches SET"
        " status = (SELECT v.status FROM verifications v WHERE v.repo = patches.repo AND v.patch_id = patches.patch_id"
        "   ORDER BY v.created DESC, v.id DESC LIMIT 1),"
        " verified = EXISTS (SELECT 1 FROM verifications v WHERE v.repo = patches.repo"
        "   AND v.patch_id = patches.patch_id AND v.status = 'verified'),"
        " accepted_ever = EXISTS (SELECT 1 FROM decisions d WHERE d.repo = patches.repo"
        "   AND d.patch_id = patches.patch_id AND d.decision = 'accepted'),"
        " undone_ever = EXISTS (SELECT 1 FROM decisions d WHERE d.repo = patches.repo"
        "   AND d.patch_id = patches.patch_id AND d.decision = 'undone'),"
        " accepted = (SELECT CASE WHEN a.t IS NOT NULL AND (u.t IS NULL OR u.t < a.t) THEN a.t END FROM"
        "   (SELECT max(created) AS t FROM decisions d WHERE d.repo = patches.repo AND d.patch_id = patches.patch_id"
        "     AND d.decision = 'accepted') a,"
        "   (SELECT max(created) AS t FROM decisions d WHERE d.repo = patches.repo AND d.patch_id = patches.patch_id"
        "     AND d.decision = 'undone') u) " + where,
        (repo, patch_id) if patch_id is not None else (),
    )


def index_diagnostics(conn: sqlite3.Connection, *, run_id: int | None = None, first_id: int = 0) -> None:
    """Add a run's diagnostics (or all from row `first_id` on) to the full-text index, in one statement."""
    where, parameter = ("run_id = ?", run_id) if run_id is not None else ("id >= ?", first_id)
    conn.execute(
        "INSERT INTO diagnostics_fts (rowid, message, file, code, tool)"
        f" SELECT id, message, file, code, tool FROM diagnostics WHERE {where}",
        (parameter,),
    )


def add_stage_totals(conn: sqlite3.Connection, results: Sequence[tuple[str, str, str, float]]) -> None:
    """Fold (repo, stage, status, started) results into `stage_totals`, in the order given.

    A recovery is a green result after a red one; its time runs from the first red result of that streak.
    In the SET clause, bare column names are the row's values before this update.
    """
    rows = []
    for repo, name, status, started in results:
        if status in ("passed", "failed", "error"):
            red = int(status != "passed")
            rows.append((repo, name, 1 - red, red, red, started if red else None, started))
    if rows:
        conn.executemany(
            "INSERT INTO stage_totals (repo, name, runs, passed, failed, recoveries, red_to_green, last_red,"
            " red_since, last_started) VALUES (?, ?, 1, ?, ?, 0, 0.0, ?, ?, ?)"
            " ON CONFLICT (repo, name) DO UPDATE SET runs = runs + 1, passed = passed + excluded.passed,"
            " failed = failed + excluded.failed,"
            " recoveries = recoveries + (last_red AND NOT excluded.last_red),"
            " red_to_green = red_to_green + CASE WHEN last_red AND NOT excluded.last_red"
            "   THEN excluded.last_started - red_since ELSE 0.0 END,"
            " red_since = CASE WHEN NOT excluded.last_red THEN NULL WHEN last_red THEN red_since"
            "   ELSE excluded.last_started END,"
            " last_red = excluded.last_red, last_started = excluded.last_started",
            rows,
        )
