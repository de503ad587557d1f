"""Failures grouped by file: each with its diagnostic, the code around it, and what the knowledge base recalls."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from healer.diagnostics.diagnostic import Diagnostic
from healer.diagnostics.identical import identical
from healer.tui import agent_fix, model_fix
from healer.tui.actions import bindings
from healer.tui.failure_detail import FailureDetail, failure_detail
from healer.tui.failures import group_by_file
from healer.tui.messages import Loaded
from healer.tui.screens.base import HealerScreen
from healer.tui.screens.review import ReviewScreen
from healer.tui.state import count

if TYPE_CHECKING:
    from healer.tui.app import Change


def _label(diagnostic: Diagnostic, times: str = "") -> Text:
    where = f"{diagnostic.line}" if diagnostic.line else "-"
    if diagnostic.column:
        where += f":{diagnostic.column}"
    code = diagnostic.code or diagnostic.tool
    message = diagnostic.message.splitlines()[0] if diagnostic.message else ""
    text = Text.assemble(
        ("  ", ""),
        (f"{where:>7} ", "dim"),
        (f"{code} ", "bold"),
        (f"{times.strip()} " if times else "", "dim"),
        message,
    )
    text.no_wrap, text.overflow = True, "ellipsis"
    return text


class FailuresScreen(HealerScreen):
    SCOPE = "failures"
    SHOWS_MESSAGES = True
    CSS_PATH = "failures.tcss"
    BINDINGS = bindings("failures")

    def __init__(self) -> None:
        super().__init__()
        self._diagnostics: list[Diagnostic] = []
        self._details: dict[tuple[str, str | None, int | None], FailureDetail] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="title", classes="title")
        with Horizontal(id="failures-body"):
            yield OptionList(id="failures", classes="pane")
            with VerticalScroll(id="detail", classes="pane"):
                yield Static(id="diagnostic")
                yield Static(id="code")
                yield Static(id="history")
                yield Static(id="fixes-for")
        yield Static(id="status", classes="status")
        yield Footer()

    def on_mount(self) -> None:
        self.healer.changed.subscribe(self, self._changed, immediate=True)
        self._fill()
        self.query_one("#status", Static).update(self.last_message())
        self.query_one(OptionList).focus()

    def _changed(self, change: Change) -> None:
        if change.topic in ("run", "reviews"):
            self._fill()
        if change.topic == "progress":
            self._title()
            self.query_one("#status", Static).update(self.last_message())
        if change.topic in ("progress", "reviews"):
            self.refresh_bindings()  # p is offered once there are fixes

    def _title(self) -> None:
        number = len(self._diagnostics)
        files = len({d.file for d in self._diagnostics})
        progress = self.healer.session.progress
        listed = f"{count(number, 'failure')} in {count(files, 'file')}" if number else "none"
        self.query_one("#title", Static).update(f"failures · {listed} · {progress}")

    def _fill(self) -> None:
        listing = self.query_one(OptionList)
        current = self.selected
        options: list[Option] = []
        self._diagnostics = []
        for index, group in enumerate(group_by_file(self.healer.session.diagnostics)):
            name = group.file or "(no file: the stage's own failure)"
            heading = Text(f"{name} ({len(group.diagnostics)})", style="bold", no_wrap=True, overflow="ellipsis")
            options.append(Option(heading, id=f"f{index}", disabled=True))
            # Identical findings are one row with their count, as in `healer run`.
            for same in identical(group.diagnostics):
                options.append(Option(_label(same.first, same.times()), id=f"d{len(self._diagnostics)}"))
                self._diagnostics.append(same.first)
        listing.set_options(options)
        self._title()
        if not self._diagnostics:
            self.query_one("#diagnostic", Static).update(
                "No failures." if not self.healer.session.running else "Checking…"
            )
            for name in ("#code", "#history", "#fixes-for"):
                self.query_one(name, Static).update("")
            return
        target = 0
        if current is not None and current in self._diagnostics:
            target = self._diagnostics.index(current)
        listing.highlighted = listing.get_option_index(f"d{target}")

    @property
    def selected(self) -> Diagnostic | None:
        listing = self.query_one(OptionList)
        option = listing.highlighted_option
        if option is None or option.id is None or not option.id.startswith("d"):
            return None
        index = int(option.id[1:])
        return self._diagnostics[index] if index < len(self._diagnostics) else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(self.selected)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # The list takes enter for itself: selecting a failure is asking for its fixes.
        self.action_review_failure()

    def _key(self, diagnostic: Diagnostic) -> tuple[str, str | None, int | None]:
        return (diagnostic.fingerprint, diagnostic.file, diagnostic.line)

    def _show(self, diagnostic: Diagnostic | None) -> None:
        if diagnostic is None:
            return
        head = Text.assemble(
            (f"{diagnostic.stage}", "bold"),
            f" · {diagnostic.tool} {diagnostic.code or ''} · {diagnostic.location() or 'no location'}\n",
            diagnostic.message,
        )
        if diagnostic.suggestion:
            head.append(f"\nsuggestion: {diagnostic.suggestion}", style="italic")
        self.query_one("#diagnostic", Static).update(head)
        self._show_fixes(diagnostic)
        detail = self._details.get(self._key(diagnostic))
        if detail is not None:
            self._show_detail(detail)
            return
        self.query_one("#code", Static).update(Text("reading the code…", style="dim"))
        self.query_one("#history", Static).update("")
        core, key = self.healer.core, self._key(diagnostic)

        def body() -> None:
            self.post_message(Loaded("failure", key, failure_detail(core, diagnostic)))

        self.app.run_worker(
            body, thread=True, group="failure", exclusive=True, name="failure detail", exit_on_error=False
        )

    def _show_fixes(self, diagnostic: Diagnostic) -> None:
        reviews = [r for r in self.healer.session.reviews if diagnostic.fingerprint in r.original.patch.fingerprints]
        if not reviews:
            text = "no candidate fix for this failure" + (" yet" if self.healer.session.running else "")
        else:
            marks = {"verified": "✔", "failed": "✘", "unverifiable": "?", "unverified": "·", "changes-checks": "⚠"}
            lines = [f"{len(reviews)} candidate fix{'es' * (len(reviews) != 1)} (enter to review):"]
            for review in reviews:
                state = review.outcome or ("stale" if review.stale else review.original.status)
                lines.append(f"  {marks.get(review.original.status, '·')} {review.original.patch.title} ({state})")
            text = "\n".join(lines)
        if model_fix.available(self.healer):
            text += f"\n{model_fix.offer(self.healer, diagnostic)}"
        if agent_fix.available(self.healer):
            text += f"\n{agent_fix.offer(self.healer)}"
        self.query_one("#fixes-for", Static).update(text)

    def _show_detail(self, detail: FailureDetail) -> None:
        self.query_one("#code", Static).update(Group(*detail.code) if detail.code else "")  # type: ignore[arg-type]
        self.query_one("#history", Static).update("\n".join(detail.history))

    def on_loaded(self, message: Loaded) -> None:
        if message.topic != "failure":
            return
        assert isinstance(message.data, FailureDetail)
        self._details[message.key] = message.data  # type: ignore[index]
        current = self.selected
        if current is not None and self._key(current) == message.key:
            self._show_detail(message.data)

    # -- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("review_failure", "rerun_stage"):
            return self.selected is not None
        if action == "ask_model":
            return model_fix.available(self.healer) and self.selected is not None
        if action == "ask_agent":
            return agent_fix.available(self.healer) and self.selected is not None
        if action == "review":
            return bool(self.healer.session.reviews)
        return True

    def action_review_failure(self) -> None:
        diagnostic = self.selected
        if diagnostic is not None:
            self.app.push_screen(ReviewScreen(fingerprint=diagnostic.fingerprint))

    def action_review(self) -> None:
        # As on the main screen: every fix, the first one still to decide selected (enter: this failure's).
        self.app.push_screen(ReviewScreen())

    def action_rerun_stage(self) -> None:
        diagnostic = self.selected
        if diagnostic is not None:
            self.healer.start_check((diagnostic.stage,), use_cache=False)

    def action_ask_model(self) -> None:
        diagnostic = self.selected
        if diagnostic is not None:
            model_fix.ask(self.healer, diagnostic)

    def action_ask_agent(self) -> None:
        diagnostic = self.selected
        if diagnostic is not None:
            agent_fix.ask(self.healer, diagnostic)
            self._show_fixes(diagnostic)  # the offer says one is at work now

    def action_back(self) -> None:
        self.app.pop_screen()
