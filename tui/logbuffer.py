"""A stage's output as the UI keeps it: the last `LIMIT` lines, and how many came before them.

The core already keeps the whole output (in memory up to 8 MB, then in a log
file under .git/healer/logs/); the UI only needs what a person scrolls back
through, so memory stays bounded however much a stage prints.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

LIMIT = 5000


class LogBuffer:
    __slots__ = ("lines", "total")

    def __init__(self, limit: int = LIMIT) -> None:
        self.lines: deque[str] = deque(maxlen=limit)
        self.total = 0

    def extend(self, lines: Sequence[str]) -> None:
        self.total += len(lines)
        self.lines.extend(lines)

    def clear(self) -> None:
        self.lines.clear()
        self.total = 0

    @property
    def dropped(self) -> int:
        return self.total - len(self.lines)
