"""Every key, by screen, from the same table the bindings and the command palette are made from."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from healer.tui import agent_fix, model_fix
from healer.tui.actions import actions_for, bindings, key_label

_TITLES = {
    "app": "everywhere",
    "main": "stages and logs",
    "failures": "failures",
    "review": "reviewing fixes (the keys of git add -p)",
    "transcript": "an agent workflow's transcript",
    "history": "history and statistics",
}


AGENT_ACTIONS = frozenset({"ask_agent", "show_transcript"})


def help_text(first: str, *, model: bool = False, agents: bool = True) -> Text:
    """Every key, the current screen's first; one line each. `model`: a model is configured (key m); `agents`:
    an agent or workflow is (key a, and t with the transcript of what it did; the screen says, by default
    they are listed)."""
    text = Text()
    order = [first, *(scope for scope in _TITLES if scope != first)]
    for scope in order:
        if scope not in _TITLES or (scope == "transcript" and not agents):
            continue
        text.append(f"{_TITLES[scope]}\n", style="bold underline")
        seen: set[str] = set()
        for action in actions_for(scope):
            if action.action in seen or (action.action == "ask_model" and not model):
                continue
            if action.action in AGENT_ACTIONS and not agents:
                continue
            seen.add(action.action)
            text.append(f"  {key_label(action):<8}", style="bold")
            text.append(f" {action.title}\n")
        if scope == "app":
            text.append(f"  {'ctrl+p':<8}", style="bold")
            text.append(" Command palette: every action by name\n")
        text.append("\n")
    text.rstrip()
    return text


class HelpScreen(ModalScreen[None]):
    SCOPE = "help"
    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("help"), *bindings("app", only="help")]

    def __init__(self, scope: str = "main") -> None:
        super().__init__()
        self.scope = scope

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            shown = help_text(
                self.scope,
                model=model_fix.available(self.app),  # type: ignore[arg-type]
                agents=agent_fix.available(self.app),  # type: ignore[arg-type]
            )
            yield Static(shown)

    def on_mount(self) -> None:
        self.query_one("#help").border_title = "help · q or esc closes"

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_help(self) -> None:
        self.app.pop_screen()
