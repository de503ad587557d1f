"""A scrollable view of prepared diff lines (line API: only the visible lines are rendered, each once).

The lines come ready-made (rich Text with syntax colours and markers, see
healer.tui.review.render); this widget only crops and scrolls them, so a
ruff-format patch of thousands of lines scrolls as fast as a short one.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


class DiffView(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    DiffView { background: $surface; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: Sequence[Text] = ()
        self._fills: Sequence[Style | None] = ()
        self._strips: dict[int, Strip] = {}

    def show(self, lines: Sequence[Text], fills: Sequence[Style | None], focus: int | None = None) -> None:
        self._lines, self._fills = lines, fills
        self._strips.clear()
        width = max((line.cell_len for line in lines), default=0)
        self.virtual_size = Size(width, len(lines))
        self.refresh()
        if focus is not None:
            self.reveal(focus)

    def reveal(self, line: int) -> None:
        """Scroll so that `line` is near the top, with a little of what comes before it."""
        self.scroll_to(y=max(0, line - 2), animate=False, immediate=True)

    @property
    def plain_lines(self) -> list[str]:
        return [line.plain for line in self._lines]

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        strip = self._strips.get(index)
        if strip is None:
            segments = [
                Segment(s.text, base + s.style if s.style else base)
                for s in self._lines[index].render(self.app.console)
            ]
            strip = Strip(segments)
            self._strips[index] = strip
        fill = self._fills[index] if index < len(self._fills) else None
        return strip.crop_extend(scroll_x, scroll_x + width, base + fill if fill else base)
