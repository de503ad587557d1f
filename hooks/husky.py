"""healer's line in a husky 9 hook script (`.husky/pre-commit`, `.husky/pre-push`).

husky runs `.husky/NAME` with `sh -e` after the commands before it, so the line goes last: the
user's own commands run first (lint-staged may restage what it fixed) and a failure stops before
healer, as with any chained hook. The line is removed byte-exactly: appended after a final
newline it is `LINE\n`; after text without one it is `\nLINE` at the very end.
"""

from __future__ import annotations

import re
from pathlib import Path


def line(hook: str) -> str:
    return f'healer hook {hook} "$@"  # healer-hook v1 (`healer uninstall` removes this line)'


_EARLY_END = re.compile(rb"^\s*(exec|exit)\b", re.MULTILINE)


def has_line(data: bytes, hook: str) -> bool:
    return line(hook).encode() in data.splitlines()


def with_line(data: bytes, hook: str) -> bytes:
    ours = line(hook).encode()
    if not data or data.endswith(b"\n"):
        return data + ours + b"\n"
    return data + b"\n" + ours


def without_line(data: bytes, hook: str) -> bytes:
    ours = line(hook).encode()
    if data.endswith(b"\n" + ours):
        return data[: -len(ours) - 1]
    if data.startswith(ours + b"\n"):
        return data[len(ours) + 1 :]
    return data.replace(b"\n" + ours + b"\n", b"\n", 1)


def ends_early(data: bytes) -> bool:
    """True when the script may `exec` or `exit` before reaching a line appended at its end."""
    return bool(_EARLY_END.search(data))


def read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
