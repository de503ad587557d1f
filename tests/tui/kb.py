"""Reading the knowledge base a test's app wrote to (HEALER_DB is set per test by tests/conftest.py)."""

from __future__ import annotations

import os
import sqlite3


def rows(sql: str, *parameters: object) -> list[tuple[object, ...]]:
    if not os.path.exists(os.environ["HEALER_DB"]):
        return []  # nothing was ever recorded
    conn = sqlite3.connect(os.environ["HEALER_DB"])
    try:
        return conn.execute(sql, parameters).fetchall()
    finally:
        conn.close()


def decisions() -> list[tuple[str, str, str]]:
    """(decision, via, patch_id), oldest first."""
    found = rows("SELECT decision, via, patch_id FROM decisions ORDER BY created, id")
    return [(str(d), str(v), str(p)) for d, v, p in found]


def patch_title(patch_id: str) -> str | None:
    found = rows("SELECT title FROM patches WHERE patch_id = ?", patch_id)
    return str(found[0][0]) if found else None
