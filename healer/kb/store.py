"""The one module that owns the knowledge base's schema and SQL.

Schema changes go through sqlite-utils, but only when the file is new or its
`user_version` is behind: importing sqlite-utils costs ~140 ms, too much for a
hook that only needs one cache lookup, so the hot path uses sqlite3 alone.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from healer.errors import HealerError
from healer.kb.derived import add_stage_totals, index_diagnostics, refresh_patch
from healer.kb.location import database_path
from healer.kb.schema import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    from healer.kb.records import PastFix, PatchRecord, Rate, RunRecord

BUSY_TIMEOUT_MS = 10_000
PRUNE_EVERY = 86_400.0
"""Retention runs on `record_run` at most once a day."""

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "CachedResult", "Store", "StoreError"]


class StoreError(HealerError):
    """The knowledge base file cannot be used: for good (`lasting`), or just now (locked, a full disk)."""

    def __init__(self, message: str, *, lasting: bool = True) -> None:
        super().__init__(message)
        self.lasting = lasting


def _is_corruption(error: sqlite3.DatabaseError) -> bool:
    """Only a damaged file is moved aside; every other error leaves it where it is."""
    text = str(error).lower()
    return any(sign in text for sign in ("file is not a database", "malformed", "file is encrypted"))


def _json(text: str) -> Any:
    import json  # a passing cached stage has nothing to decode: keep json off that path

    return json.loads(text)


def _dumps(data: Any) -> str:
    import json

    return json.dumps(data)


class CachedResult(NamedTuple):
    stage: str
    status: str
    exit_code: int | None
    duration: float
    output: str
    output_bytes: int
    diagnostics: list[dict[str, Any]]
    gate: dict[str, Any] | None
    created: float


class CachedReply(NamedTuple):
    model: str
    reply: str
    prompt_tokens: int
    completion_tokens: int
    cost: float | None


class Store:
    """A connection to the knowledge base, safe to use from several processes at once."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or database_path()
        self.notices: list[str] = []
        self.conn = self._open()

    def _open(self) -> sqlite3.Connection:
        if self.path.is_dir():
            raise StoreError(f"the knowledge base {self.path} is a folder, not a file; point HEALER_DB at a file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create the folder for the knowledge base {self.path}: {error.strerror}") from None
        try:
            return self._connect()
        except sqlite3.DatabaseError as error:
            if not _is_corruption(error) or not self.path.is_file():
                # Locked, full disk, read-only, no permission: the file is fine, the moment is not.
                raise StoreError(f"cannot use the knowledge base {self.path}: {error}", lasting=False) from None
            aside = self._move_aside()
            self.notices.append(
                f"the knowledge base {self.path} was unreadable ({error}); moved it to {aside} and started a new one"
            )
            try:
                return self._connect()
            except sqlite3.DatabaseError as again:
                raise StoreError(f"cannot open the knowledge base {self.path}: {again}") from None

    def _move_aside(self) -> Path:
        """Keep a damaged file (and its journal) for inspection, so later runs do not fail the same way."""
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        try:
            for suffix in ("", "-wal", "-shm"):
                source = self.path.with_name(self.path.name + suffix)
                if source.exists():
                    source.replace(aside.with_name(aside.name + suffix))
        except OSError as error:
            raise StoreError(
                f"the knowledge base {self.path} is unreadable and cannot be moved aside: {error.strerror}"
            ) from None
        return aside

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # Both in one read: another process's migration committing between the two would make a file
            # healer is creating look like someone else's database (a version of 0 with tables).
            conn.execute("BEGIN")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            conn.execute("COMMIT")
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the knowledge base {self.path} was written by a newer healer (schema {version}, this healer "
                    f"knows {SCHEMA_VERSION}); upgrade healer or set HEALER_DB to another file"
                )
            if version == 0 and tables:
                raise StoreError(
                    f"{self.path} is an SQLite database that healer did not create; set HEALER_DB to another file"
                )
            if version < SCHEMA_VERSION:
                self._migrate(conn, version)
            elif conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            conn.close()
            raise
        return conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection, version: int) -> None:
        import sqlite_utils

        if not conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            # Only a file without tables can still choose: pages freed by pruning go back to the system.
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
        _write_ahead(conn)
        db = sqlite_utils.Database(conn)
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            for step in MIGRATIONS[current:]:
                step(db)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- stage result cache --------------------------------------------------

    def cached_result(self, key: str) -> CachedResult | None:
        row = self.conn.execute(
            "SELECT stage, status, exit_code, duration, output, output_bytes, diagnostics, gate, created"
            " FROM stage_results WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None:
            return None
        stage, status, exit_code, duration, output, output_bytes, diagnostics, gate, created = row
        return CachedResult(
            stage=stage,
            status=status,
            exit_code=exit_code,
            duration=duration,
            output=output,
            output_bytes=output_bytes,
            diagnostics=_json(diagnostics) if diagnostics != "[]" else [],
            gate=_json(gate) if gate else None,
            created=created,
        )

    def store_result(
        self,
        key: str,
        *,
        repo: str,
        stage: str,
        status: str,
        exit_code: int | None,
        duration: float,
        output: str,
        output_bytes: int,
        diagnostics: list[dict[str, Any]],
        gate: dict[str, Any] | None,
    ) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO stage_results"
            " (key, repo, stage, status, exit_code, duration, output, output_bytes, diagnostics, gate, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key, repo, stage, status, exit_code, duration, output, output_bytes,
                _dumps(diagnostics), _dumps(gate) if gate else None, time.time(),
            ),
        )  # fmt: skip

    # -- tool versions -------------------------------------------------------

    def tool_version(self, command: str, identity: str) -> str | None:
        row = self.conn.execute(
            "SELECT output FROM tool_versions WHERE command = ? AND identity = ?", (command, identity)
        ).fetchone()
        return None if row is None else str(row[0])

    def store_tool_version(self, command: str, identity: str, output: str) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO tool_versions (command, identity, output, created) VALUES (?, ?, ?, ?)",
            (command, identity, output, time.time()),
        )

    # -- recording -------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taking the lock up front so a busy file waits instead of failing mid-way."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def record_run(self, run: RunRecord) -> int:
        """Store a run, its stages and its diagnostics in one transaction; returns the run's id."""
        with self.write() as conn:
            cursor = conn.execute(
                "INSERT INTO runs (uid, repo, trigger, snapshot, tree, started, duration, outcome)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (_uid(), run.repo, run.trigger, run.snapshot, run.tree, run.started, run.duration, run.outcome),
            )
            run_id = cursor.lastrowid
            assert run_id is not None
            if run.stages:
                conn.executemany(
                    "INSERT INTO run_stages (run_id, seq, repo, name, status, cached, duration, key, started)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (run_id, seq, run.repo, stage.name, stage.status, int(stage.cached), stage.duration,
                         stage.key, run.started)
                        for seq, stage in enumerate(run.stages)
                    ],
                )  # fmt: skip
            if run.diagnostics:
                conn.executemany(
                    "INSERT INTO diagnostics (run_id, seq, stage, tool, file, line, col, code, message, severity,"
                    " fingerprint, suggestion, node_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(run_id, seq, *diagnostic[:11]) for seq, diagnostic in enumerate(run.diagnostics)],
                )
                index_diagnostics(conn, run_id=run_id)
            add_stage_totals(conn, [(run.repo, stage.name, stage.status, run.started) for stage in run.stages])
        self.maybe_prune()
        return run_id

    def record_patches(self, repo: str, run_id: int | None, patches: Sequence[PatchRecord]) -> None:
        """Store proposed patches (once per repository and patch id) and one verification row for each."""
        if not patches:
            return
        now = time.time()
        with self.write() as conn:
            for patch in patches:
                conn.execute(
                    "INSERT INTO patches (repo, patch_id, run_id, title, diff, source, origin, safety, confidence,"
                    " stage, flags, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (repo, patch_id) DO NOTHING",
                    (repo, patch.patch_id, run_id, patch.title, patch.diff, patch.source, patch.origin, patch.safety,
                     patch.confidence, patch.stage, ",".join(patch.flags), now),
                )  # fmt: skip
                if patch.fingerprints:
                    conn.executemany(
                        "INSERT OR IGNORE INTO patch_fingerprints (repo, patch_id, fingerprint) VALUES (?, ?, ?)",
                        [(repo, patch.patch_id, fingerprint) for fingerprint in patch.fingerprints],
                    )
                if patch.classes:
                    conn.executemany(
                        "INSERT OR IGNORE INTO patch_classes (repo, patch_id, class) VALUES (?, ?, ?)",
                        [(repo, patch.patch_id, name) for name in patch.classes],
                    )
                conn.execute(
                    "INSERT INTO verifications (uid, repo, patch_id, run_id, status, detail, verify_seconds,"
                    " tool_seconds, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (_uid(), repo, patch.patch_id, run_id, patch.status, patch.detail, patch.verify_seconds,
                     patch.tool_seconds, now),
                )  # fmt: skip
                refresh_patch(conn, repo, patch.patch_id)

    def record_decision(self, repo: str, patch_id: str, decision: str, via: str) -> None:
        """accepted | rejected | edited | undone, made through cli | hook | tui."""
        with self.write() as conn:
            conn.execute(
                "INSERT INTO decisions (uid, repo, patch_id, decision, via, created) VALUES (?, ?, ?, ?, ?, ?)",
                (_uid(), repo, patch_id, decision, via, time.time()),
            )
            refresh_patch(conn, repo, patch_id)

    def record_flaky(self, repo: str, stage: str, node_id: str, message: str) -> None:
        now = time.time()
        with self.write() as conn:
            conn.execute(
                "INSERT INTO flaky (repo, stage, node_id, message, count, first_seen, last_seen)"
                " VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT (repo, stage, node_id)"
                " DO UPDATE SET count = count + 1, message = excluded.message, last_seen = excluded.last_seen",
                (repo, stage, node_id, message, now, now),
            )

    def record_model_call(
        self,
        repo: str,
        *,
        model: str,
        prompt_tokens: int,
        completion_tokens: int,
        cost: float | None,
        latency: float,
        prompt_hash: str,
        ok: bool,
        cached: bool = False,
        error: str | None = None,
    ) -> None:
        with self.write() as conn:
            conn.execute(
                "INSERT INTO model_calls (uid, repo, model, prompt_tokens, completion_tokens, cost, latency,"
                " prompt_hash, ok, created, cached, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (_uid(), repo, model, prompt_tokens, completion_tokens, cost, latency, prompt_hash, int(ok),
                 time.time(), int(cached), error),
            )  # fmt: skip

    def cached_reply(self, key: str) -> CachedReply | None:
        row = self.conn.execute(
            "SELECT model, reply, prompt_tokens, completion_tokens, cost FROM model_replies WHERE key = ?", (key,)
        ).fetchone()
        return None if row is None else CachedReply(*row)

    def store_reply(self, key: str, reply: CachedReply) -> None:
        with self.write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO model_replies (key, model, reply, prompt_tokens, completion_tokens, cost,"
                " created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key, *reply, time.time()),
            )

    def model_spending(self, since: float) -> float:
        """Dollars spent on model calls (all repositories) since `since`; calls of unknown cost count as free."""
        row = self.conn.execute(
            "SELECT coalesce(sum(cost), 0) FROM model_calls WHERE created >= ? AND cached = 0", (since,)
        ).fetchone()
        return float(row[0])

    # -- notifications ------------------------------------------------------------

    def notified(self, repo: str, channel: str, keys: Collection[str], since: float) -> set[str]:
        """Which of `keys` `channel` told about in `repo` at or after `since`."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return set()
        marks = ",".join("?" * len(wanted))
        rows = self.conn.execute(
            f"SELECT key FROM notifications WHERE repo = ? AND channel = ? AND key IN ({marks}) AND sent >= ?",
            (repo, channel, *wanted, since),
        ).fetchall()
        return {str(row[0]) for row in rows}

    def record_notified(self, repo: str, channel: str, keys: Collection[str], at: float, *, forget: float) -> None:
        """`channel` told about `keys` at `at`; rows of `repo` sent before `forget` are of no more use."""
        with self.write() as conn:
            conn.execute("DELETE FROM notifications WHERE repo = ? AND sent < ?", (repo, forget))
            conn.executemany(
                "INSERT OR REPLACE INTO notifications (repo, channel, key, sent) VALUES (?, ?, ?, ?)",
                [(repo, channel, key, at) for key in dict.fromkeys(keys)],
            )

    # -- queries for fixers ------------------------------------------------------

    def accepted_fixes(self, fingerprints: Collection[str], limit: int = 5) -> list[PastFix]:
        """Accepted, not since undone patches addressing any of `fingerprints`, newest acceptance first.

        From every repository: fingerprints do not depend on where a failure happened.
        """
        from healer.kb.records import PastFix

        wanted = list(dict.fromkeys(fingerprints))
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        rows = self.conn.execute(
            "SELECT p.patch_id, p.repo, p.title, p.diff, p.source, p.origin, p.safety, p.confidence, p.stage,"
            " p.accepted FROM (SELECT DISTINCT repo, patch_id FROM patch_fingerprints"
            f" WHERE fingerprint IN ({marks})) f JOIN patches p ON p.repo = f.repo AND p.patch_id = f.patch_id"
            " WHERE p.accepted IS NOT NULL ORDER BY p.accepted DESC LIMIT ?",
            (*wanted, limit),
        ).fetchall()
        found = []
        for patch_id, repo, title, diff, source, origin, safety, confidence, stage, accepted in rows:
            prints = tuple(
                row[0]
                for row in self.conn.execute(
                    "SELECT fingerprint FROM patch_fingerprints WHERE repo = ? AND patch_id = ? ORDER BY fingerprint",
                    (repo, patch_id),
                )
            )
            found.append(
                PastFix(patch_id, repo, title, diff, source, origin, safety, confidence, stage, prints, accepted)
            )
        return found

    def rates(self, failure_classes: Collection[str]) -> dict[tuple[str, str], Rate]:
        """(failure class, origin) -> how often such patches were proposed, verified, accepted and undone."""
        from healer.kb.records import Rate

        wanted = list(dict.fromkeys(failure_classes))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        rows = self.conn.execute(
            "SELECT c.class, p.origin, count(*), sum(p.verified), sum(p.accepted_ever), sum(p.undone_ever)"
            " FROM patch_classes c JOIN patches p ON p.repo = c.repo AND p.patch_id = c.patch_id"
            f" WHERE c.class IN ({marks}) GROUP BY c.class, p.origin",
            wanted,
        ).fetchall()
        return {(name, origin): Rate(*counts) for name, origin, *counts in rows}

    # -- retention -----------------------------------------------------------------

    def maybe_prune(self, now: float | None = None) -> None:
        """Apply the default retention policy if it has not run for a day (one indexed read otherwise)."""
        now = time.time() if now is None else now
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'pruned'").fetchone()
        if row is not None and now - float(row[0]) < PRUNE_EVERY:
            return
        from healer.kb.maintenance import prune  # once a day: not worth its import on every run
        from healer.snapshot.copies import sweep

        prune(self, now=now, unless_within=PRUNE_EVERY)
        sweep(now)  # copies of repositories that are gone or idle: the cache folder's own retention


def _write_ahead(conn: sqlite3.Connection) -> None:
    """Switch to WAL, waiting like any write would: SQLite refuses the switch at once, without its busy
    handler, while another connection is reading the file (two processes creating it at the same moment)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def _uid() -> str:
    """A natural key for an event row, so importing the same export twice adds nothing."""
    return os.urandom(10).hex()
