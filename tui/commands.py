"""The command palette (ctrl+p): every action of the current screen and the app, by name.

Actions that do not apply right now (`check_action` says no, as it hides
their keys from the footer) are left out, so the palette never offers a
command that would do nothing.
"""

from __future__ import annotations

from functools import partial

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from healer.tui.actions import Action, actions_for, key_label

Target = Screen[object] | App[object]


class HealerCommands(Provider):
    def _available(self) -> list[tuple[Action, Target]]:
        screen = self.screen
        scope = getattr(screen, "SCOPE", "")
        found: list[tuple[Action, Target]] = []
        seen: set[str] = set()
        for action in [*actions_for(scope), *actions_for("app")]:
            if action.action in seen:
                continue
            target: Target = screen if action.scope != "app" else self.app
            if target.check_action(action.action, ()) is not True:
                continue
            seen.add(action.action)
            found.append((action, target))
        return found

    async def discover(self) -> Hits:
        for action, target in self._available():
            yield DiscoveryHit(action.title, partial(target.run_action, action.action), help=_help(action))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action, target in self._available():
            score = matcher.match(action.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(action.title),
                    partial(target.run_action, action.action),
                    text=action.title,
                    help=_help(action),
                )


def _help(action: Action) -> str:
    return f"key: {key_label(action)}"
