"""A review as display lines: each file's hunks with line numbers, syntax colours, the reviewer's marks.

Highlighting (the slow part) is done per file in a worker by `highlight_files`;
`render_review` (fast, on the UI thread) only slices those lines and adds the
markers. Until the highlighting arrives the lines show plain, never blocked.
The marks are characters as well as colours ("[y]", "-", "+", "▶"), so the
review reads the same without colour (NO_COLOR).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from rich.style import Style
from rich.text import Text

from healer.patch.diff import NO_NEWLINE
from healer.patch.patch import FileEdit, Patch
from healer.tui.highlight import highlight_lines
from healer.tui.review.hunks import ReviewHunk
from healer.tui.review.state import PatchReview

ADDED = Style(bgcolor="#10301a")
REMOVED = Style(bgcolor="#3a1414")
_MARKS = {True: "[y]", False: "[n]", None: "[ ]"}


class FileLines(NamedTuple):
    before: list[Text]
    after: list[Text]


Highlights = Mapping[tuple[str, int, int], FileLines]


def file_key(edit: FileEdit) -> tuple[str, int, int]:
    return (edit.path, hash(edit.before), hash(edit.after))


def _decode(data: bytes | None) -> str:
    return "" if data is None else data.decode("utf-8", "replace")


def highlight_files(patch: Patch) -> dict[tuple[str, int, int], FileLines]:
    """Every file of `patch`, both sides, highlighted (call in a worker)."""

    return {
        file_key(edit): FileLines(
            highlight_lines(_decode(edit.before), edit.path), highlight_lines(_decode(edit.after), edit.path)
        )
        for edit in patch.edits
    }


class DiffLines(NamedTuple):
    lines: list[Text]
    fills: list[Style | None]
    anchors: list[int]
    """For each hunk of the review, the index of its header line."""


def _code(line: str, number: int | None, side: list[Text] | None) -> Text:
    if side is not None and number is not None and 0 < number <= len(side):
        highlighted = side[number - 1]
        if highlighted.plain == line:
            return highlighted.copy()
    return Text(line)


def _hunk_lines(
    hunk: ReviewHunk, highlighted: FileLines | None, fill_dim: bool
) -> tuple[list[Text], list[Style | None]]:
    lines: list[Text] = []
    fills: list[Style | None] = []
    for text, (old, new) in zip(hunk.lines, hunk.line_numbers(), strict=True):
        sign, body = text[:1], text[1:]
        if text == NO_NEWLINE:
            lines.append(Text(f"{'':>10}{text}", style="dim"))
            fills.append(None)
            continue
        gutter = f"{'' if old is None else old:>4} {'' if new is None else new:>4} "
        if sign == "-":
            code = _code(body, old, highlighted.before if highlighted else None)
            fill: Style | None = REMOVED
            mark = Text("-", style="bold red")
        elif sign == "+":
            code = _code(body, new, highlighted.after if highlighted else None)
            fill = ADDED
            mark = Text("+", style="bold green")
        else:
            code = _code(body, new, highlighted.after if highlighted else None)
            fill = None
            mark = Text(" ")
        line = Text.assemble(Text(gutter, style="dim"), mark, " ", code)
        if fill is not None:
            line.stylize(fill)
        if fill_dim:
            line.stylize("dim")
        lines.append(line)
        fills.append(fill)
    return lines, fills


Cache = dict[int, tuple[ReviewHunk, bool | None, bool, list[Text], list[Style | None]]]
"""Each hunk's rendered lines, by the hunk's identity: a keypress re-renders only the hunks it changed."""


def render_review(review: PatchReview, highlights: Highlights, cache: Cache | None = None) -> DiffLines:
    lines: list[Text] = []
    fills: list[Style | None] = []
    anchors: list[int] = [0] * len(review.hunks)
    edits = {edit.path: edit for edit in review.patch.edits}
    path: str | None = None
    for index, hunk in enumerate(review.hunks):
        if hunk.path != path:
            path = hunk.path
            edit = edits.get(path)
            what = ""
            if edit is not None and edit.created:
                what = " (new file)"
            elif edit is not None and edit.deleted:
                what = " (deleted)"
            if lines:
                lines.append(Text(""))
                fills.append(None)
            lines.append(Text(f"── {path}{what}", style="bold"))
            fills.append(None)
        decision = review.decisions[index]
        current = index == review.cursor and not review.done
        anchors[index] = len(lines)
        pointer = "▶" if current else " "
        header = Text.assemble(
            Text(f"{pointer} ", style="bold"),
            Text(_MARKS[decision], style="bold green" if decision else "bold red" if decision is False else "bold"),
            " ",
            Text(hunk.whole_file or hunk.header, style="cyan"),
        )
        if current and hunk.splittable:
            header.append(f"  (s splits it into {len(hunk.changes)})", style="dim")
        if current:
            header.stylize("reverse", 0, 1)
        lines.append(header)
        fills.append(None)
        edit = edits.get(hunk.path)
        highlighted = highlights.get(file_key(edit)) if edit is not None else None
        kept = cache.get(id(hunk)) if cache is not None else None
        if kept is not None and kept[0] is hunk and kept[1] == decision and kept[2] == (highlighted is not None):
            body, body_fills = kept[3], kept[4]
        else:
            body, body_fills = _hunk_lines(hunk, highlighted, decision is False)
            if cache is not None:
                cache[id(hunk)] = (hunk, decision, highlighted is not None, body, body_fills)
        lines.extend(body)
        fills.extend(body_fills)
    if not review.hunks:
        lines.append(Text("this fix changes nothing any more (your edit removed every change)", style="dim"))
        fills.append(None)
    return DiffLines(lines, fills, anchors)
