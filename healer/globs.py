"""Matching repository paths against the `inputs` globs of a stage.

Semantics follow .gitignore, which users already know: a pattern without a
slash matches a file name at any depth (`*.py`), a pattern with a slash is
anchored at the repository root (`src/*.py`), and `**` spans folders
(`src/**/*.py`, `**/conftest.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache


def _translate(pattern: str) -> str:
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.lstrip("/")
    if pattern.endswith("/"):
        pattern += "**"
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(char))
                i += 1
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    body = "".join(out)
    return body if anchored else f"(?:.*/)?{body}"


@lru_cache(maxsize=256)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    # DOTALL: a file name may contain a newline, and `*` must still match it.
    return re.compile("(?:" + "|".join(_translate(p) for p in patterns) + r")\Z", re.DOTALL)


def check(pattern: str) -> str | None:
    """Why `pattern` is not a usable glob, or None when it is."""
    if not pattern.strip():
        return "an empty pattern matches nothing"
    try:
        re.compile(_translate(pattern))
    except re.error as error:
        return f"invalid pattern {pattern!r}: {error}"
    return None


def matcher(patterns: Iterable[str]) -> Callable[[str], bool]:
    """A predicate for repository-relative POSIX paths; no patterns match everything."""
    key = tuple(patterns)
    if not key:
        return lambda _path: True
    regex = _compiled(key)
    return lambda path: regex.match(path) is not None
