"""Desktop notifications for watch mode and the TUI: a stage went red, or green again. Only changes are told.

One `StageAlerts` per session remembers each stage's last state. The first result of a stage that fails is
a change (the session had not seen it red); one that passes is not (nothing to say). A stage that passes
again is told only when its failure was: a "passes again" for a failure nobody was shown means nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from healer.config.settings import NotifySettings
from healer.kb.database import KnowledgeBase
from healer.notify.limit import Clock
from healer.notify.message import Message
from healer.notify.notifier import Notifier, notifier_for
from healer.pipeline.result import StageResult

SHOWN = 3
"""Diagnostics a red stage's notification names."""
RED = ("failed", "error")


def red_message(result: StageResult, project: str) -> Message:
    lines = []
    for diagnostic in result.diagnostics[:SHOWN]:
        where = diagnostic.location()
        lines.append(f"{where}: {diagnostic.message}" if where else diagnostic.message)
    more = len(result.diagnostics) - SHOWN
    if more > 0:
        lines.append(f"and {more} more")
    if not lines:
        lines.append(result.reason or (f"exit code {result.exit_code}" if result.exit_code is not None else "failed"))
    fingerprints = tuple(d.fingerprint for d in result.diagnostics) or (f"stage:{result.name}",)
    return Message(f"{project}: {result.name} {result.status}", "\n".join(lines), "red", fingerprints)


def green_message(name: str, project: str, fingerprints: tuple[str, ...]) -> Message:
    return Message(f"{project}: {name} passes again", "", "green", fingerprints)


class StageAlerts:
    """Tells the desktop when a stage of `root`'s pipeline goes red, and when it goes green again."""

    def __init__(
        self,
        root: Path | str,
        *,
        kb: KnowledgeBase | None = None,
        environ: Mapping[str, str] | None = None,
        say: Callable[[str], None] | None = None,
        clock: Clock = time.time,
    ) -> None:
        """`kb`: where the rate limit is kept (None: no limit); `say`: hears each distinct failure to notify once
        (a notification program that fails), never what was shown."""
        self.root = str(root)
        self.project = Path(self.root).name or self.root
        self.kb = kb
        self.environ = dict(os.environ if environ is None else environ)
        self.say = say
        self.clock = clock
        self._red: dict[str, tuple[str, ...]] = {}
        """Stages last seen red, with their failures' fingerprints."""
        self._told: set[str] = set()
        """Of those, the stages whose going red was shown."""
        self._said: set[str] = set()

    def notifier(self, settings: NotifySettings) -> Notifier:
        return notifier_for(settings, channels=("desktop",), environ=self.environ, kb=self.kb, repo=self.root,
                            clock=self.clock)  # fmt: skip

    def observe(self, results: Iterable[StageResult], settings: NotifySettings) -> list[str]:
        """Results just finished (skipped and cancelled ones change nothing); notes of what was told."""
        messages: list[tuple[str, Message]] = []
        for result in results:
            name = result.name
            if result.status in RED:
                message = red_message(result, self.project)
                if name not in self._red:
                    messages.append((name, message))
                self._red[name] = message.fingerprints
            elif result.status == "passed" and name in self._red:
                fingerprints = self._red.pop(name)
                if name in self._told:
                    self._told.discard(name)
                    messages.append((name, green_message(name, self.project, fingerprints)))
        if not messages or not settings.desktop:
            return []
        notifier = self.notifier(settings)
        notes: list[str] = []
        for name, message in messages:
            for delivery in notifier.deliver(message):
                if delivery.sent and message.level == "red":
                    self._told.add(name)
                if delivery.note:
                    notes.append(delivery.note)
                if not delivery.sent and delivery.note and not delivery.limited:
                    self._tell(delivery.note)
        return notes

    def _tell(self, note: str) -> None:
        if self.say is None or note in self._said:
            return
        self._said.add(note)
        self.say(note)
