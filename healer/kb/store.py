"""The one module that owns the knowledge base's schema and SQL.

Schema changes go through sqlite-utils, but only when the file is new or its
`user_version` is behind: importing sqlite-utils costs ~140 ms, too much for a
hook that only needs one cache lookup, so the hot path uses sqlite3 alone.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from healer.errors import HealerError
from healer.kb.location import database_path

BUSY_TIMEOUT_MS = 10_000


class StoreError(HealerError):
    """The knowledge base file cannot be used."""


def _is_corruption(error: sqlite3.DatabaseError) -> bool:
    """Only a damaged file is moved aside; every other error leaves it where it is."""
    text = str(error).lower()
    return any(sign in text for sign in ("file is not a database", "malformed", "file is encrypted"))


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


MIGRATIONS: tuple[Callable[[Any], None], ...] = (_v1,)
SCHEMA_VERSION = len(MIGRATIONS)


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
                raise StoreError(f"cannot use the knowledge base {self.path}: {error}") from None
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
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"the knowledge base {self.path} was written by a newer healer (schema {version}, this healer "
                    f"knows {SCHEMA_VERSION}); upgrade healer or set HEALER_DB to another file"
                )
            if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
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

        conn.execute("PRAGMA journal_mode = WAL")
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
