"""Rows of text in columns that line up whatever they hold: widths come from the content, measured in
terminal cells (a CJK character takes two, a combining accent none), not fixed in advance."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len

from healer.render.text import clean_line

GAP = "  "
INDENT = "  "
CELL_LIMIT = 200
"""Characters a cell keeps: a name from an imported knowledge base must not push every other row aside."""


def pad(text: str, width: int, align: str) -> str:
    room = " " * max(0, width - cell_len(text))
    return room + text if align == ">" else text + room


def columns(rows: Sequence[Sequence[str]], align: str) -> list[str]:
    """Each row as one line, column i padded to its widest cell and aligned by `align[i]` ("<" or ">")."""
    if not rows:
        return []
    # Tabs and control characters would make a cell's width on screen differ from what is measured.
    rows = [[clean_line(cell, CELL_LIMIT).replace("\t", " ") for cell in row] for row in rows]
    widths = [max(cell_len(row[i]) for row in rows) for i in range(len(align))]
    return [
        (
            INDENT + GAP.join(pad(cell, width, side) for cell, width, side in zip(row, widths, align, strict=True))
        ).rstrip()
        for row in rows
    ]
