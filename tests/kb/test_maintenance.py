"""Retention, export and import on real files."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from healer.kb.maintenance import DAY, KbImportError, import_file, prune, write_export
from healer.kb.store import Store

from .helpers import REPO, diagnostic, patch, run

NOW = time.time()


def count(store: Store, table: str, where: str = "1") -> int:
    return int(store.conn.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0])


def aged(store: Store) -> None:
    """Runs 200 and 5 days old, an old undecided patch, an old accepted one, an old rejected one."""
    store.record_run(run("passed", started=NOW - 5 * DAY, diagnostics=(diagnostic(2),)))  # prunes, once a day
    store.record_run(run("failed", started=NOW - 200 * DAY, diagnostics=(diagnostic(1),)))
    store.record_patches(REPO, None, [patch(1), patch(2), patch(3)])
    store.record_decision(REPO, patch(2).id, "accepted", "cli")
    store.record_decision(REPO, patch(3).id, "rejected", "cli")
    store.conn.execute("UPDATE patches SET created = ?", (NOW - 200 * DAY,))
    store.conn.execute("UPDATE decisions SET created = ?", (NOW - 200 * DAY,))


def test_prune_deletes_old_runs_and_undecided_patches_but_keeps_decided_ones(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        aged(store)
        dry = prune(store, now=NOW, dry_run=True)
        assert dry.deleted["runs"] == 1 and dry.deleted["diagnostics"] == 1 and dry.deleted["patches"] == 1
        assert count(store, "runs") == 2 and count(store, "patches") == 3  # the dry run changed nothing

        report = prune(store, now=NOW)
        assert report.deleted == dry.deleted
        assert count(store, "runs") == 1 and count(store, "diagnostics") == 1 and count(store, "run_stages") == 1
        assert {row[0] for row in store.conn.execute("SELECT patch_id FROM patches")} == {patch(2).id, patch(3).id}
        assert count(store, "patch_fingerprints") == 2 and count(store, "verifications") == 2
        # The full-text index lost the deleted diagnostic, kept the other.
        assert store.conn.execute(
            "SELECT count(*) FROM diagnostics_fts WHERE diagnostics_fts MATCH 'os1'"
        ).fetchone() == (0,)
        assert store.conn.execute(
            "SELECT count(*) FROM diagnostics_fts WHERE diagnostics_fts MATCH 'os2'"
        ).fetchone() == (1,)
        assert store.accepted_fixes(["fp2"])[0].patch_id == patch(2).id
        # Statistics keep the pruned history.
        assert store.conn.execute("SELECT runs FROM stage_totals WHERE name = 'lint'").fetchone() == (2,)

        later = prune(store, now=NOW + 100 * DAY)  # decisions are kept four times as long: 360 days
        assert later.deleted["patches"] == 0
        gone = prune(store, now=NOW + 200 * DAY)
        assert gone.deleted["patches"] == 2 and count(store, "decisions") == 0


def test_prune_keeps_the_newest_runs_of_each_repository(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        for i in range(5):
            store.record_run(run("passed", started=NOW - i))
            store.record_run(run("passed", repo="/other", started=NOW - i))
        prune(store, now=NOW, max_runs=3)
        kept = store.conn.execute("SELECT repo, started FROM runs ORDER BY repo, started DESC").fetchall()
        assert kept == [
            ("/other", NOW),
            ("/other", NOW - 1),
            ("/other", NOW - 2),
            (REPO, NOW),
            (REPO, NOW - 1),
            (REPO, NOW - 2),
        ]


def test_retention_runs_on_its_own_at_most_once_a_day(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        store.record_run(run("passed"))  # the first record prunes (nothing to do) and notes when
        (first,) = store.conn.execute("SELECT value FROM meta WHERE key = 'pruned'").fetchone()
        store.record_run(run("passed", started=NOW - 200 * DAY))
        store.record_run(run("passed"))
        assert count(store, "runs") == 3  # not a day yet: the old run stays
        store.maybe_prune(now=first + DAY + 1)
        assert count(store, "runs") == 2
        (second,) = store.conn.execute("SELECT value FROM meta WHERE key = 'pruned'").fetchone()
        assert second == first + DAY + 1


def old_runs(store: Store) -> None:
    store.record_run(run("passed"))  # the day's automatic retention, before the old runs arrive
    for i in range(200):
        diagnostics = tuple(diagnostic(i * 10 + j) for j in range(10))
        store.record_run(run("failed", started=NOW - 200 * DAY, diagnostics=diagnostics))


def test_pruning_gives_pages_back_incrementally(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        old_runs(store)
        report = prune(store, now=NOW)
        assert report.deleted["diagnostics"] == 2000
        assert report.bytes_after < report.bytes_before * 0.7
        assert store.conn.execute("PRAGMA freelist_count").fetchone() == (0,)


def test_vacuum_gives_space_back_on_a_file_that_cannot_do_it_alone(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    with Store(db) as store:
        store.conn.execute("PRAGMA auto_vacuum = NONE")
        store.conn.execute("VACUUM")  # like a file upgraded from v1
        old_runs(store)
        kept = prune(store, now=NOW)
        assert kept.bytes_after == kept.bytes_before  # freed pages stay in the file
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = db.stat().st_size
        report = prune(store, now=NOW, vacuum=True)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert db.stat().st_size < before * 0.7
        assert report.bytes_after < report.bytes_before * 0.7
        assert store.conn.execute("PRAGMA auto_vacuum").fetchone() == (2,)  # and from now on it can


def exported(store: Store) -> str:
    out = io.StringIO()
    write_export(store, out)
    return out.getvalue()


def filled(store: Store) -> None:
    run_id = store.record_run(run("failed", "passed", diagnostics=(diagnostic(1), diagnostic(2))))
    store.record_run(run("passed", "passed"))
    store.record_patches(REPO, run_id, [patch(1), patch(2)])
    store.record_decision(REPO, patch(1).id, "accepted", "cli")
    store.record_flaky(REPO, "test", "tests/test_a.py::test_x", "passed on rerun")
    store.record_model_call(REPO, model="m", prompt_tokens=1, completion_tokens=2, cost=0.5, latency=1.0,
                            prompt_hash="h", ok=True)  # fmt: skip


def test_export_then_import_twice_into_another_file(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as source:
        filled(source)
        text = exported(source)
    lines = [json.loads(line) for line in text.splitlines()]
    assert {line["table"] for line in lines} >= {"runs", "diagnostics", "patches", "decisions", "flaky", "model_calls"}
    dump = tmp_path / "kb.jsonl"
    dump.write_text(text)
    with Store(tmp_path / "b.db") as target:
        target.record_run(run("passed", repo="/mine"))  # ids differ from the source's
        added = import_file(target, dump)
        assert added["runs"] == 2 and added["diagnostics"] == 2 and added["patches"] == 2
        assert import_file(target, dump) == dict.fromkeys(added, 0)
        assert count(target, "runs") == 3 and count(target, "diagnostics") == 2
        assert [f.patch_id for f in target.accepted_fixes(["fp1"])] == [patch(1).id]
        assert target.conn.execute(
            "SELECT count(*) FROM diagnostics_fts WHERE diagnostics_fts MATCH 'os2'"
        ).fetchone() == (1,)
        assert target.conn.execute(
            "SELECT runs, failed FROM stage_totals WHERE repo = ? AND name = 'lint'", (REPO,)
        ).fetchone() == (2, 1)
        mine = target.conn.execute(
            "SELECT d.message FROM diagnostics d JOIN runs r ON r.id = d.run_id WHERE r.repo = ?", (REPO,)
        )
        assert len(mine.fetchall()) == 2
        # Exporting the target again gives the source's rows (and its own run) back.
        again = {json.dumps({k: v for k, v in json.loads(line).items() if k not in ("id", "run_id")}, sort_keys=True)
                 for line in exported(target).splitlines()}  # fmt: skip
        for line in lines:
            assert json.dumps({k: v for k, v in line.items() if k not in ("id", "run_id")}, sort_keys=True) in again


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        ("{not json", "not a JSON object"),
        ('{"table": "nope"}', "unknown table 'nope'"),
        ('{"table": "decisions", "uid": "u"}', "decisions row lacks repo"),
        (
            '{"table": "decisions", "uid": "u", "repo": "r", "patch_id": "p", "decision": null, "via": "cli", "created": 1}',
            "decisions.decision must not be null",
        ),
        (
            '{"table": "runs", "id": 1, "uid": "u", "repo": "r", "trigger": "run", "snapshot": "worktree", "tree": null, "started": "yesterday", "duration": 1, "outcome": "passed"}',
            "runs.started must be a number",
        ),
        (
            '{"table": "diagnostics", "run_id": 999, "seq": 0, "stage": "s", "tool": "t", "file": null, "line": null, "col": null, "code": null, "message": "m", "severity": "error", "fingerprint": "f", "suggestion": null, "node_id": null}',
            "refers to run 999",
        ),
    ],
)
def test_a_malformed_line_names_file_and_line_and_imports_nothing(tmp_path: Path, bad: str, error: str) -> None:
    with Store(tmp_path / "a.db") as source:
        filled(source)
        good = exported(source).splitlines()
    dump = tmp_path / "kb.jsonl"
    dump.write_text("\n".join([*good[:5], bad, *good[5:]]) + "\n")
    with Store(tmp_path / "b.db") as target:
        with pytest.raises(KbImportError) as caught:
            import_file(target, dump)
        assert str(caught.value).startswith(f"{dump}:6: ") and error in str(caught.value)
        for table in ("runs", "run_stages", "diagnostics", "patches", "stage_totals"):
            assert count(target, table) == 0, table
        assert not target.conn.in_transaction
