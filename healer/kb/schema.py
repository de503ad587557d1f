"""The knowledge base's schema: one migration per version, applied in order, counted by `PRAGMA user_version`.

A migration is never edited once released: a file written by an older healer
upgrades in place by running the steps it has not seen. Steps receive a
sqlite-utils `Database` (imported only when a migration is due, never on the
hot path); v1 builds its tables with sqlite-utils, later steps write SQL so
that constraints, `WITHOUT ROWID` tables and FTS5 triggers are spelled out.

Tables (v2):

- `runs`: one row per pipeline run (repo, trigger, snapshot, tree, time, outcome); `uid` is its natural key.
- `run_stages`: each run's stages (status, cached, duration, cache key); repo and start time are copied
  in so per-stage statistics read one index in order.
- `diagnostics`: each run's diagnostics with their fingerprints; (run_id, seq) is the natural key.
- `patches`: proposed fixes, one row per (repo, patch id), with the diff; `status`, `verified`,
  `accepted`, `accepted_ever` and `undone_ever` are derived from `verifications` and `decisions`.
- `patch_fingerprints`, `patch_classes`: which failures (fingerprint, "tool:code") a patch addressed.
- `verifications`, `decisions`, `model_calls`: events, each with a random `uid` as natural key.
- `flaky`: one row per (repo, stage, test node id): how often it passed on rerun, first and last seen.
- `stage_totals`: per (repo, stage), running totals updated by `record_run`: results, passes, failures,
  recoveries (red then green) and their summed time from the first red run to the green one. `healer stats`
  reads these few rows instead of scanning every run; they outlive pruning, so statistics cover all history.
- `model_replies` (v3): a model's reply per (model, hash of the redacted prompt): a failure seen again costs
  no call. `model_calls` gains `cached` (1: answered from `model_replies`, no request made) and `error`.
- v4: failure classes of diagnostics without a code are spelt "tool:-" everywhere (some v2/v3 rows said "tool:").
- `notifications` (v5): when each channel last told about a failure (by fingerprint) in a repository, so one
  failure is told once per rate-limit window (healer.notify.limit); rows older than a day past it are dropped.
- `meta`: small facts about the file itself (when retention last ran).
- `diagnostics_fts`, `patches_fts`: FTS5 indexes over `diagnostics` and `patches`. Deletes and updates are
  kept by triggers; new diagnostics are indexed by one `INSERT ... SELECT` per run (`index_diagnostics`),
  because FTS5 flushes at every statement: a per-row trigger made recording 7 times slower.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any


def _v1(db: Any) -> None:
    db["stage_results"].create(
        {
            "key": str,
            "repo": str,
            "stage": str,
            "status": str,
            "exit_code": int,
            "duration": float,
            "output": str,
            "output_bytes": int,
            "diagnostics": str,
            "gate": str,
            "created": float,
        },
        pk="key",
        if_not_exists=True,
    )
    db["stage_results"].create_index(["repo", "stage"], if_not_exists=True)
    db["tool_versions"].create(
        {"command": str, "identity": str, "output": str, "created": float},
        pk=("command", "identity"),
        if_not_exists=True,
    )


V2 = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    repo TEXT NOT NULL,
    trigger TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    tree TEXT,
    started REAL NOT NULL,
    duration REAL NOT NULL,
    outcome TEXT NOT NULL
);
CREATE INDEX runs_repo_started ON runs (repo, started);
CREATE INDEX runs_started ON runs (started);

CREATE TABLE run_stages (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    seq INTEGER NOT NULL,
    repo TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    cached INTEGER NOT NULL,
    duration REAL NOT NULL,
    key TEXT,
    started REAL NOT NULL,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

CREATE TABLE stage_totals (
    repo TEXT NOT NULL,
    name TEXT NOT NULL,
    runs INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    recoveries INTEGER NOT NULL,
    red_to_green REAL NOT NULL,
    last_red INTEGER NOT NULL,
    red_since REAL,
    last_started REAL NOT NULL,
    PRIMARY KEY (repo, name)
) WITHOUT ROWID;

CREATE TABLE diagnostics (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs (id),
    seq INTEGER NOT NULL,
    stage TEXT NOT NULL,
    tool TEXT NOT NULL,
    file TEXT,
    line INTEGER,
    col INTEGER,
    code TEXT,
    message TEXT NOT NULL,
    severity TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    suggestion TEXT,
    node_id TEXT,
    UNIQUE (run_id, seq)
);
CREATE INDEX diagnostics_fingerprint ON diagnostics (fingerprint);

CREATE TABLE patches (
    id INTEGER PRIMARY KEY,
    repo TEXT NOT NULL,
    patch_id TEXT NOT NULL,
    run_id INTEGER,
    title TEXT NOT NULL,
    diff TEXT NOT NULL,
    source TEXT NOT NULL,
    origin TEXT NOT NULL,
    safety TEXT NOT NULL,
    confidence REAL NOT NULL,
    stage TEXT NOT NULL,
    flags TEXT NOT NULL,
    created REAL NOT NULL,
    status TEXT,
    verified INTEGER NOT NULL DEFAULT 0,
    accepted REAL,
    accepted_ever INTEGER NOT NULL DEFAULT 0,
    undone_ever INTEGER NOT NULL DEFAULT 0,
    UNIQUE (repo, patch_id)
);
CREATE INDEX patches_created ON patches (created);

CREATE TABLE patch_fingerprints (
    repo TEXT NOT NULL,
    patch_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    PRIMARY KEY (repo, patch_id, fingerprint)
) WITHOUT ROWID;
CREATE INDEX patch_fingerprints_fingerprint ON patch_fingerprints (fingerprint);

CREATE TABLE patch_classes (
    repo TEXT NOT NULL,
    patch_id TEXT NOT NULL,
    class TEXT NOT NULL,
    PRIMARY KEY (repo, patch_id, class)
) WITHOUT ROWID;
CREATE INDEX patch_classes_class ON patch_classes (class);

CREATE TABLE verifications (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    repo TEXT NOT NULL,
    patch_id TEXT NOT NULL,
    run_id INTEGER,
    status TEXT NOT NULL,
    detail TEXT,
    verify_seconds REAL,
    tool_seconds REAL,
    created REAL NOT NULL
);
CREATE INDEX verifications_patch ON verifications (repo, patch_id, status);

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    repo TEXT NOT NULL,
    patch_id TEXT NOT NULL,
    decision TEXT NOT NULL,
    via TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX decisions_patch ON decisions (repo, patch_id, decision, created);
CREATE INDEX decisions_created ON decisions (repo, created);

CREATE TABLE flaky (
    repo TEXT NOT NULL,
    stage TEXT NOT NULL,
    node_id TEXT NOT NULL,
    message TEXT NOT NULL,
    count INTEGER NOT NULL,
    first_seen REAL NOT NULL,
    last_seen REAL NOT NULL,
    PRIMARY KEY (repo, stage, node_id)
) WITHOUT ROWID;

CREATE TABLE model_calls (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    repo TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cost REAL,
    latency REAL NOT NULL,
    prompt_hash TEXT NOT NULL,
    ok INTEGER NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX model_calls_repo ON model_calls (repo, created);

CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;

CREATE INDEX stage_results_created ON stage_results (created);

CREATE VIRTUAL TABLE diagnostics_fts USING fts5 (
    message, file, code, tool, content = 'diagnostics', content_rowid = 'id'
);
CREATE TRIGGER diagnostics_fts_delete AFTER DELETE ON diagnostics BEGIN
    INSERT INTO diagnostics_fts (diagnostics_fts, rowid, message, file, code, tool)
    VALUES ('delete', old.id, old.message, old.file, old.code, old.tool);
END;
CREATE TRIGGER diagnostics_fts_update AFTER UPDATE OF message, file, code, tool ON diagnostics BEGIN
    INSERT INTO diagnostics_fts (diagnostics_fts, rowid, message, file, code, tool)
    VALUES ('delete', old.id, old.message, old.file, old.code, old.tool);
    INSERT INTO diagnostics_fts (rowid, message, file, code, tool)
    VALUES (new.id, new.message, new.file, new.code, new.tool);
END;

CREATE VIRTUAL TABLE patches_fts USING fts5 (title, diff, content = 'patches', content_rowid = 'id');
CREATE TRIGGER patches_fts_insert AFTER INSERT ON patches BEGIN
    INSERT INTO patches_fts (rowid, title, diff) VALUES (new.id, new.title, new.diff);
END;
CREATE TRIGGER patches_fts_delete AFTER DELETE ON patches BEGIN
    INSERT INTO patches_fts (patches_fts, rowid, title, diff) VALUES ('delete', old.id, old.title, old.diff);
END;
CREATE TRIGGER patches_fts_update AFTER UPDATE OF title, diff ON patches BEGIN
    INSERT INTO patches_fts (patches_fts, rowid, title, diff) VALUES ('delete', old.id, old.title, old.diff);
    INSERT INTO patches_fts (rowid, title, diff) VALUES (new.id, new.title, new.diff);
END;
"""


def _statements(script: str) -> list[str]:
    """`script` split into statements (trigger bodies hold `;` too, so split where sqlite3 says one is complete)."""

    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    assert not pending.strip(), pending
    return statements


def _v2(db: Any) -> None:
    # executescript would COMMIT the migration's transaction; run the statements one by one inside it.
    for statement in _statements(V2):
        db.execute(statement)


V3 = """
ALTER TABLE model_calls ADD COLUMN cached INTEGER NOT NULL DEFAULT 0;
ALTER TABLE model_calls ADD COLUMN error TEXT;
CREATE TABLE model_replies (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    reply TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cost REAL,
    created REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX model_calls_created ON model_calls (created);
"""


def _v3(db: Any) -> None:
    for statement in _statements(V3):
        db.execute(statement)


V4 = """
UPDATE OR IGNORE patch_classes SET class = class || '-' WHERE class LIKE '%:';
DELETE FROM patch_classes WHERE class LIKE '%:';
"""


def _v4(db: Any) -> None:
    # One spelling of a failure class with no code: "tool:-" (Diagnostic.failure_class); some rows said "tool:".
    for statement in _statements(V4):
        db.execute(statement)


V5 = """
CREATE TABLE notifications (
    repo TEXT NOT NULL,
    channel TEXT NOT NULL,
    key TEXT NOT NULL,
    sent REAL NOT NULL,
    PRIMARY KEY (repo, channel, key)
) WITHOUT ROWID;
"""


def _v5(db: Any) -> None:
    for statement in _statements(V5):
        db.execute(statement)


MIGRATIONS: tuple[Callable[[Any], None], ...] = (_v1, _v2, _v3, _v4, _v5)
SCHEMA_VERSION = len(MIGRATIONS)

COLUMNS: dict[str, tuple[str, ...]] = {
    "runs": ("id", "uid", "repo", "trigger", "snapshot", "tree", "started", "duration", "outcome"),
    "run_stages": ("run_id", "seq", "repo", "name", "status", "cached", "duration", "key", "started"),
    "diagnostics": (
        "run_id", "seq", "stage", "tool", "file", "line", "col", "code", "message", "severity", "fingerprint",
        "suggestion", "node_id",
    ),
    "patches": (
        "repo", "patch_id", "run_id", "title", "diff", "source", "origin", "safety", "confidence", "stage", "flags",
        "created",
    ),
    "patch_fingerprints": ("repo", "patch_id", "fingerprint"),
    "patch_classes": ("repo", "patch_id", "class"),
    "verifications": (
        "uid", "repo", "patch_id", "run_id", "status", "detail", "verify_seconds", "tool_seconds", "created",
    ),
    "decisions": ("uid", "repo", "patch_id", "decision", "via", "created"),
    "flaky": ("repo", "stage", "node_id", "message", "count", "first_seen", "last_seen"),
    "model_calls": (
        "uid", "repo", "model", "prompt_tokens", "completion_tokens", "cost", "latency", "prompt_hash", "ok", "created",
        "cached", "error",
    ),
}  # fmt: skip
"""The columns `healer kb export` writes and `healer kb import` reads, per table. Local row ids stay out,
except a run's, which its stages, diagnostics, patches and verifications refer to in the file; derived
columns (a patch's status, verified, accepted...) stay out too and are recomputed on import. Parents come
before children. The cache (stage_results, tool_versions) describes this machine's tools and files: not exported."""

ADDED_LATER: dict[tuple[str, str], Any] = {("model_calls", "cached"): 0, ("model_calls", "error"): None}
"""Columns an export from an older healer lacks, with the value its rows take on import."""
