"""Keeping the knowledge base bounded and portable: retention, export and import.

Retention (`prune`), with the defaults below:

- runs, with their stages and diagnostics: older than `keep_days` (90), or beyond the newest `max_runs`
  (20,000) of their repository;
- patches nobody decided on, with their verifications and fingerprint links: older than `keep_days`;
- patches with a decision (accepted, rejected, edited, undone), the decisions themselves and model calls:
  kept `DECISION_FACTOR` (4) times longer, 360 days by default, counted from the last decision, because
  replaying past fixes and the acceptance rates depend on them;
- flaky tests not seen for `keep_days`; cached stage results older than `keep_days` (a miss reruns the stage).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from healer.errors import HealerError
from healer.kb.derived import add_stage_totals, index_diagnostics, refresh_patch
from healer.kb.schema import ADDED_LATER, COLUMNS

if TYPE_CHECKING:
    from healer.kb.store import Store

KEEP_DAYS = 90.0
MAX_RUNS = 20_000
DECISION_FACTOR = 4
DAY = 86_400.0


class PruneReport(NamedTuple):
    deleted: dict[str, int]
    bytes_before: int
    bytes_after: int
    dry_run: bool


def file_bytes(store: Store) -> int:
    """The database's size in pages (what the file holds once the write-ahead log is checkpointed)."""
    page_size, pages = (store.conn.execute(f"PRAGMA {name}").fetchone()[0] for name in ("page_size", "page_count"))
    return int(page_size * pages)


def prune(
    store: Store,
    *,
    keep_days: float = KEEP_DAYS,
    max_runs: int = MAX_RUNS,
    dry_run: bool = False,
    vacuum: bool = False,
    now: float | None = None,
    unless_within: float | None = None,
) -> PruneReport:
    """Delete what the retention policy lets go, in one transaction (rolled back with `dry_run`).

    `unless_within`: do nothing if the last prune is younger than this many seconds (checked inside the
    transaction, so two processes that both found it due do not both prune).
    """
    now = time.time() if now is None else now
    cutoff = now - keep_days * DAY
    long_cutoff = now - keep_days * DECISION_FACTOR * DAY
    conn = store.conn
    before = file_bytes(store)
    deleted: dict[str, int] = {}
    conn.execute("BEGIN IMMEDIATE")
    try:
        if unless_within is not None:
            row = conn.execute("SELECT value FROM meta WHERE key = 'pruned'").fetchone()
            if row is not None and now - float(row[0]) < unless_within:
                conn.execute("ROLLBACK")  # another process pruned while this one waited
                return PruneReport({}, before, before, dry_run)
        _delete(conn, deleted, cutoff=cutoff, long_cutoff=long_cutoff, max_runs=max_runs)
        if dry_run:
            conn.execute("ROLLBACK")
        else:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('pruned', ?)", (now,))
            conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.doomed_runs")
        conn.execute("DROP TABLE IF EXISTS temp.doomed_patches")
    if not dry_run:
        if vacuum:
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")  # takes effect with this VACUUM
            conn.execute("VACUUM")
        elif conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2 and any(deleted.values()):
            conn.executescript("PRAGMA incremental_vacuum;")  # execute() would free one page per call
    return PruneReport(deleted, before, file_bytes(store), dry_run)


def _delete(
    conn: sqlite3.Connection, deleted: dict[str, int], *, cutoff: float, long_cutoff: float, max_runs: int
) -> None:
    def run(table: str, sql: str, parameters: Iterable[Any] = ()) -> None:
        deleted[table] = deleted.get(table, 0) + conn.execute(sql, tuple(parameters)).rowcount

    conn.execute("CREATE TEMP TABLE IF NOT EXISTS doomed_runs (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.doomed_runs")
    conn.execute("INSERT INTO temp.doomed_runs SELECT id FROM runs WHERE started < ?", (cutoff,))
    crowded = conn.execute("SELECT repo FROM runs GROUP BY repo HAVING count(*) > ?", (max_runs,)).fetchall()
    for (repo,) in crowded:
        conn.execute(
            "INSERT OR IGNORE INTO temp.doomed_runs SELECT id FROM runs WHERE repo = ?"
            " ORDER BY started DESC LIMIT -1 OFFSET ?",
            (repo, max_runs),
        )
    run("diagnostics", "DELETE FROM diagnostics WHERE run_id IN (SELECT id FROM temp.doomed_runs)")
    run("run_stages", "DELETE FROM run_stages WHERE run_id IN (SELECT id FROM temp.doomed_runs)")
    run("runs", "DELETE FROM runs WHERE id IN (SELECT id FROM temp.doomed_runs)")
    conn.execute("UPDATE patches SET run_id = NULL WHERE run_id IN (SELECT id FROM temp.doomed_runs)")
    conn.execute("UPDATE verifications SET run_id = NULL WHERE run_id IN (SELECT id FROM temp.doomed_runs)")

    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS doomed_patches (repo TEXT, patch_id TEXT, PRIMARY KEY (repo, patch_id))"
    )
    conn.execute("DELETE FROM temp.doomed_patches")
    conn.execute(
        "INSERT INTO temp.doomed_patches SELECT p.repo, p.patch_id FROM patches p WHERE p.created < ? AND"
        " coalesce((SELECT max(d.created) FROM decisions d WHERE d.repo = p.repo AND d.patch_id = p.patch_id), -1)"
        " < CASE WHEN EXISTS (SELECT 1 FROM decisions d WHERE d.repo = p.repo AND d.patch_id = p.patch_id)"
        " THEN ? ELSE 1e300 END",
        (cutoff, long_cutoff),
    )
    doomed = "(repo, patch_id) IN (SELECT repo, patch_id FROM temp.doomed_patches)"
    for table in ("patch_fingerprints", "patch_classes", "verifications", "decisions"):
        run(table, f"DELETE FROM {table} WHERE {doomed}")
    run("patches", f"DELETE FROM patches WHERE {doomed}")
    # Decisions about patches never recorded here (or already gone), and old model calls.
    run(
        "decisions",
        "DELETE FROM decisions WHERE created < ? AND NOT EXISTS"
        " (SELECT 1 FROM patches p WHERE p.repo = decisions.repo AND p.patch_id = decisions.patch_id)",
        (long_cutoff,),
    )
    run("model_calls", "DELETE FROM model_calls WHERE created < ?", (long_cutoff,))
    run("model_replies", "DELETE FROM model_replies WHERE created < ?", (cutoff,))
    run("flaky", "DELETE FROM flaky WHERE last_seen < ?", (cutoff,))
    run("stage_results", "DELETE FROM stage_results WHERE created < ?", (cutoff,))


# -- export and import --------------------------------------------------------------


class KbImportError(HealerError):
    """A line of an export that cannot be imported; nothing from the file is kept."""


def export_rows(store: Store, repo: str | None = None) -> Iterator[dict[str, Any]]:
    """Every row of the exported tables, parents first, each with a `table` field; with `repo`, only that
    repository's (the key every table but `diagnostics` has; a diagnostic belongs to its run's repository)."""
    conn = store.conn
    conn.execute("BEGIN")  # one consistent view while other processes write
    try:
        for table, columns in COLUMNS.items():
            where, parameters = _of_repo(table, columns, repo)
            cursor = conn.execute(f"SELECT {', '.join(columns)} FROM {table}{where}", parameters)
            for row in cursor:
                yield {"table": table, **dict(zip(columns, row, strict=True))}
    finally:
        conn.execute("COMMIT")


def _of_repo(table: str, columns: tuple[str, ...], repo: str | None) -> tuple[str, tuple[str, ...]]:
    if repo is None:
        return "", ()
    if "repo" in columns:
        return " WHERE repo = ?", (repo,)
    if "run_id" in columns:
        return " WHERE run_id IN (SELECT id FROM runs WHERE repo = ?)", (repo,)
    raise AssertionError(f"the exported table {table} is tied to no repository")


def write_export(store: Store, out: IO[str], repo: str | None = None) -> int:
    """Write `export_rows` as JSON lines; returns how many."""
    count = 0
    for row in export_rows(store, repo):
        out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    return count


def _column_kinds(conn: sqlite3.Connection, table: str) -> dict[str, tuple[str, bool]]:
    """Each column's declared type and whether it must have a value (INSERT OR IGNORE would skip such rows)."""
    return {
        name: (str(kind).upper(), bool(notnull or primary))
        for _, name, kind, notnull, _, primary in conn.execute(f"PRAGMA table_info({table})")
    }


def import_file(store: Store, path: Path) -> dict[str, int]:
    """Add the rows of an export that are not here yet, all or nothing; returns rows added per table."""

    try:
        handle = path.open(encoding="utf-8")
    except OSError as error:
        raise KbImportError(f"cannot read {path}: {error.strerror}") from None
    added: dict[str, int] = dict.fromkeys(COLUMNS, 0)
    runs: dict[Any, int] = {}
    kinds = {table: _column_kinds(store.conn, table) for table in COLUMNS}
    touched: set[tuple[str, str]] = set()
    results: list[tuple[str, str, str, float]] = []
    conn = store.conn
    number = 0
    with handle:
        conn.execute("BEGIN IMMEDIATE")
        try:
            first_diagnostic = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM diagnostics").fetchone()[0]
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except ValueError as error:
                    raise KbImportError(f"{path}:{number}: not a JSON object: {error}") from None
                _import_row(conn, row, kinds, runs, touched, results, added, where=f"{path}:{number}")
            index_diagnostics(conn, first_id=first_diagnostic)
            add_stage_totals(conn, sorted(results, key=lambda result: result[3]))
            for repo, patch_id in touched:
                refresh_patch(conn, repo, patch_id)
            conn.execute("COMMIT")
        except UnicodeDecodeError as error:
            conn.execute("ROLLBACK")
            raise KbImportError(f"{path}:{number + 1}: not UTF-8 text ({error.reason})") from None
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return added


def _import_row(
    conn: sqlite3.Connection,
    row: Any,
    kinds: dict[str, dict[str, tuple[str, bool]]],
    runs: dict[Any, int],
    touched: set[tuple[str, str]],
    results: list[tuple[str, str, str, float]],
    added: dict[str, int],
    *,
    where: str,
) -> None:
    if not isinstance(row, dict):
        raise KbImportError(f"{where}: not a JSON object")
    table = row.get("table")
    if table not in COLUMNS:
        raise KbImportError(f"{where}: unknown table {table!r} (expected one of {', '.join(COLUMNS)})")
    columns = COLUMNS[table]
    missing = [name for name in columns if name not in row and (table, name) not in ADDED_LATER]
    if missing:
        raise KbImportError(f"{where}: {table} row lacks {', '.join(missing)}")
    values = [row[name] if name in row else ADDED_LATER[(table, name)] for name in columns]
    for name, value in zip(columns, values, strict=True):
        kind, required = kinds[table][name]
        if value is None:
            if required:
                raise KbImportError(f"{where}: {table}.{name} must not be null")
        elif kind == "TEXT" and not isinstance(value, str):
            raise KbImportError(f"{where}: {table}.{name} must be a string, not {value!r}")
        elif kind in ("INTEGER", "REAL") and (not isinstance(value, int | float) or isinstance(value, bool)):
            raise KbImportError(f"{where}: {table}.{name} must be a number, not {value!r}")
        elif not isinstance(value, str | int | float):
            raise KbImportError(f"{where}: {table}.{name} must be a string, a number or null")
    record = dict(zip(columns, values, strict=True))
    if table == "patch_classes" and str(record["class"]).endswith(":"):
        record["class"] = f"{record['class']}-"  # an export from before schema v4 (see healer.kb.schema)
    if "run_id" in record and table != "runs":
        source = record["run_id"]
        if source is not None:
            if source not in runs and table in ("run_stages", "diagnostics"):
                raise KbImportError(f"{where}: {table} row refers to run {source!r}, which comes later or not at all")
            record["run_id"] = runs.get(source)
    if table == "runs":
        source_id = record.pop("id")
    try:
        names = list(record)
        marks = ", ".join("?" * len(names))
        if table == "flaky":
            cursor = conn.execute(
                f"INSERT INTO flaky ({', '.join(names)}) VALUES ({marks}) ON CONFLICT (repo, stage, node_id) DO UPDATE"
                " SET count = max(count, excluded.count), first_seen = min(first_seen, excluded.first_seen),"
                " last_seen = max(last_seen, excluded.last_seen)"
                " WHERE excluded.count > count OR excluded.last_seen > last_seen OR excluded.first_seen < first_seen",
                list(record.values()),
            )
        else:
            cursor = conn.execute(
                f"INSERT OR IGNORE INTO {table} ({', '.join(names)}) VALUES ({marks})", list(record.values())
            )
    except sqlite3.IntegrityError as error:
        raise KbImportError(f"{where}: {table} row rejected: {error}") from None
    added[table] += cursor.rowcount
    if table == "runs":
        found = conn.execute("SELECT id FROM runs WHERE uid = ?", (record["uid"],)).fetchone()
        runs[source_id] = found[0]
    if table == "run_stages" and cursor.rowcount:
        results.append((record["repo"], record["name"], record["status"], record["started"]))
    if table in ("patches", "verifications", "decisions"):
        touched.add((str(record["repo"]), str(record["patch_id"])))
