"""What every full screen of healer's UI shares: typed access to the app that holds the session."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.screen import Screen

if TYPE_CHECKING:
    from healer.tui.app import HealerApp


class HealerScreen(Screen[None]):
    SHOWS_MESSAGES: ClassVar[bool] = False
    """The screen has a status line that shows what the app tells the user: no toast then, none over a diff."""

    @property
    def healer(self) -> HealerApp:
        # Only HealerApp pushes these screens; the app module imports them, so this one does not import it.
        return cast("HealerApp", self.app)

    def last_message(self) -> Text:
        """What the app last told the user, for the status line (an error in red: it is not a toast any more)."""
        messages = self.healer.messages
        if not messages:
            return Text()
        return Text(messages[-1], style="bold red" if self.healer.last_error else "")

    def on_screen_resume(self) -> None:
        if self.SHOWS_MESSAGES:
            # Toasts raised on a screen without a status line (history) would stay over this one's content.
            self.app.clear_notifications()
