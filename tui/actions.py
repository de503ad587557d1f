"""Every action the UI offers, in one table: the screens' key bindings, the help screen and the command palette
are all made from it, so a key cannot exist without its help line or its palette entry.
"""

from __future__ import annotations

from typing import NamedTuple

from textual.binding import Binding, BindingType


class Action(NamedTuple):
    scope: str
    """"app" (every screen), or the screen it belongs to: "main", "failures", "review", "transcript", "history",
    "help"."""
    key: str
    action: str
    title: str
    """What the help and the palette call it."""
    short: str = ""
    """What the footer calls it (the title when empty)."""
    display: str | None = None
    group: str | None = None
    footer: bool = True


_DECIDE = "decide"
_MOVE = "move"

ACTIONS: tuple[Action, ...] = (
    Action("app", "question_mark", "help", "Help: every key", "help", display="?"),
    Action("app", "h", "history", "History and statistics", "history"),
    Action("app", "u", "undo", "Undo the last applied fix", "undo"),
    Action("main", "r", "rerun_stage", "Rerun the selected stage", "rerun"),
    Action("main", "R", "rerun_all", "Check everything again, without the cache", "rerun all"),
    Action("main", "c", "cancel", "Cancel the running check", "cancel"),
    Action("main", "f", "failures", "Failures, by file", "failures"),
    Action("main", "p", "review", "Review the fixes", "review"),
    Action("main", "w", "watch", "Watch mode on or off", "watch"),
    Action("main", "q", "quit", "Quit", "quit"),
    Action("failures", "enter", "review_failure", "Review the fixes for this failure", "its fixes"),
    Action("failures", "r", "rerun_stage", "Rerun this failure's stage", "rerun"),
    Action("failures", "p", "review", "Review the fixes", "review"),
    Action("failures", "m", "ask_model", "Ask the model for a fix", "ask model"),
    Action("failures", "a", "ask_agent", "Run the configured agent workflow (or agent) on this failure", "ask agent"),
    Action("failures", "q", "back", "Back", "back", footer=True),
    Action("failures", "escape", "back", "Back", "back", footer=False),
    Action("review", "y", "accept_hunk", "Accept this hunk", "yes", group=_DECIDE),
    Action("review", "n", "reject_hunk", "Reject this hunk", "no", group=_DECIDE),
    Action("review", "a", "accept_file", "Accept this hunk and the rest of its file", "rest of file", group=_DECIDE),
    Action("review", "d", "reject_file", "Reject this hunk and the rest of its file", "none of file", group=_DECIDE),
    Action("review", "A", "accept_fix", "Accept the whole fix", "whole fix", group=_DECIDE),
    Action("review", "D", "reject_fix", "Reject the whole fix", "reject fix", group=_DECIDE),
    Action("review", "j", "next_hunk", "Next undecided hunk", "next", group=_MOVE),
    Action("review", "k", "previous_hunk", "Previous undecided hunk", "previous", group=_MOVE),
    Action("review", "s", "split", "Split this hunk into its changes", "split"),
    Action("review", "e", "edit", "Edit the result in $EDITOR (no longer verified)", "edit"),
    Action("review", "v", "toggle_unverified", "Show or hide fixes that did not verify", "unverified"),
    Action("review", "t", "show_transcript", "The agents' transcript: prompts, replies, verdicts", "transcript"),
    Action("review", "R", "rerun_all", "Check again for fresh fixes", "check again"),
    Action("review", "q", "back", "Back", "back"),
    Action("review", "escape", "back", "Back", "back", footer=False),
    Action("history", "a", "all_repos", "This repository or every repository", "all repos"),
    Action("history", "q", "back", "Back", "back"),
    Action("history", "escape", "back", "Back", "back", footer=False),
    Action("transcript", "q", "back", "Close the transcript", "close"),
    Action("transcript", "escape", "back", "Close the transcript", "close", footer=False),
    Action("transcript", "t", "back", "Close the transcript", "close", footer=False),
    Action("help", "q", "back", "Close the help", "close"),
    Action("help", "escape", "back", "Close the help", "close", footer=False),
)

GROUPS = {_DECIDE: Binding.Group("decide", compact=True), _MOVE: Binding.Group("move", compact=True)}


def actions_for(scope: str) -> list[Action]:
    return [action for action in ACTIONS if action.scope == scope]


def bindings(scope: str, only: str | None = None) -> list[BindingType]:
    return [
        Binding(
            a.key,
            a.action,
            a.short or a.title,
            tooltip=a.title,
            show=a.footer,
            key_display=a.display,
            group=GROUPS.get(a.group) if a.group else None,
        )
        for a in actions_for(scope)
        if only is None or a.action == only
    ]


def key_label(action: Action) -> str:
    return action.display or {"enter": "enter", "escape": "esc"}.get(action.key, action.key)
