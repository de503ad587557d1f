"""Where a patch's newly imported names are used: a failure there is the patch's own, not one it uncovered.

When a fix lets a module be collected for the first time, what its tests then
find is reported as uncovered rather than held against the fix. Not when the
failure is on a line that reads a name the fix itself imported: `from json
import loads` where `pickle.loads` was meant makes the very line that needed
`loads` fail in a new way (measured on toolz: applied, and the suite stayed red).
"""

from __future__ import annotations

import ast
import io
import tokenize

from healer.patch.patch import Patch


def imported_names(before: bytes | None, after: bytes | None) -> set[str]:
    """The names the module-level imports of `after` bind that those of `before` did not."""
    return _bound(after) - _bound(before)


def uses_new_import(patch: Patch, file: str | None, line: int | None) -> bool:
    """Whether `file:line` (repository-relative) reads a name the patch imports into that file."""
    if file is None or line is None:
        return False
    for edit in patch.edits:
        if edit.path != file or edit.after is None or not edit.path.endswith((".py", ".pyi")):
            continue
        names = imported_names(edit.before, edit.after)
        return bool(names) and bool(names & _names_on(edit.after, line))
    return False


def _bound(source: bytes | None) -> set[str]:
    if source is None:
        return set()
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    bound: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names if alias.name != "*")
    return bound


def _names_on(source: bytes, line: int) -> set[str]:
    try:
        text = source.decode("utf-8")
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (UnicodeDecodeError, tokenize.TokenError, SyntaxError):
        return set()
    return {t.string for t in tokens if t.type == tokenize.NAME and t.start[0] <= line <= t.end[0]}
