"""What every full screen of healer's UI shares: typed access to the app that holds the session."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from healer.tui.app import HealerApp


class HealerScreen(Screen[None]):
    @property
    def healer(self) -> HealerApp:
        # Only HealerApp pushes these screens; the app module imports them, so this one does not import it.
        return cast("HealerApp", self.app)
