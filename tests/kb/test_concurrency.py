"""Several healer processes write at once (watch + hook + TUI): no lock errors, no lost rows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from healer.kb.store import Store

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 3
RECORDS = 1000


def test_three_processes_writing_a_thousand_records_each(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    env = {**os.environ, "HEALER_DB": str(db), "PYTHONPATH": str(ROOT)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.kb.writer", str(worker), str(RECORDS)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(WORKERS)
    ]
    for writer in writers:  # every one has opened (and maybe migrated) the file
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err

    runs = len(range(0, RECORDS, 3)) * WORKERS
    patches = len(range(1, RECORDS, 3)) * WORKERS
    decisions = len(range(2, RECORDS, 3)) * WORKERS
    with Store(db) as store:
        count = {
            table: store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("runs", "run_stages", "diagnostics", "patches", "verifications", "decisions")
        }
        assert count == {
            "runs": runs, "run_stages": 2 * runs, "diagnostics": 2 * runs, "patches": patches,
            "verifications": patches, "decisions": decisions,
        }  # fmt: skip
        accepted = store.conn.execute("SELECT count(*) FROM patches WHERE accepted IS NOT NULL").fetchone()[0]
        assert accepted == decisions
        indexed = store.conn.execute("SELECT count(*) FROM diagnostics_fts WHERE diagnostics_fts MATCH 'imported'")
        assert indexed.fetchone()[0] == 2 * runs
        (lint,) = store.conn.execute("SELECT runs, failed FROM stage_totals WHERE name = 'lint'").fetchall()
        assert lint == (runs, runs)
        assert store.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_threads_opening_a_new_knowledge_base_at_once_all_get_it(tmp_path: Path) -> None:
    """Each opener reads the schema version and the tables together: one that read them apart could see
    another's migration half-way and refuse the file as "not created by healer"."""
    import threading

    from healer.kb.store import StoreError

    refused: list[str] = []
    for attempt in range(40):
        path = tmp_path / f"kb-{attempt}.db"
        start = threading.Barrier(8)

        def open_it(path: Path = path, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                Store(path).close()
            except StoreError as error:
                refused.append(str(error))

        threads = [threading.Thread(target=open_it) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert refused == []
