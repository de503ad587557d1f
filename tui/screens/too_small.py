"""Shown instead of the UI when the terminal is too small to draw it without garbling: says so, and how big."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH = 60
MIN_HEIGHT = 15
"""The smallest terminal the UI draws in without garbling (the review screen's header and one hunk)."""


class TooSmallScreen(Screen[None]):
    SCOPE = "too_small"
    CSS_PATH = "too_small.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static(id="too-small")

    def on_mount(self) -> None:
        self._say(self.app.size)

    def on_resize(self, event: events.Resize) -> None:
        self._say(event.size)

    def _say(self, size: Size) -> None:
        width, height = size
        self.query_one(Static).update(
            f"Terminal too small: {width}×{height}.\n"
            f"healer needs {MIN_WIDTH}×{MIN_HEIGHT} or more.\n"
            "Enlarge it, or press q to quit."
        )

    async def action_quit(self) -> None:
        await self.app.action_quit()
