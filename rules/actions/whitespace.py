"""whitespace: trailing whitespace, a missing final newline, mixed line endings, in the reported file only.

What to fix comes from the diagnostic (W291/W293 trailing whitespace, W292
missing final newline, a message about mixed line endings, pre-commit-hooks'
`Fixing <file>` under its hook id); param `fix` (a list of "trailing",
"final-newline", "line-endings") narrows or overrides that. Trailing
whitespace is removed on the reported line only, or in the whole file with
`scope = "file"` (or when no line is reported, as with pre-commit-hooks).
Work is done on bytes, so every other byte (encoding, line endings, form
feeds inside lines) stays as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from healer.patch.patch import FileEdit
from healer.rules.context import ActionContext
from healer.rules.outcome import Proposal

TRAILING = "trailing"
FINAL_NEWLINE = "final-newline"
LINE_ENDINGS = "line-endings"
KINDS = (TRAILING, FINAL_NEWLINE, LINE_ENDINGS)
_TITLES = {
    TRAILING: "trailing whitespace",
    FINAL_NEWLINE: "the missing final newline",
    LINE_ENDINGS: "mixed line endings",
}

_CODES = {"W291": TRAILING, "W293": TRAILING, "W292": FINAL_NEWLINE}
_MESSAGES = (
    (re.compile(r"trailing whitespace|blank line contains whitespace|whitespace at end of line", re.I), TRAILING),
    (
        re.compile(r"no newline at end of file|missing (?:final |trailing )?newline|final newline missing", re.I),
        FINAL_NEWLINE,
    ),
    (re.compile(r"mixed line endings?|inconsistent line endings?|line endings? (?:are )?mixed", re.I), LINE_ENDINGS),
)
# pre-commit-hooks print only `Fixing <file>`, so the hook id above it says what was wrong;
# `<file>: mixed line endings` says it alone.
_HOOKS = {"trailing-whitespace": TRAILING, "end-of-file-fixer": FINAL_NEWLINE, "mixed-line-ending": LINE_ENDINGS}
_HOOK_ID = re.compile(r"- hook id: (?P<hook>\S+)")
_FIXING = re.compile(r"Fixing (?P<file>.+)")
_MIXED = re.compile(r"(?P<file>.+): (?:fixed )?mixed line endings")

_NEWLINE = re.compile(rb"\r\n|\r|\n")
_BLANKS = b" \t\x0b\x0c"
# Ties go to LF, as pre-commit-hooks' mixed-line-ending does.
_PREFERENCE = (b"\n", b"\r\n", b"\r")


def run(ctx: ActionContext) -> Proposal | None:
    targets = _targets(ctx)
    wanted = _param_kinds(ctx.params.get("fix"))
    whole_file = ctx.params.get("scope") == "file"
    edits: list[FileEdit] = []
    done: set[str] = set()
    for path, kinds in targets.items():
        kinds = [kind for kind in kinds if wanted is None or kind in wanted] if kinds else list(wanted or ())
        before = ctx.read(path)
        if not kinds or before is None or _is_utf16(before):
            continue
        line = ctx.diagnostic.line if path == ctx.diagnostic.file and not whole_file else None
        after = _fix(before, kinds, line)
        if after != before:
            edits.append(FileEdit(path=path, before=before, after=after))
            done.update(kinds)
    if not edits:
        return None
    names = " and ".join(_TITLES[kind] for kind in KINDS if kind in done)
    where = edits[0].path if len(edits) == 1 else f"{len(edits)} files"
    return Proposal(title=f"fix {names} in {where}", edits=tuple(edits))


def _targets(ctx: ActionContext) -> dict[str, list[str]]:
    """Each file to fix with what is wrong in it (empty: unknown, the params decide)."""
    diagnostic = ctx.diagnostic
    if diagnostic.file is not None:
        found = {diagnostic.file: _kinds_of(diagnostic.code, diagnostic.message)}
    else:
        found = _from_hooks(ctx.output)
    # Tools' output is only text: a path that leaves the repository is no file of its.
    return {path: kinds for path, kinds in found.items() if not path.startswith("/") and ".." not in path.split("/")}


def _kinds_of(code: str | None, message: str) -> list[str]:
    if code in _CODES:
        return [_CODES[code]]
    return [kind for pattern, kind in _MESSAGES if pattern.search(message)][:1]


def _from_hooks(output: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    hook: str | None = None
    for row in output.splitlines():
        row = row.strip()
        if (match := _HOOK_ID.fullmatch(row)) is not None:
            hook = match["hook"]
            continue
        if (match := _MIXED.fullmatch(row)) is not None:
            found.setdefault(match["file"], []).append(LINE_ENDINGS)
        elif (kind := _HOOKS.get(hook or "")) is not None and (match := _FIXING.fullmatch(row)) is not None:
            found.setdefault(match["file"], []).append(kind)
    return found


def _param_kinds(value: object) -> set[str] | None:
    if value is None:
        return None
    names = [value] if isinstance(value, str) else value if isinstance(value, Sequence) else []
    return {name for name in names if name in KINDS}


def _is_utf16(data: bytes) -> bool:
    # Byte-level edits would cut UTF-16/32 characters in half.
    return data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:1024]


def _lines(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(content, ending) per line; the last ending is b"" when the file does not end with one."""
    start = 0
    for match in _NEWLINE.finditer(data):
        yield data[start : match.start()], match.group()
        start = match.end()
    if start < len(data):
        yield data[start:], b""


def _fix(data: bytes, kinds: Sequence[str], line: int | None) -> bytes:
    rows = list(_lines(data))
    if TRAILING in kinds:
        rows = [
            (content.rstrip(_BLANKS), ending) if line is None or number == line else (content, ending)
            for number, (content, ending) in enumerate(rows, start=1)
        ]
    majority = _majority(rows)
    if LINE_ENDINGS in kinds:
        rows = [(content, majority if ending else b"") for content, ending in rows]
    if FINAL_NEWLINE in kinds and rows and not rows[-1][1]:
        rows[-1] = (rows[-1][0], majority)
    return b"".join(content + ending for content, ending in rows)


def _majority(rows: Sequence[tuple[bytes, bytes]]) -> bytes:
    counts = {ending: 0 for ending in _PREFERENCE}
    for _, ending in rows:
        if ending:
            counts[ending] += 1
    return max(_PREFERENCE, key=lambda ending: counts[ending])
