"""The knowledge base as one process uses it: one file, a connection per unit of work in any thread, and every
failure said once as a notice.

A front end makes one `KnowledgeBase` and hands it to the core. SQLite
connections belong to the thread that opened them, so each unit of work (a
run, a verification in a worker thread, a model call) takes its own with
`connection()`; a nested unit in the same thread reuses the open one. A file
that cannot be used at all (a folder, no permission, a newer schema) is said
once, and from then on every connection is None: checks run on without the
cache and without history. A write that fails costs what it was writing, said
once, and nothing else; one that fails because the file takes no writes at
all now (a full disk, a read-only file or file system, an I/O error) is said
once, and the process records nothing more while reads go on.

On the hot path: nothing here imports sqlite3 until a connection is asked for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from healer.kb.results import ResultCache
    from healer.kb.store import Store

Notify = Callable[[str], None]

REFUSING_CODES = {8: "SQLITE_READONLY", 10: "SQLITE_IOERR", 13: "SQLITE_FULL", 14: "SQLITE_CANTOPEN"}
"""SQLite's primary result codes for a write the file would refuse again however often it were tried."""


class KnowledgeBase:
    def __init__(self, path: Path | None = None, *, notify: Notify | None = None) -> None:
        from healer.kb.location import database_path

        self.path = path or database_path()
        self._listeners: list[Notify] = [] if notify is None else [notify]
        self._said: set[str] = set()
        self._lock = threading.Lock()
        self._unusable: str | None = None
        self._refusing: str | None = None
        self._local = threading.local()

    def listen(self, notify: Notify) -> None:
        """Also tell `notify` what goes wrong (each distinct notice once, to every listener)."""
        with self._lock:
            self._listeners.append(notify)

    def say(self, text: str) -> None:
        with self._lock:
            if text in self._said:
                return
            self._said.add(text)
            listeners = list(self._listeners)
        for notify in listeners:
            notify(text)

    @contextmanager
    def connection(self) -> Iterator[Store | None]:
        """This thread's connection for one unit of work, closed at its end; None when the file cannot be used."""
        current: Store | None = getattr(self._local, "store", None)
        if current is not None:
            yield current
            return
        store = self._open()
        if store is None:
            yield None
            return
        self._local.store = store
        try:
            yield store
        finally:
            self._local.store = None
            store.close()

    @contextmanager
    def results(self) -> Iterator[ResultCache | None]:
        """This thread's connection as a result cache whose failures are notices, not errors; None without one."""
        from healer.kb.results import GuardedResults

        with self.connection() as store:
            yield None if store is None else GuardedResults(store, self)

    @contextmanager
    def required(self) -> Iterator[Store]:
        """A connection for commands that read the knowledge base and nothing else: StoreError if there is none."""
        from healer.kb.store import Store

        store = Store(self.path)
        for notice in store.notices:
            self.say(notice)
        with store:
            yield store

    @property
    def writable(self) -> bool:
        """False once a write failed in a way every later one would (a full disk): records are not attempted."""
        return self._refusing is None

    @contextmanager
    def guard(self, what: str, *, write: bool = False) -> Iterator[None]:
        """Run a read or (`write`) a write; if SQLite refuses it, `what` is lost (said once) and the caller goes
        on. A write the file refuses for good makes `writable` false, with one notice for everything lost."""
        import sqlite3

        try:
            yield
        except sqlite3.Error as error:
            code = getattr(error, "sqlite_errorcode", None)
            if write and isinstance(code, int) and code & 0xFF in REFUSING_CODES:
                with self._lock:
                    first = self._refusing is None
                    self._refusing = str(error)
                if first:
                    self.say(
                        f"the knowledge base {self.path} takes no writes ({error}): {what} and what this process "
                        "would record next are lost; checks are unaffected"
                    )
                return
            self.say(f"the knowledge base {self.path} did not take {what} ({error}); checks are unaffected")

    def _open(self) -> Store | None:
        if self._unusable is not None:
            return None
        from healer.kb.store import Store, StoreError

        try:
            store = Store(self.path)
        except StoreError as error:
            if error.lasting:
                # A folder, a newer schema, someone else's database: no later unit of work can do better.
                self._unusable = str(error)
            # Checking matters more than remembering: say why, and go on without the file (a locked or full
            # one is tried again by the next unit of work).
            self.say(f"{error}; running without the cache and without history")
            return None
        for notice in store.notices:
            self.say(notice)
        return store
