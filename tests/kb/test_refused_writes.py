"""A knowledge base that refuses writes costs the record, said once, never the check.

The refusal is made by SQLite itself (a trigger that aborts every insert into
the cache and the run history), the way a full disk or a read-only file fails
a write: an error from the statement, after the file opened fine.
"""

from __future__ import annotations

import os
import sqlite3

from ..conftest import Repo, RunHealer


def refuse_writes() -> None:
    conn = sqlite3.connect(os.environ["HEALER_DB"])
    with conn:
        for table in ("stage_results", "runs"):
            conn.execute(
                f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, 'disk is full'); END"
            )
    conn.close()


def test_run_and_hook_go_on_and_say_what_was_lost(repo: Repo, healer: RunHealer) -> None:
    repo.config('[stages.words]\nrun = ["sh", "-c", "! grep -q forbidden app.txt"]\n')
    repo.write("app.txt", "fine\n")
    repo.commit("start")
    assert healer("run").code == 0  # the knowledge base exists and works
    refuse_writes()
    repo.write("app.txt", "still fine\n")
    done = healer("run")
    assert done.code == 0, done.out + done.err
    said = done.out + done.err
    assert "did not take a stage's result for the cache (disk is full)" in said
    assert "did not take this run's history (disk is full)" in said
    assert "Traceback" not in said
    repo.write("app.txt", "forbidden\n")
    repo.git("add", "app.txt")
    blocked = healer("hook", "pre-commit")
    assert blocked.code == 1 and "commit blocked" in blocked.err and "Traceback" not in blocked.err
    assert "disk is full" in blocked.out + blocked.err
