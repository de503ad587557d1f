"""The stages of the pipeline with their live status and duration: one row each, keyed by the stage's name."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import DataTable

from healer.tui.state import StageState, duration_text

_STYLES = {
    "running": "bold",
    "passed": "green",
    "failed": "bold red",
    "error": "bold red",
    "skipped": "dim",
    "cancelled": "yellow",
    "pending": "dim",
}
# The status column holds "failed (cached)", the longest status there is.
_COLUMNS = (("", "icon", 1), ("stage", "stage", 0), ("status", "status", 15), ("time", "time", 7))


class StageTable(DataTable[Text]):
    DEFAULT_CSS = """
    StageTable { height: auto; max-height: 100%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, show_row_labels=False)
        self._names: tuple[str, ...] = ()

    def show_stages(self, stages: Sequence[StageState]) -> None:
        names = tuple(stage.name for stage in stages)
        if names != self._names:
            selected = self.selected
            self.clear(columns=True)
            # Fixed widths: a duration growing from "9ms" to "1.2s" must not shift the table.
            width = max([5, *(len(name) for name in names)])
            for label, key, size in _COLUMNS:
                self.add_column(label, key=key, width=size or width)
            # Cells, their padding, the border and a scrollbar: as wide as the table needs, no wider.
            self.styles.width = sum(size or width for _l, _k, size in _COLUMNS) + 2 * len(_COLUMNS) + 3
            for stage in stages:
                self.add_row(*self._cells(stage), key=stage.name)
            self._names = names
            if selected in names:
                self.move_cursor(row=names.index(selected))
            return
        for stage in stages:
            self.update_stage(stage)

    def update_stage(self, stage: StageState) -> None:
        if stage.name not in self._names:
            return
        for (_label, key, _size), cell in zip(_COLUMNS, self._cells(stage), strict=True):
            self.update_cell(stage.name, key, cell)

    @staticmethod
    def _cells(stage: StageState) -> tuple[Text, Text, Text, Text]:
        style = _STYLES.get(stage.status, "")
        if stage.cached:
            # Not run just now: the outcome's colour without the emphasis of a fresh result.
            style = style.replace("bold ", "")
        return (
            Text(stage.icon, style=style),
            Text(stage.name),
            Text(stage.label, style=style),
            Text(duration_text(stage.elapsed()), justify="right"),
        )

    @property
    def selected(self) -> str | None:
        if not self._names or self.cursor_row < 0 or self.cursor_row >= len(self._names):
            return None
        return self._names[self.cursor_row]

    def select(self, name: str) -> None:
        if name in self._names:
            self.move_cursor(row=self._names.index(name))
