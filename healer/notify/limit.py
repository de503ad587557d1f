"""The rate limit: one message per failure (fingerprint) and channel within a window, an hour by default.

What was told when is kept in the knowledge base (`notifications`), so the limit holds across watch sessions,
TUI sessions and CI runs that restore the file. Without a usable knowledge base nothing is limited: a message
too many is better than a failure nobody hears of, and notifying never fails because of the file.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from healer.kb.database import KnowledgeBase
from healer.notify.message import Message

Clock = Callable[[], float]
KEEP = 86_400.0
"""Rows are dropped this long after their window has passed."""


class RateLimit:
    def __init__(self, kb: KnowledgeBase | None, repo: str, window: float, *, clock: Clock = time.time) -> None:
        self.kb = kb
        self.repo = repo
        self.window = window
        self.clock = clock

    def allows(self, channel: str, message: Message) -> bool:
        """False when `channel` told about every failure of `message` within the window."""
        if self.kb is None or self.window <= 0:
            return True
        keys = message.keys()
        told: set[str] = set()
        with self.kb.connection() as store:
            if store is None:
                return True
            with self.kb.guard("when notifications were sent"):
                told = store.notified(self.repo, channel, keys, self.clock() - self.window)
        return not set(keys) <= told

    def record(self, channel: str, message: Message) -> None:
        if self.kb is None or self.window <= 0 or not self.kb.writable:
            return
        now = self.clock()
        with self.kb.connection() as store:
            if store is None:
                return
            with self.kb.guard("when a notification was sent", write=True):
                store.record_notified(self.repo, channel, message.keys(), now, forget=now - self.window - KEEP)
