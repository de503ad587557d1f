"""Accepted fixes shared with a team (`healer kb push` / `healer kb pull`): the entry, its redaction and its checks.

What is shared is what the replay fixer needs to propose a fix again (healer.fixers.replay): the diff, the
fingerprints and failure classes it fixed, its title, source, origin, safety, confidence, stage and flags.
Never a run, an output, a path on someone's machine, a time or a name: an entry says what was fixed, not
who fixed it where.

Each entry is one canonical JSON document whose name is the sha256 of its bytes (its content id), so two
people sharing at once merge by union and the same name always means the same content. Every text field
is redacted as a model prompt is before it leaves (the redactor comes from the caller: redaction belongs
to a higher layer than the knowledge base); a fix whose *diff* the redaction changes is withheld, since a
secret in the code it writes cannot be shared safely and a redacted diff would no longer be that fix.

On pull every entry is checked before anything is stored: its name is its content's id, the schema is
this one, each field has its type and bounds, the diff parses and every path it writes is safe here
(healer.patch.validate.path_problem), and redacting it changes nothing (an entry carrying a secret is
refused, whoever wrote it). Fixes taken are recorded as accepted under `shared:<repository identity>`,
not under this clone's root: a teammate accepted them, no one here did, so the replay fixer proposes them
as untrusted code (verified in the OS sandbox) like a fix from another repository.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchSet

from healer.errors import HealerError
from healer.kb.derived import refresh_patch
from healer.patch.patch import SAFETY_CLASSES
from healer.patch.validate import path_problem

if TYPE_CHECKING:
    from healer.kb.store import Store

ENTRY_SCHEMA = "healer.kb.fix/1"
SOURCES = ("rule", "replay", "model", "agent")
VIA = "kb pull"
"""The `via` of the decisions a pull records: no one decided here; the team did."""

MAX_ENTRY_BYTES = 1_000_000
MAX_FIELD = 1_000
MAX_LIST = 200

Redactor = Callable[[str], str]
"""Text with every secret replaced by a placeholder (healer.llm.redaction.redact(text).text)."""

_NAME = re.compile(r"^[0-9a-f]{64}\.json$")
_PATCH_ID = re.compile(r"^[0-9a-f]{8,64}$")
_TEXT_FIELDS = ("patch_id", "title", "diff", "source", "origin", "safety", "stage")
_LIST_FIELDS = ("flags", "fingerprints", "classes")


class ShareError(HealerError):
    """The shared place cannot be used (no remote, a refused push...): one line, exit 2."""


class SharedFix(NamedTuple):
    """One accepted fix as it is shared: what replay needs, nothing about who or where."""

    patch_id: str
    title: str
    diff: str
    source: str
    origin: str
    safety: str
    confidence: float
    stage: str
    flags: tuple[str, ...]
    fingerprints: tuple[str, ...]
    classes: tuple[str, ...]

    def document(self) -> dict[str, Any]:
        return {"schema": ENTRY_SCHEMA, **self._asdict()} | {name: list(getattr(self, name)) for name in _LIST_FIELDS}

    def encode(self) -> bytes:
        """The canonical bytes: the same fix is the same file, wherever it was pushed from."""
        return json.dumps(self.document(), sort_keys=True, separators=(",", ":")).encode() + b"\n"

    @property
    def name(self) -> str:
        """The file name the entry is shared under: its content id."""
        return content_name(self.encode())


def content_name(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest() + ".json"


class Refused(NamedTuple):
    """An entry of the shared place that was not taken, and why (one line)."""

    name: str
    reason: str


class Outgoing(NamedTuple):
    fixes: tuple[SharedFix, ...]
    """Redacted, ready to send; one per accepted fix."""
    withheld: tuple[str, ...]
    """Patch ids of accepted fixes whose diff holds a secret: not shared."""


class Sent(NamedTuple):
    """What a transport did with the entries it was given."""

    sent: int
    """Entries the shared place did not have before."""
    present: int
    """Entries it had already."""
    total: int
    """Entries it holds now."""
    attempts: int = 1


class Transport(Protocol):
    """Where shared fixes live: a git ref on the repository's remote, or the remote cache."""

    where: str
    """For messages: `origin (refs/healer/kb)`, `https://cache.example/ (remote cache)`."""

    def send(self, files: Mapping[str, bytes]) -> Sent:
        """Add these entries (name -> bytes) to the shared place, keeping every entry already there."""
        ...

    def receive(self) -> Received | None:
        """Every entry there, or None when nothing was ever shared."""
        ...


class Received(NamedTuple):
    files: dict[str, bytes]
    """Each entry's name and bytes, as the shared place holds them (checked by `read_entries`, not here)."""
    unreadable: dict[str, str]
    """Entries there whose content could not be had, and why (a folder in the ref, a blob gone missing)."""


class PushReport(NamedTuple):
    where: str
    accepted: int
    """Accepted, not undone fixes of this repository."""
    sent: int
    present: int
    total: int
    withheld: tuple[str, ...]
    attempts: int


class PullReport(NamedTuple):
    where: str
    found: int
    """Entries in the shared place (valid or not)."""
    added: tuple[str, ...]
    """Patch ids recorded here now."""
    present: int
    """Valid entries already known here."""
    refused: tuple[Refused, ...]
    shared: bool
    """False: nothing was ever pushed there."""


def shared_repo(identity: str) -> str:
    """The repository tag of fixes taken from the team (see the module's docstring)."""
    return f"shared:{identity}"


# -- push ------------------------------------------------------------------------------


def outgoing(store: Store, repo: str, redact: Redactor) -> Outgoing:
    """This repository's accepted (and not since undone) fixes, redacted; those whose diff holds a secret
    are withheld."""
    rows = store.conn.execute(
        "SELECT patch_id, title, diff, source, origin, safety, confidence, stage, flags FROM patches"
        " WHERE repo = ? AND accepted IS NOT NULL ORDER BY patch_id",
        (repo,),
    ).fetchall()
    fixes: list[SharedFix] = []
    withheld: list[str] = []
    for patch_id, title, diff, source, origin, safety, confidence, stage, flags in rows:
        fix = SharedFix(
            patch_id=patch_id,
            title=title,
            diff=diff,
            source=source,
            origin=origin,
            safety=safety,
            confidence=float(confidence),
            stage=stage,
            flags=tuple(flag for flag in str(flags).split(",") if flag),
            fingerprints=_linked(store, "patch_fingerprints", "fingerprint", repo, patch_id),
            classes=_linked(store, "patch_classes", "class", repo, patch_id),
        )
        if not fix.fingerprints:
            continue  # replay finds a fix by the failures it fixed: one without any is of no use to anyone
        clean = _redacted(fix, redact)
        if clean.diff != fix.diff:
            withheld.append(patch_id)
        else:
            fixes.append(clean)
    return Outgoing(tuple(fixes), tuple(withheld))


def _linked(store: Store, table: str, column: str, repo: str, patch_id: str) -> tuple[str, ...]:
    rows = store.conn.execute(
        f"SELECT {column} FROM {table} WHERE repo = ? AND patch_id = ? ORDER BY {column}", (repo, patch_id)
    )
    return tuple(str(row[0]) for row in rows)


def _redacted(fix: SharedFix, redact: Redactor) -> SharedFix:
    def each(items: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(redact(item) for item in items)

    return fix._replace(
        patch_id=redact(fix.patch_id),
        title=redact(fix.title),
        diff=redact(fix.diff),
        source=redact(fix.source),
        origin=redact(fix.origin),
        safety=redact(fix.safety),
        stage=redact(fix.stage),
        flags=each(fix.flags),
        fingerprints=each(fix.fingerprints),
        classes=each(fix.classes),
    )


def push(store: Store, repo: str, redact: Redactor, transport: Transport) -> PushReport:
    """Send this repository's accepted fixes, redacted, to the shared place."""
    out = outgoing(store, repo, redact)
    files = {fix.name: fix.encode() for fix in out.fixes}
    sent = transport.send(files) if files else None
    return PushReport(
        where=transport.where,
        accepted=len(out.fixes) + len(out.withheld),
        sent=0 if sent is None else sent.sent,
        present=0 if sent is None else sent.present,
        total=0 if sent is None else sent.total,
        withheld=out.withheld,
        attempts=0 if sent is None else sent.attempts,
    )


# -- pull ------------------------------------------------------------------------------


def parse_entry(name: str, data: bytes, root: Path, redact: Redactor) -> SharedFix:
    """The fix an entry holds, or ShareError saying (one line) why it is refused."""
    if not _NAME.match(name):
        raise ShareError("not an entry's name (sha256 of its content, then .json)")
    if len(data) > MAX_ENTRY_BYTES:
        raise ShareError(f"{len(data)} bytes, more than {MAX_ENTRY_BYTES}")
    if content_name(data) != name:
        raise ShareError("its name is not the sha256 of its content (changed after it was shared)")
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ShareError(f"not JSON: {error}") from None
    if not isinstance(document, dict):
        raise ShareError("not a JSON object")
    schema = document.get("schema")
    if schema != ENTRY_SCHEMA:
        raise ShareError(f"schema {schema!r}, expected {ENTRY_SCHEMA!r} (written by another version of healer?)")
    fix = SharedFix(
        patch_id=_text(document, "patch_id", pattern=_PATCH_ID),
        title=_text(document, "title"),
        diff=_text(document, "diff", limit=MAX_ENTRY_BYTES),
        source=_text(document, "source", choices=SOURCES),
        origin=_text(document, "origin"),
        safety=_text(document, "safety", choices=SAFETY_CLASSES),
        confidence=_confidence(document),
        stage=_text(document, "stage"),
        flags=_texts(document, "flags"),
        fingerprints=_texts(document, "fingerprints", empty=False),
        classes=_texts(document, "classes"),
    )
    problem = diff_problem(fix.diff, root)
    if problem:
        raise ShareError(problem)
    clean = _redacted(fix, redact)
    if clean != fix:
        changed = [name for name in (*_TEXT_FIELDS, *_LIST_FIELDS) if getattr(clean, name) != getattr(fix, name)]
        raise ShareError(f"{', '.join(changed)}: holds what looks like a secret")
    return fix


def _text(
    document: Mapping[str, Any],
    key: str,
    *,
    limit: int = MAX_FIELD,
    choices: Sequence[str] = (),
    pattern: re.Pattern[str] | None = None,
) -> str:
    value = document.get(key)
    if not isinstance(value, str) or not value:
        raise ShareError(f"{key}: must be a non-empty string")
    if len(value) > limit:
        raise ShareError(f"{key}: longer than {limit} characters")
    if choices and value not in choices:
        raise ShareError(f"{key}: {value!r} is not one of {', '.join(choices)}")
    if pattern is not None and not pattern.match(value):
        raise ShareError(f"{key}: {value!r} is not a patch id (hexadecimal)")
    if "\0" in value or not _is_text(value):
        raise ShareError(f"{key}: holds a NUL character or is not UTF-8 text")
    return value


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: bytes that were never UTF-8
        return False
    return True


def _texts(document: Mapping[str, Any], key: str, *, empty: bool = True) -> tuple[str, ...]:
    value = document.get(key)
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ShareError(f"{key}: must be a list of non-empty strings")
    if not value and not empty:
        raise ShareError(f"{key}: must not be empty (replay finds a fix by the failures it fixed)")
    if len(value) > MAX_LIST or any(len(item) > MAX_FIELD or "\0" in item or "," in item for item in value):
        raise ShareError(f"{key}: too many, too long, or holding a comma or NUL")
    return tuple(value)


def _confidence(document: Mapping[str, Any]) -> float:
    value = document.get("confidence")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or not 0 <= value <= 1:
        raise ShareError(f"confidence: must be a number from 0 to 1, not {value!r}")
    return float(value)


def diff_problem(diff: str, root: Path) -> str | None:
    """Why a shared diff must not be replayed here (unreadable, binary, a rename, an unsafe path), or None."""
    try:
        patch_set = PatchSet(diff)
    except UnidiffParseError as error:
        return f"diff: cannot be read: {error}"
    if not len(patch_set):
        return "diff: changes no file"
    for patched in patch_set:
        source, target = patched.source_file or "", patched.target_file or ""
        if patched.is_binary_file:
            return f"diff: {patched.path}: a binary diff"
        paths = {_strip(name) for name in (source, target) if name and name != "/dev/null"}
        if len(paths) != 1:
            return f"diff: {' -> '.join(sorted(paths)) or '?'}: a rename, or no file named"
        problem = path_problem(root, paths.pop())
        if problem:
            return f"diff: {problem}"
    return None


def _strip(name: str) -> str:
    return name[2:] if name[:2] in ("a/", "b/") else name


def read_entries(files: Mapping[str, bytes], root: Path, redact: Redactor) -> tuple[list[SharedFix], list[Refused]]:
    """The entries that validate, and each one that does not with its reason; by name, so the order is stable."""
    fixes: list[SharedFix] = []
    refused: list[Refused] = []
    for name in sorted(files):
        try:
            fixes.append(parse_entry(name, files[name], root, redact))
        except ShareError as error:
            refused.append(Refused(name, str(error)))
    return fixes, refused


def import_fixes(store: Store, tag: str, fixes: Iterable[SharedFix], now: float | None = None) -> tuple[list[str], int]:
    """Record each fix not known here yet as accepted under `tag`, in one transaction: (patch ids added,
    how many were known). Known: already taken from the team, or accepted here (replay has it either way)."""
    now = time.time() if now is None else now
    added: list[str] = []
    present = 0
    with store.write() as conn:
        for fix in fixes:
            known = conn.execute(
                "SELECT 1 FROM patches WHERE patch_id = ? AND (repo = ? OR accepted IS NOT NULL) LIMIT 1",
                (fix.patch_id, tag),
            ).fetchone()
            if known is not None or fix.patch_id in added:
                present += 1
                continue
            conn.execute(
                "INSERT INTO patches (repo, patch_id, run_id, title, diff, source, origin, safety, confidence,"
                " stage, flags, created) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (tag, fix.patch_id, fix.title, fix.diff, fix.source, fix.origin, fix.safety, fix.confidence,
                 fix.stage, ",".join(fix.flags), now),
            )  # fmt: skip
            conn.executemany(
                "INSERT OR IGNORE INTO patch_fingerprints (repo, patch_id, fingerprint) VALUES (?, ?, ?)",
                [(tag, fix.patch_id, fingerprint) for fingerprint in fix.fingerprints],
            )
            conn.executemany(
                "INSERT OR IGNORE INTO patch_classes (repo, patch_id, class) VALUES (?, ?, ?)",
                [(tag, fix.patch_id, name) for name in fix.classes],
            )
            conn.execute(
                "INSERT INTO decisions (uid, repo, patch_id, decision, via, created)"
                " VALUES (?, ?, ?, 'accepted', ?, ?)",
                (os.urandom(10).hex(), tag, fix.patch_id, VIA, now),
            )
            refresh_patch(conn, tag, fix.patch_id)
            added.append(fix.patch_id)
    return added, present


def pull(store: Store, root: Path, tag: str, redact: Redactor, transport: Transport) -> PullReport:
    """Take the fixes shared there that validate and are not known here; name each one refused."""
    received = transport.receive()
    if received is None:
        return PullReport(transport.where, 0, (), 0, (), shared=False)
    fixes, refused = read_entries(received.files, root, redact)
    refused += [Refused(name, why) for name, why in received.unreadable.items()]
    added, present = import_fixes(store, tag, fixes)
    found = len(received.files) + len(received.unreadable)
    return PullReport(transport.where, found, tuple(added), present, tuple(sorted(refused)), shared=True)
