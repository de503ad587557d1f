"""The knowledge base as a process uses it: a file that cannot be used now is tried again later, one that
can never be used is given up on, and what goes wrong is said once, to everyone listening."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from healer.kb import store as store_module
from healer.kb.database import KnowledgeBase
from healer.kb.store import Store


def test_a_locked_file_costs_that_unit_of_work_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "kb.db"
    said: list[str] = []
    kb = KnowledgeBase(path, notify=said.append)
    # Another process holds the new file's lock (a rollback-journal file: nothing can read it meanwhile).
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with kb.connection() as store:
            assert store is None
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert len(said) == 1 and "database is locked" in said[0]
    with kb.connection() as store:
        assert store is not None  # the lock is gone: the next unit of work has its knowledge base again
    assert Store(path).conn.execute("PRAGMA user_version").fetchone()[0] > 0


def test_a_folder_is_given_up_on_and_said_once(tmp_path: Path) -> None:
    said: list[str] = []
    kb = KnowledgeBase(tmp_path, notify=said.append)
    for _ in range(3):
        with kb.connection() as store:
            assert store is None
    assert len(said) == 1 and "is a folder, not a file" in said[0]


def test_every_listener_hears_each_notice(tmp_path: Path) -> None:
    first: list[str] = []
    second: list[str] = []
    kb = KnowledgeBase(tmp_path, notify=first.append)
    kb.listen(second.append)
    with kb.connection():
        pass
    assert first == second and len(first) == 1


def test_a_refused_write_is_a_notice_and_the_caller_goes_on(tmp_path: Path) -> None:
    said: list[str] = []
    kb = KnowledgeBase(tmp_path / "kb.db", notify=said.append)
    with kb.guard("a test's record"):
        raise sqlite3.OperationalError("database or disk is full")
    assert said == [f"the knowledge base {tmp_path / 'kb.db'} did not take a test's record (database or disk is full); "
                    "checks are unaffected"]  # fmt: skip
