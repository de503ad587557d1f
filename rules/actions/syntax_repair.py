"""syntax-repair: a SyntaxError with exactly one obvious repair, proven by compiling the result.

Two repairs are tried: a `:` after a block header (`if x`, `def f()`, `else`,
...), and the missing closers after a bracket left open on a line (`print(foo`),
placed at the end of that line or of one of the next few. The place comes from
compiling the file in-process, whatever tool reported it (ruff names the line
after an unclosed bracket, Python the bracket itself). A repair counts only if
the file then compiles, or its first error moves past the repaired line; if
none or several count, nothing is proposed: a guess is not a fix.
"""

from __future__ import annotations

import io
import tokenize
import warnings
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from healer.patch.patch import FileEdit
from healer.rules.actions.conflict_markers import find_blocks
from healer.rules.context import ActionContext
from healer.rules.outcome import Proposal

_HEADERS = frozenset({"if", "elif", "else", "for", "while", "with", "try", "except", "finally", "def", "class"})
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = frozenset(_PAIRS.values())
_SKIP = frozenset(
    {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
)
_LOOKAHEAD = 3
"""How many lines after an unclosed bracket a closer may go."""


class _Candidate(NamedTuple):
    row: int
    column: int
    insert: str
    title: str


def run(ctx: ActionContext) -> Proposal | None:
    path = ctx.diagnostic.file
    if path is None or not path.endswith((".py", ".pyi")) or path.startswith("/") or ".." in path.split("/"):
        return None
    data = ctx.read(path)
    if data is None or find_blocks(data):
        return None  # merge conflict markers are for a person, not for a repair
    encoding = _encoding(data)
    if encoding is None:
        return None
    text = data.decode(encoding)
    error = _first_error(data)
    if error is None:
        return None
    rows = io.StringIO(text).readlines()
    passing: dict[bytes, _Candidate] = {}
    for candidate in _candidates(text, error):
        repaired = _apply(rows, candidate).encode(encoding)
        if repaired not in passing and _proven(repaired, past=max(candidate.row, error)):
            passing[repaired] = candidate
    if len(passing) != 1:
        return None
    after, candidate = next(iter(passing.items()))
    return Proposal(title=candidate.title, edits=(FileEdit(path=path, before=data, after=after),))


def _encoding(data: bytes) -> str | None:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        # Only an exact round trip keeps every other byte of the file as it was.
        return encoding if data.decode(encoding).encode(encoding) == data else None
    except (SyntaxError, LookupError, UnicodeError):
        return None


def _first_error(data: bytes) -> int | None:
    """The line of the first syntax error, None when the file compiles (or the error has no line)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes and the like are not our business
            compile(data, "<syntax-repair>", "exec", dont_inherit=True)
    except SyntaxError as error:
        return error.lineno or None
    except ValueError:
        return None  # null bytes: not Python source
    return None


def _proven(repaired: bytes, past: int) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(repaired, "<syntax-repair>", "exec", dont_inherit=True)
    except SyntaxError as error:
        return error.lineno is not None and error.lineno > past
    except ValueError:
        return False
    return True


def _tokens(text: str) -> list[tokenize.TokenInfo]:
    # Broken source is expected here: keep what was read before the tokenizer gave up.
    found: list[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            found.append(token)
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def _candidates(text: str, error: int) -> Iterator[_Candidate]:
    tokens = _tokens(text)
    window = range(max(1, error - 1), error + 1)
    yield from _colons(tokens, window)
    for row in window:
        yield from _closers(tokens, row)


def _logical_lines(tokens: Sequence[tokenize.TokenInfo]) -> Iterator[list[tokenize.TokenInfo]]:
    line: list[tokenize.TokenInfo] = []
    for token in tokens:
        if token.type == tokenize.NEWLINE:
            yield line
            line = []
        elif token.type not in _SKIP:
            line.append(token)
    if line:
        yield line


def _colons(tokens: Sequence[tokenize.TokenInfo], window: range) -> Iterator[_Candidate]:
    for line in _logical_lines(tokens):
        words = [token.string for token in line[:2]]
        keyword = words[1] if words[:1] == ["async"] and len(words) > 1 else words[0]
        last = line[-1]
        if keyword in _HEADERS and last.string != ":" and last.end[0] in window:
            row, column = last.end
            yield _Candidate(row, column, ":", f"add the missing ':' after the `{keyword}` header on line {row}")


def _closers(tokens: Sequence[tokenize.TokenInfo], row: int) -> Iterator[_Candidate]:
    """The closers for brackets opened and left open on `row`, at the end of `row` or of a following line."""
    stack: list[str] = []
    for token in tokens:
        if token.start[0] != row or token.type != tokenize.OP:
            continue
        if token.string in _PAIRS:
            stack.append(token.string)
        elif token.string in _CLOSERS and (not stack or _PAIRS[stack.pop()] != token.string):
            return  # a mismatch is not a bracket left open
    if not stack:
        return
    closers = "".join(_PAIRS[opener] for opener in reversed(stack))
    ends = _line_ends(tokens)
    for target in range(row, row + _LOOKAHEAD + 1):
        if target in ends:
            name = "".join(stack)
            where = f"line {target}" if target == row else f"line {target} (opened on line {row})"
            yield _Candidate(target, ends[target], closers, f"close `{name}` at the end of {where}")


def _line_ends(tokens: Sequence[tokenize.TokenInfo]) -> dict[int, int]:
    """Per line, the column after its last significant token (before any comment)."""
    ends: dict[int, int] = {}
    for token in tokens:
        if token.type not in _SKIP and token.start[0] == token.end[0]:
            ends[token.end[0]] = max(ends.get(token.end[0], 0), token.end[1])
    return ends


def _apply(rows: Sequence[str], candidate: _Candidate) -> str:
    copy = list(rows)
    line = copy[candidate.row - 1]
    copy[candidate.row - 1] = line[: candidate.column] + candidate.insert + line[candidate.column :]
    return "".join(copy)
