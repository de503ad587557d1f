"""What every full screen of healer's UI shares: typed access to the app that holds the session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from healer.tui.app import HealerApp


class HealerScreen(Screen[None]):
    @property
    def healer(self) -> HealerApp:
        from healer.tui.app import HealerApp  # the app module imports the screens: only at run time

        assert isinstance(self.app, HealerApp)
        return self.app
