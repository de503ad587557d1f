"""conflict-markers: a merge left `<<<<<<<`/`=======`/`>>>>>>>` lines in a file; say where, never resolve.

Which side to keep is a decision only a person can make, so the result is a
Report naming every conflict block of the file, never a Proposal. The
diagnostic (any tool's: a SyntaxError at a marker, ruff's "Expected a
statement", pre-commit's "Merge conflict string ... found") only has to point
into the file, at or inside a block; a file without markers yields None.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from healer.rules.context import ActionContext
from healer.rules.outcome import Report

KIND = "conflict-markers"

# Seven characters then a space or the end of the line, as git writes them; a
# `=======` line alone is also an reStructuredText underline, so blocks start at `<<<<<<<`.
_START = re.compile(rb"<{7}(?: .*)?")
_END = re.compile(rb">{7}(?: .*)?")


class Block(NamedTuple):
    start: int
    """1-based line of `<<<<<<<`."""
    end: int | None
    """1-based line of `>>>>>>>`; None when the block is never closed."""


def find_blocks(data: bytes) -> list[Block]:
    """Every conflict block in `data`, in order."""
    blocks: list[Block] = []
    start: int | None = None
    for number, row in enumerate(data.splitlines(), start=1):
        row = row.rstrip(b" \t")
        if _START.fullmatch(row):
            if start is not None:
                blocks.append(Block(start, None))
            start = number
        elif start is not None and _END.fullmatch(row):
            blocks.append(Block(start, number))
            start = None
    if start is not None:
        blocks.append(Block(start, None))
    return blocks


def run(ctx: ActionContext) -> Report | None:
    diagnostic = ctx.diagnostic
    if diagnostic.file is None:
        return None
    data = ctx.read(diagnostic.file)
    if data is None:
        return None
    blocks = find_blocks(data)
    if not blocks or not _points_into(diagnostic.line, blocks):
        return None
    file = diagnostic.file
    places = ", ".join(_place(file, block) for block in blocks)
    count = f"{len(blocks)} unresolved merge conflict{'s' if len(blocks) > 1 else ''}"
    message = f"{count} in {file}: {places}; choose the content to keep by hand and remove the markers"
    return Report(kind=KIND, message=message, file=file, line=blocks[0].start)


def _points_into(line: int | None, blocks: list[Block]) -> bool:
    if line is None:
        return True
    return any(block.start <= line and (block.end is None or line <= block.end) for block in blocks)


def _place(file: str, block: Block) -> str:
    if block.end is None:
        return f"{file}:{block.start} (never closed)"
    return f"{file}:{block.start} (to line {block.end})"
