"""The record of applied patches, one JSON file each, under `<git dir>/healer/journal`.

An entry is written (and synced to disk) before the first file of its patch
changes, holding every file's previous content, so whatever happens next,
an interrupted apply included, `healer undo` knows how to put things back.
Entries are replaced whole (temporary file, fsync, rename): a reader sees
the old entry or the new one, never a torn one.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from healer.errors import HealerError
from healer.patch.files import sync_folder
from healer.patch.patch import Patch

State = Literal["applying", "applied", "undone"]
STATES: tuple[str, ...] = ("applying", "applied", "undone")
JOURNAL = "journal"
VERSION = 1


@dataclass(frozen=True)
class JournalFile:
    path: str
    before: bytes | None
    """The content the patch replaced; None when the patch created the file."""
    after_sha: str | None
    """`digest()` of the content the patch wrote; None when it deleted the file."""
    mode: int | None
    """Permission bits of the file before the patch (None when it did not exist)."""
    after_mode: int | None = None
    """Permission bits the patch left the file with: a later chmod is a later edit. None when the patch deleted
    the file, or created it and was interrupted, or in an entry written before healer kept them."""

    @property
    def applied_mode(self) -> int | None:
        """The permission bits the file has while the patch is applied, as far as the entry knows."""
        if self.after_mode is not None or self.after_sha is None:
            return self.after_mode
        return self.mode  # apply keeps an existing file's permission bits


@dataclass(frozen=True)
class Entry:
    id: str
    seq: int
    time: float
    title: str
    source: str
    origin: str
    stage: str
    safety: str
    flags: tuple[str, ...]
    staged: bool
    """Whether the patch was also added to git's index."""
    state: str
    files: tuple[JournalFile, ...]

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(file.path for file in self.files)

    @property
    def undoable(self) -> bool:
        return self.state in ("applying", "applied")


def digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.blake2b(data, digest_size=20).hexdigest()


def folder(state_dir: Path) -> Path:
    return state_dir / JOURNAL


@contextmanager
def locked(state_dir: Path) -> Iterator[None]:
    """Hold the journal's lock: one apply or undo at a time per repository (a hook and the TUI may race)."""
    where = folder(state_dir)
    where.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(where / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _encode(entry: Entry) -> dict[str, Any]:
    return {
        "version": VERSION,
        "id": entry.id,
        "seq": entry.seq,
        "time": entry.time,
        "title": entry.title,
        "source": entry.source,
        "origin": entry.origin,
        "stage": entry.stage,
        "safety": entry.safety,
        "flags": list(entry.flags),
        "staged": entry.staged,
        "state": entry.state,
        "files": [
            {
                "path": file.path,
                "before": None if file.before is None else base64.b64encode(file.before).decode("ascii"),
                "after_sha": file.after_sha,
                "mode": file.mode,
                "after_mode": file.after_mode,
            }
            for file in entry.files
        ],
    }


def _decode(data: Any) -> Entry:
    """An entry from its JSON; any missing or ill-typed field raises (ValueError, KeyError or TypeError)."""
    if not isinstance(data, dict) or data.get("version") != VERSION or data["state"] not in STATES:
        raise ValueError("not a journal entry")
    files = []
    for raw in data["files"]:
        before = raw["before"]
        mode = raw["mode"]
        after_mode = raw.get("after_mode")  # absent from entries older than the field
        files.append(
            JournalFile(
                path=str(raw["path"]),
                before=None if before is None else base64.b64decode(before, validate=True),
                after_sha=None if raw["after_sha"] is None else str(raw["after_sha"]),
                mode=None if mode is None else int(mode),
                after_mode=None if after_mode is None else int(after_mode),
            )
        )
    return Entry(
        id=str(data["id"]),
        seq=int(data["seq"]),
        time=float(data["time"]),
        title=str(data["title"]),
        source=str(data["source"]),
        origin=str(data["origin"]),
        stage=str(data["stage"]),
        safety=str(data["safety"]),
        flags=tuple(str(flag) for flag in data["flags"]),
        staged=bool(data["staged"]),
        state=str(data["state"]),
        files=tuple(files),
    )


def _file_name(entry: Entry) -> str:
    return f"{entry.seq:08d}-{entry.id}.json"


def _write(state_dir: Path, entry: Entry) -> None:
    where = folder(state_dir)
    where.mkdir(parents=True, exist_ok=True)
    target = where / _file_name(entry)
    temporary = where / f".{target.name}.{os.getpid()}.tmp"
    payload = json.dumps(_encode(entry), indent=1).encode()
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        _write_all(descriptor, payload)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(temporary, target)
    sync_folder(where)


def _write_all(descriptor: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(descriptor, view) :]


def scan(state_dir: Path) -> tuple[list[Entry], list[str]]:
    """Every readable entry, newest first, and a notice for each file that could not be read."""
    where = folder(state_dir)
    entries: list[Entry] = []
    notices: list[str] = []
    try:
        names = sorted(os.listdir(where))
    except FileNotFoundError:
        return [], []
    for name in names:
        if name.startswith(".") or not name.endswith(".json"):
            continue
        try:
            entries.append(_decode(json.loads((where / name).read_bytes())))
        except (OSError, ValueError, KeyError, TypeError) as error:
            notices.append(f"skipped unreadable journal entry {where / name} ({type(error).__name__})")
    entries.sort(key=lambda entry: entry.seq, reverse=True)
    return entries, notices


def entries(state_dir: Path) -> list[Entry]:
    """Every readable entry, newest first (unreadable ones skipped; `scan` says which)."""
    return scan(state_dir)[0]


def record(state_dir: Path, patch: Patch, files: tuple[JournalFile, ...], *, staged: bool = False) -> Entry:
    """Write a new entry in state "applying", durably, and return it. Call with the lock held."""
    # From the file names alone: reading every entry (each holding whole files) would make applying slow, and
    # an unreadable entry still holds its number, which a new entry must never overwrite.
    seqs = [0]
    where = folder(state_dir)
    if where.is_dir():
        for name in os.listdir(where):
            head = name.split("-", 1)[0]
            if head.isdigit():
                seqs.append(int(head))
    entry = Entry(
        id=patch.id,
        seq=max(seqs) + 1,
        time=time.time(),
        title=patch.title,
        source=patch.source,
        origin=patch.origin,
        stage=patch.stage,
        safety=patch.safety,
        flags=patch.flags,
        staged=staged,
        state="applying",
        files=files,
    )
    _write(state_dir, entry)
    return entry


def mark(state_dir: Path, entry: Entry, state: State, files: tuple[JournalFile, ...] | None = None) -> Entry:
    """Durably change an entry's state (and, given, what it knows of its files)."""
    changed = replace(entry, state=state, files=entry.files if files is None else files)
    _write(state_dir, changed)
    return changed


def forget(state_dir: Path, entry: Entry) -> None:
    """Remove an entry whose patch changed nothing in the end (rolled back before completing)."""
    (folder(state_dir) / _file_name(entry)).unlink(missing_ok=True)
    sync_folder(folder(state_dir))


def find(state_dir: Path, id_prefix: str) -> Entry:
    """The newest entry whose id starts with `id_prefix`; an unknown or ambiguous prefix is a `HealerError`."""
    prefix = id_prefix.strip().lower()
    if not prefix:
        raise HealerError("an empty fix id matches nothing; `healer log` lists the applied fixes")
    matches = [entry for entry in entries(state_dir) if entry.id.startswith(prefix)]
    ids = sorted({entry.id for entry in matches})
    if not ids:
        raise HealerError(f"no applied fix with id {id_prefix!r}; `healer log` lists them")
    if len(ids) > 1:
        raise HealerError(f"fix id {id_prefix!r} is ambiguous: it matches {', '.join(ids)}")
    undoable = [entry for entry in matches if entry.undoable]
    return undoable[0] if undoable else matches[0]
