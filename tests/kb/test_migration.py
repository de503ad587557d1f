"""A knowledge base written by the first release (schema 1) upgrades in place, keeping its cache."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from healer.kb.schema import MIGRATIONS, SCHEMA_VERSION
from healer.kb.store import Store

from .helpers import diagnostic, run


def v1_file(path: Path) -> None:
    """What healer 0.x wrote: the v1 migration run by sqlite-utils, user_version 1, WAL, a cached result."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    MIGRATIONS[0](sqlite_utils.Database(conn))
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO stage_results VALUES ('k1', '/repo', 'lint', 'passed', 0, 0.5, 'ok', 2, '[]', NULL, 1.0)")
    conn.execute("INSERT INTO tool_versions VALUES ('ruff', 'id', 'ruff 0.1', 1.0)")
    conn.close()


def test_a_v1_database_upgrades_in_place(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    v1_file(db)
    with Store(db) as store:
        assert store.notices == []
        assert store.conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        cached = store.cached_result("k1")
        assert cached is not None and cached.output == "ok"
        assert store.tool_version("ruff", "id") == "ruff 0.1"
        store.record_run(run("failed", diagnostics=(diagnostic(0),)))
        hits = store.conn.execute("SELECT rowid FROM diagnostics_fts WHERE diagnostics_fts MATCH 'os0'").fetchall()
        assert len(hits) == 1
    assert not list(tmp_path.glob("*.corrupt-*"))
    with Store(db) as again:  # nothing left to migrate
        assert again.conn.execute("SELECT count(*) FROM runs").fetchone() == (1,)


def test_a_new_file_gives_freed_pages_back(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        assert store.conn.execute("PRAGMA auto_vacuum").fetchone() == (2,)  # incremental
        assert store.conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_the_schema_is_complete_after_every_path(tmp_path: Path) -> None:
    """Upgraded and new files end with the same tables, indexes and triggers."""
    upgraded, new = tmp_path / "upgraded.db", tmp_path / "new.db"
    v1_file(upgraded)
    shapes = []
    for db in (upgraded, new):
        with Store(db) as store:
            shapes.append(
                store.conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
                .fetchall()
            )  # fmt: skip
    assert shapes[0] == shapes[1]
    names = {name for _, name, _ in shapes[0]}
    assert {"runs", "diagnostics", "patches", "decisions", "diagnostics_fts", "patches_fts", "stage_totals"} <= names
