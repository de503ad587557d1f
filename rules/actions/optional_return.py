"""mypy return-value "got "X | None", expected "X"": the function can return None, so say so in its signature.

Widening the annotation is one of two honest fixes (the other is to stop
returning None, which changes behaviour); it is classed for review, and
verification reruns the type checker, so callers that relied on the narrower
type show up as new errors and fail the candidate.
"""

from __future__ import annotations

import ast
import re

from healer.patch.patch import FileEdit
from healer.rules.context import ActionContext
from healer.rules.outcome import Proposal

_MESSAGE = re.compile(r'got "(?P<got>.+)", expected "(?P<expected>.+)"\)')


def run(ctx: ActionContext) -> Proposal | None:
    diagnostic = ctx.diagnostic
    found = _MESSAGE.search(diagnostic.message)
    if found is None or diagnostic.file is None or diagnostic.line is None:
        return None
    got, expected = found["got"], found["expected"]
    if not _is_optional_of(got, expected):
        return None
    data = ctx.read(diagnostic.file)
    if data is None:
        return None
    try:
        text = data.decode("utf-8")
        tree = ast.parse(text)
    except (UnicodeDecodeError, SyntaxError):
        return None
    function = _enclosing_function(tree, diagnostic.line)
    if function is None or function.returns is None:
        return None
    returns = function.returns
    if returns.end_lineno != returns.lineno or returns.end_col_offset is None:
        return None  # an annotation over several lines: leave it to a person
    lines = text.splitlines(keepends=True)
    line = lines[returns.lineno - 1]
    start, end = _byte_to_char(line, returns.col_offset), _byte_to_char(line, returns.end_col_offset)
    annotation = line[start:end]
    if _short(annotation) != _short(expected):
        return None  # mypy names the type fully qualified or differently; do not guess
    lines[returns.lineno - 1] = f"{line[:start]}{annotation} | None{line[end:]}"
    after = "".join(lines).encode("utf-8")
    title = f"{function.name}() can return None: annotate it as {annotation} | None"
    return Proposal(title, (FileEdit(diagnostic.file, data, after),))


def _is_optional_of(got: str, expected: str) -> bool:
    parts = [part.strip() for part in got.split("|")]
    if "None" in parts and len(parts) == 2:
        other = parts[0] if parts[1] == "None" else parts[1]
        return other == expected
    return got == f"Optional[{expected}]"


def _short(name: str) -> str:
    # mypy may print "inventory.stock.Item" where the source says "Item".
    return re.sub(r"\s+", "", name).rsplit(".", 1)[-1].strip("\"'")


def _enclosing_function(tree: ast.AST, line: int) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    best: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            end = node.end_lineno or node.lineno
            if node.lineno <= line <= end and (best is None or node.lineno > best.lineno):
                best = node
    return best


def _byte_to_char(line: str, offset: int) -> int:
    # ast column offsets count UTF-8 bytes.
    return len(line.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))
