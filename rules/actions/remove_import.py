"""remove-import: delete an unused import that the linter has no fix for (a package's `__init__.py`).

ruff offers no fix for F401 in `__init__.py` (an import there may be a
re-export), so `import sys` added to a package and never used stays red. This
action removes the reported name: the whole statement when it binds only that
name, else the name from its `from ... import` list. What it removes decides
the safety, so two rules use it: a standard-library module or name is nobody's
public API, so its removal is safe (param `names = "stdlib"`, the default); a
project or third-party name imported into a package may be what users import
from it, so that removal is for a person to review (`names = "other"`).

Like the tool's fixer, it leaves the import while an undefined name in the
file is one slip from it: the rename is the fix (healer.diagnostics.symbols).
"""

from __future__ import annotations

import ast
import re
import sys

from healer.diagnostics.symbols import typo_targets, unused_import
from healer.patch.patch import FileEdit
from healer.rules.context import ActionContext
from healer.rules.outcome import Proposal

_LINE_END = re.compile(rb"\r?\n")


def run(ctx: ActionContext) -> Proposal | None:
    diagnostic = ctx.diagnostic
    name = unused_import(diagnostic.message)
    if name is None or diagnostic.file is None or diagnostic.line is None:
        return None
    if typo_targets(ctx.diagnostics, diagnostic.file):
        return None
    source = ctx.read(diagnostic.file)
    if source is None:
        return None
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    statement = _statement_at(tree, diagnostic.line)
    if statement is None:
        return None
    kept = [alias for alias in statement.names if _binds(alias) != name]
    if len(kept) == len(statement.names):
        return None
    if _from_stdlib(statement) != (ctx.params.get("names", "stdlib") == "stdlib"):
        return None
    after = _rewritten(source, statement, kept)
    if after is None:
        return None
    return Proposal(title=f"remove the unused import of `{name}`", edits=(FileEdit(diagnostic.file, source, after),))


def _statement_at(tree: ast.Module, line: int) -> ast.Import | ast.ImportFrom | None:
    # Only module-level imports: one inside a function or a `try:` is someone's deliberate choice.
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom) and node.lineno <= line <= (node.end_lineno or node.lineno):
            return node
    return None


def _binds(alias: ast.alias) -> str:
    return alias.asname or alias.name.split(".")[0]


def _from_stdlib(statement: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(statement, ast.ImportFrom):
        return statement.level == 0 and (statement.module or "").split(".")[0] in sys.stdlib_module_names
    return all(alias.name.split(".")[0] in sys.stdlib_module_names for alias in statement.names)


def _rewritten(source: bytes, statement: ast.Import | ast.ImportFrom, kept: list[ast.alias]) -> bytes | None:
    lines = source.splitlines(keepends=True)
    first, last = statement.lineno - 1, (statement.end_lineno or statement.lineno) - 1
    head = lines[first][: statement.col_offset]
    tail_line = lines[last]
    end_column = _byte_column(tail_line, statement.end_col_offset)
    tail = tail_line[end_column:]
    if head.strip() or tail.strip(b" \t\r\n").startswith(b";"):
        return None  # `x = 1; import y` or `import y; x = 1`: not a layout worth guessing at
    if not kept:
        replacement: list[bytes] = []
    else:
        newline = _LINE_END.search(tail_line)
        ending = newline.group(0) if newline else b"\n"
        text = _statement_text(statement, kept).encode()
        replacement = [head + text + tail.rstrip(b"\r\n") + ending]
    return b"".join([*lines[:first], *replacement, *lines[last + 1 :]])


def _byte_column(line: bytes, column: int | None) -> int:
    # ast columns count UTF-8 bytes already; None only for synthetic nodes.
    return len(line) if column is None else column


def _statement_text(statement: ast.Import | ast.ImportFrom, kept: list[ast.alias]) -> str:
    names = ", ".join(alias.name if alias.asname is None else f"{alias.name} as {alias.asname}" for alias in kept)
    if isinstance(statement, ast.Import):
        return f"import {names}"
    return f"from {'.' * statement.level}{statement.module or ''} import {names}"
