"""An agent workflow's whole transcript, over the review screen: each step's prompt, reply, verdict and notes.

Opened with t on a fix an agent made; scrolls with the arrows, page keys and
the mouse; q, esc or t closes it. What it shows is the round the core
returned when the fix was made (healer.tui.review.transcript renders it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from healer.tui.actions import bindings
from healer.tui.review.transcript import full_text

if TYPE_CHECKING:
    from healer.fixers.agent_round import AgentRound


class TranscriptScreen(ModalScreen[None]):
    SCOPE = "transcript"
    CSS_PATH = "transcript.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("transcript"), *bindings("app", only="help")]

    def __init__(self, account: AgentRound, title: str, patch_id: str | None = None) -> None:
        super().__init__()
        self.account = account
        self.title_text = title
        self.patch_id = patch_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="transcript-view"):
            yield Static(full_text(self.account, self.title_text, self.patch_id), id="transcript-text")

    def on_mount(self) -> None:
        view = self.query_one("#transcript-view", VerticalScroll)
        view.border_title = f"transcript · {self.title_text} · q or esc closes"
        view.focus()

    def action_back(self) -> None:
        self.app.pop_screen()
