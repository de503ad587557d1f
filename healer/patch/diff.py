"""Unified diffs of edits, their hunks, and edits read back from a diff.

Lines are split on b"\\n" only and kept with their endings, so a CRLF file
shows its "\\r" and every byte of `before` and `after` is accounted for: the
hunks of an edit partition both sides exactly, which is what lets
`select_hunks` rebuild `after` (all hunks) or `before` (none) byte for byte.
Bytes that are not UTF-8 travel through text as lone surrogates
(surrogateescape) and come back unchanged.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchSet

from healer.errors import HealerError
from healer.patch.patch import FileEdit

NO_NEWLINE = "\\ No newline at end of file"
DEV_NULL = "/dev/null"


class PatchError(HealerError):
    """A diff that cannot be read, or does not apply exactly to the files as they are."""


@dataclass(frozen=True)
class Hunk:
    """One hunk of a file's diff: its position in the file's list of hunks, its @@ header and its lines.

    `lines` are diff lines without their final "\\n" (" context", "-removed",
    "+added", and the no-newline marker after a line that has no "\\n").
    """

    index: int
    header: str
    lines: tuple[str, ...]


Opcode = tuple[str, int, int, int, int]


def split_lines(data: bytes | None) -> list[bytes]:
    """`data` as lines that keep their b"\\n"; joined, they give `data` back exactly."""
    if not data:
        return []
    lines = data.split(b"\n")
    last = lines.pop()
    out = [line + b"\n" for line in lines]
    if last:
        out.append(last)
    return out


def _text(line: bytes) -> str:
    return line.decode("utf-8", errors="surrogateescape")


def _groups(before: list[bytes], after: list[bytes], context: int) -> list[list[Opcode]]:
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [group for group in matcher.get_grouped_opcodes(context) if any(op[0] != "equal" for op in group)]


def _range(start: int, length: int) -> str:
    # The unified diff convention, as difflib and git write it: "-3" for one line, "-2,0" for none after line 2.
    first = start + 1
    if length == 1:
        return f"{first}"
    if not length:
        first -= 1
    return f"{first},{length}"


def _body(prefix: str, lines: Iterable[bytes]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if line.endswith(b"\n"):
            out.append(prefix + _text(line[:-1]))
        else:
            out.extend((prefix + _text(line), NO_NEWLINE))
    return out


def _hunks(before: list[bytes], after: list[bytes], groups: list[list[Opcode]]) -> list[Hunk]:
    hunks: list[Hunk] = []
    for index, group in enumerate(groups):
        first, last = group[0], group[-1]
        header = f"@@ -{_range(first[1], last[2] - first[1])} +{_range(first[3], last[4] - first[3])} @@"
        lines: list[str] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(_body(" ", before[i1:i2]))
                continue
            lines.extend(_body("-", before[i1:i2]))
            lines.extend(_body("+", after[j1:j2]))
        hunks.append(Hunk(index=index, header=header, lines=tuple(lines)))
    return hunks


def file_hunks(edit: FileEdit, context: int = 3) -> list[Hunk]:
    """The hunks of one file's diff, numbered from 0 in file order."""
    before, after = split_lines(edit.before), split_lines(edit.after)
    return _hunks(before, after, _groups(before, after, context))


def select_hunks(edit: FileEdit, keep: Collection[int], context: int = 3) -> FileEdit:
    """`edit` with only the hunks numbered in `keep` applied to `before` (as `file_hunks` numbers them).

    A created file stays created only if its hunk is kept, a deleted file stays
    deleted only if all of its hunks are; otherwise the side it would lose is
    kept as it was.
    """
    before, after = split_lines(edit.before), split_lines(edit.after)
    groups = _groups(before, after, context)
    chosen = {index for index in keep if 0 <= index < len(groups)}
    if len(chosen) == len(groups):
        return edit
    if not chosen:
        return FileEdit(edit.path, edit.before, edit.before)
    out: list[bytes] = []
    position = 0  # how far into `before` the output has reached
    for index, group in enumerate(groups):
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                continue
            out.extend(before[position:i1])
            out.extend(after[j1:j2] if index in chosen else before[i1:i2])
            position = i2
    out.extend(before[position:])
    content = b"".join(out)
    if edit.before is None and not content:
        # Nothing of the new file chosen: it is still not there.
        return FileEdit(edit.path, None, None)
    return FileEdit(edit.path, edit.before, content)


def unified_diff(edits: Sequence[FileEdit], context: int = 3) -> str:
    """A git-style unified diff of `edits` (a/ and b/ prefixes, /dev/null for created or deleted files)."""
    parts: list[str] = []
    for edit in edits:
        if edit.before == edit.after:
            continue
        parts.append(f"diff --git a/{edit.path} b/{edit.path}\n")
        if edit.before is None:
            parts.append("new file mode 100644\n")
        elif edit.after is None:
            parts.append("deleted file mode 100644\n")
        hunks = file_hunks(edit, context)
        if not hunks:
            continue  # an empty file created or deleted: the header says it all
        parts.append(f"--- {DEV_NULL if edit.before is None else 'a/' + edit.path}\n")
        parts.append(f"+++ {DEV_NULL if edit.after is None else 'b/' + edit.path}\n")
        for hunk in hunks:
            parts.append(hunk.header + "\n")
            parts.extend(line + "\n" for line in hunk.lines)
    return "".join(parts)


def _encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")


def _hunk_sides(hunk: Any) -> tuple[list[bytes], list[bytes]]:
    """The lines a unidiff hunk expects (source) and leaves (target), with the no-newline markers applied."""
    source: list[bytes] = []
    target: list[bytes] = []
    last: list[list[bytes]] = []
    for line in hunk:
        kind, value = line.line_type, _encode(line.value)
        if kind == "\\":
            for side in last:
                if side and side[-1].endswith(b"\n"):
                    side[-1] = side[-1][:-1]
            continue
        if not value.endswith(b"\n"):
            value += b"\n"  # the diff text itself ended without a newline
        if kind in (" ", "-"):
            source.append(value)
        if kind in (" ", "+"):
            target.append(value)
        last = [source, target] if kind == " " else [source] if kind == "-" else [target]
    return source, target


def _find(lines: list[bytes], want: list[bytes], start: int, floor: int) -> int | None:
    """Where `want` occurs in `lines` at or after `floor`, nearest to `start` (git apply's offset search)."""
    size = len(want)
    top = len(lines) - size
    if top < floor:
        return None
    start = min(max(start, floor), top)
    for distance in range(max(start - floor, top - start) + 1):
        for at in (start - distance, start + distance):
            if floor <= at <= top and lines[at : at + size] == want:
                return at
    return None


def _apply(path: str, current: bytes | None, hunks: Any) -> bytes:
    lines = split_lines(current)
    out: list[bytes] = []
    position = 0
    for number, hunk in enumerate(hunks, 1):
        source, target = _hunk_sides(hunk)
        # source_start counts from 1; a hunk with no source lines names the line it follows.
        start = hunk.source_start - 1 if hunk.source_length else hunk.source_start
        at = _find(lines, source, start, position)
        if at is None:
            raise PatchError(f"{path}: hunk {number} ({_header(hunk)}) does not match the file as it is")
        out.extend(lines[position:at])
        out.extend(target)
        position = at + len(source)
    out.extend(lines[position:])
    return b"".join(out)


def _header(hunk: Any) -> str:
    return f"@@ -{hunk.source_start},{hunk.source_length} +{hunk.target_start},{hunk.target_length} @@"


def _strip(name: str) -> str:
    return name[2:] if name[:2] in ("a/", "b/") else name


def edits_from_diff(text: str, read: Callable[[str], bytes | None]) -> tuple[FileEdit, ...]:
    """The edits a unified diff makes to the files as `read(path)` returns them now (None: no such file).

    Every hunk must apply exactly: its context and removed lines must be in the
    file as they are (at the stated line or, as `git apply` allows, shifted).
    Any problem raises `PatchError` naming the file and the hunk.
    """
    # Only the model fixer reads diffs: a run that never does pays nothing for the import.

    try:
        patch_set = PatchSet(text)
    except UnidiffParseError as error:
        raise PatchError(f"cannot read the diff: {error}") from None
    if not len(patch_set):
        raise PatchError("the diff changes no file")
    order: list[str] = []
    original: dict[str, bytes | None] = {}
    current: dict[str, bytes | None] = {}
    for patched in patch_set:
        source, target = patched.source_file or "", patched.target_file or ""
        if patched.is_binary_file:
            raise PatchError(f"{patched.path}: binary diffs are not supported")
        if source != DEV_NULL and target != DEV_NULL and _strip(source) != _strip(target):
            raise PatchError(f"{_strip(source)}: renames are not supported (-> {_strip(target)})")
        path = _strip(target if source == DEV_NULL else source)
        if not path:
            raise PatchError("the diff names no file")
        if path not in current:
            order.append(path)
            original[path] = current[path] = read(path)
        content = current[path]
        # By the /dev/null names only: unidiff also calls a hunk "@@ -0,0" into an empty file an addition.
        created, deleted = source == DEV_NULL, target == DEV_NULL
        if created and content is not None:
            raise PatchError(f"{path}: the diff creates it, but it already exists")
        if not created and content is None:
            raise PatchError(f"{path}: no such file")
        result = _apply(path, content, patched)
        if deleted:
            if result:
                raise PatchError(f"{path}: the diff deletes it, but does not remove all of its lines")
            current[path] = None
        else:
            current[path] = result
    return tuple(FileEdit(path, original[path], current[path]) for path in order if original[path] != current[path])
