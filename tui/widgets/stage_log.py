"""One stage's output, streamed: lines arrive in batches and are written at most every 50 ms.

Writing is throttled because a stage can print far faster than anyone reads:
whatever arrived since the last write goes out in one `write_lines` call (the
fast path: ~12 µs a line), and never more than the log keeps. The log keeps
the last `LIMIT` lines; its title says when earlier ones were left out.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import Log

from healer.tui.logbuffer import LIMIT

FLUSH_SECONDS = 0.05


class StageLog(Log):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(max_lines=LIMIT, auto_scroll=True, id=id)
        self.stage: str | None = None
        self._pending: list[str] = []
        self._total = 0

    def on_mount(self) -> None:
        self.set_interval(FLUSH_SECONDS, self.flush)

    def show(self, stage: str | None, lines: Iterable[str], total: int, where: str | None = None) -> None:
        """Replace what is shown with `stage`'s kept lines (`total`: how many it printed in all)."""
        self.stage = stage
        self._pending.clear()
        self.clear()
        kept = list(lines)
        self._total = total
        self.write_lines(kept)
        self._title(where)

    def feed(self, lines: list[str]) -> None:
        self._pending.extend(lines)
        self._total += len(lines)
        if len(self._pending) > LIMIT:
            del self._pending[:-LIMIT]

    def flush(self) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        self.write_lines(batch)
        self._title(None)

    def _title(self, where: str | None) -> None:
        name = self.stage or "no stage"
        if self._total > LIMIT:
            self.border_title = f"{name} · last {LIMIT:,} of {self._total:,} lines kept"
        else:
            self.border_title = name
        if where is not None:
            self.border_subtitle = f"full output: {where}"
        elif self._total <= LIMIT:
            self.border_subtitle = ""
