"""Reviewing fixes with the keys of `git add -p`: y n a d (A D for a whole fix), j k, s, e, u, q.

The list shows each fix with its verification status and what became of it;
the right side shows the selected fix's source, status and flags, then its
diff, hunk by hunk, with the reviewer's mark on each. A fix is applied (only
the hunks kept, through the core's apply_patch) as soon as its last hunk is
decided, as `git add -p` stages as you go; `u` takes it back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from healer.fixers.candidate import CHANGES_CHECKS
from healer.tui import agent_fix
from healer.tui.actions import bindings
from healer.tui.messages import Loaded
from healer.tui.review.render import Cache, FileLines, file_key, highlight_files, render_review
from healer.tui.review.state import PatchReview
from healer.tui.review.transcript import heading, steps_text
from healer.tui.screens.base import HealerScreen
from healer.tui.screens.transcript import TranscriptScreen
from healer.tui.state import count
from healer.tui.widgets.diff_view import DiffView

if TYPE_CHECKING:
    from healer.tui.app import Change

_STATUS = {"verified": "✔", "failed": "✘", "unverifiable": "?", "unverified": "·", "changes-checks": "⚠"}
STEP_LINES = 5
"""Lines of an agent workflow's steps beside the diff; t shows the whole transcript."""
_DECIDING = frozenset(
    {
        "accept_hunk",
        "reject_hunk",
        "accept_file",
        "reject_file",
        "accept_fix",
        "reject_fix",
        "next_hunk",
        "previous_hunk",
    }
)


def _row(review: PatchReview) -> Text:
    # An edited fix is no longer the verified one: its mark must not say verified.
    mark = "✎" if review.edited else _STATUS.get(review.original.status, "·")
    state = review.outcome or ("stale" if review.stale else "edited" if review.edited else "")
    # The state before the title: a long title is cut at the end, the state must stay visible.
    text = Text.assemble(
        (f"{mark} ", "bold"), (f"{state:<8} ", "yellow" if state == "stale" else "dim") if state else ""
    )
    text.append(review.original.patch.title)
    return text


class ReviewScreen(HealerScreen):
    SCOPE = "review"
    SHOWS_MESSAGES = True
    CSS_PATH = "review.tcss"
    BINDINGS = bindings("review")

    def __init__(self, fingerprint: str | None = None) -> None:
        super().__init__()
        self.fingerprint = fingerprint
        """Open on a fix for this failure (from the failures screen)."""
        self.show_unverified = False
        self._shown: list[PatchReview] = []
        self._highlights: dict[tuple[str, int, int], FileLines] = {}
        self._asked: set[tuple[str, int, int]] = set()
        self._rendered: Cache = {}
        self._advance_from: int | None = None
        """The fix just completed: once its outcome is in, the review moves on to the next pending fix."""

    def compose(self) -> ComposeResult:
        yield Static(id="title", classes="title")
        with Horizontal(id="review-body"):
            yield OptionList(id="fixes", classes="pane")
            with Vertical(id="right", classes="pane"):
                yield Static(id="info")
                yield Static(id="transcript")
                yield DiffView(id="diff")
        yield Static(id="status", classes="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#fixes", OptionList).border_title = "fixes"
        self.healer.changed.subscribe(self, self._changed, immediate=True)
        self._fill(prefer=self._first_for(self.fingerprint))
        self._status()
        self.query_one("#fixes", OptionList).focus()

    def _first_for(self, fingerprint: str | None) -> PatchReview | None:
        if fingerprint is None:
            return None
        matching = [r for r in self.healer.session.reviews if fingerprint in r.original.patch.fingerprints]
        verified = [r for r in matching if r.original.verified] or [r for r in matching if r.original.passes]
        if matching and not verified:
            self.show_unverified = True
        found = verified or matching
        return found[0] if found else None

    def _changed(self, change: Change) -> None:
        if change.topic == "reviews":
            current = self.current
            if current is not None and current.key == self._advance_from and current.done:
                self._advance_from = None
                self._shown = self._visible()
                current = self._next_pending(current) or current
            self._fill(prefer=current)
        elif change.topic == "progress":
            self._title()
            self._status()

    # -- what is shown ---------------------------------------------------------------------

    def _visible(self) -> list[PatchReview]:
        reviews = self.healer.session.reviews
        return [r for r in reviews if self.show_unverified or r.original.passes or r.done or r.edited]

    def _fill(self, prefer: PatchReview | None = None) -> None:
        listing = self.query_one("#fixes", OptionList)
        self._shown = self._visible()
        listing.set_options([Option(_row(r), id=str(r.key)) for r in self._shown])
        if self._shown:
            target = prefer if prefer in self._shown else self._next_pending(None)
            listing.highlighted = self._shown.index(target) if target is not None else 0
        self._redraw()

    def _next_pending(self, after: PatchReview | None) -> PatchReview | None:
        start = self._shown.index(after) + 1 if after in self._shown else 0
        ordered = self._shown[start:] + self._shown[:start]
        # A fix that can still be applied first; a stale one only when nothing else is left.
        return next((r for r in ordered if not r.done and not r.stale), None) or next(
            (r for r in ordered if not r.done), None
        )

    @property
    def current(self) -> PatchReview | None:
        listing = self.query_one("#fixes", OptionList)
        index = listing.highlighted
        if index is None or index >= len(self._shown):
            return None
        return self._shown[index]

    def _title(self) -> None:
        session = self.healer.session
        applied = sum(r.outcome == "applied" for r in session.reviews)
        hidden = len(session.reviews) - len(self._visible())
        more = f" · {hidden} that did not verify hidden (v)" if hidden else ""
        self.query_one("#title", Static).update(
            f"review · {count(len(self._shown), 'fix', 'fixes')} · {applied} applied{more} · {session.progress}"
        )

    def _status(self) -> None:
        # Under the diff rather than in a toast over it.
        self.query_one("#status", Static).update(self.last_message())

    def _redraw(self) -> None:
        self._title()
        review = self.current
        info = self.query_one("#info", Static)
        view = self.query_one(DiffView)
        steps = self.query_one("#transcript", Static)
        steps.display = review is not None and review.agents is not None
        if review is None:
            waiting = self.healer.session.running
            info.update("Checking… fixes appear here when verified." if waiting else "No fixes to review.")
            view.show([], [])
            self.refresh_bindings()
            return
        info.update(self._info(review))
        if review.agents is not None:
            steps.update(steps_text(review.agents, review.original.id, limit=STEP_LINES))
        rendered = render_review(review, self._highlights, self._rendered)
        focus = rendered.anchors[review.cursor] if review.hunks else None
        view.show(rendered.lines, rendered.fills, focus)
        self._ask_highlights(review)
        self.refresh_bindings()

    def _info(self, review: PatchReview) -> Text:
        candidate = review.original
        patch = candidate.patch
        source = {"rule": "rule", "replay": "seen before: replays fix", "model": "model"}.get(
            patch.source, patch.source
        )
        status = review.verification
        text = Text(patch.title, style="bold")
        text.append(f"\n{source} {patch.origin} · {patch.safety} · confidence {patch.confidence:g} · ")
        mark = _STATUS.get(candidate.status, "·")
        text.append(f"{mark} {status}", style="green" if status == "verified" else "yellow")
        if review.agents is not None:
            # Which workflow made it, and the step that did; its steps follow (#transcript).
            text.append(f"\n{heading(review.agents, self._workflow_title(review), candidate.id)}", style="bold")
        flags = ", ".join(review.patch.flags or patch.flags)
        text.append(f"\nflags: {flags}" if flags else "\nflags: none", style="bold yellow" if flags else "dim")
        if candidate.changes_checks:
            # Said before the diff: accepting it accepts checks that no longer check what they did.
            text.append(f"\n⚠ {CHANGES_CHECKS}: read before accepting", style="bold red")
            for weakening in candidate.weakening:
                text.append(f"\n  ! {weakening.what}", style="bold red")
        addressed = [d for d in self.healer.session.diagnostics if d.fingerprint in patch.fingerprints]
        if addressed:
            first = addressed[0]
            more = f" (and {len(addressed) - 1} more)" if len(addressed) > 1 else ""
            text.append(f"\nfixes {first.stage}: {first.location()} {first.code or ''} {first.message}{more}")
        if not candidate.passes and candidate.detail:
            text.append(f"\nverification: {candidate.detail.splitlines()[0]}", style="dim")
        decided = sum(d is not None for d in review.decisions)
        state = f"\nhunks: {decided} of {len(review.hunks)} decided"
        if review.outcome:
            said = review.message or ""
            # "applied 68679ac9524e: …" says it already: not "applied: applied …".
            state = (
                f"\n{said}"
                if said.startswith(review.outcome)
                else f"\n{review.outcome}" + (f": {said}" if said else "")
            )
        elif self.healer.busy(review):
            state += " · applying…"
        text.append(state, style="bold")
        if review.message and not review.outcome:
            text.append(f"\n{review.message}", style="bold red" if review.message.startswith("not ") else "")
        if review.stale and not review.done:
            text.append(f"\nstale: {review.stale}; R checks again", style="bold red")
        return text

    def _workflow_title(self, review: PatchReview) -> str:
        assert review.agents is not None
        return agent_fix.named(self.healer.workspace.config, review.agents.workflow, review.agents.kind)

    def _ask_highlights(self, review: PatchReview) -> None:
        missing = [file_key(e) for e in review.patch.edits if file_key(e) not in self._highlights]
        if not missing or all(key in self._asked for key in missing):
            return
        self._asked.update(missing)
        patch = review.patch

        def body() -> None:
            self.post_message(Loaded("highlight", None, highlight_files(patch)))

        self.app.run_worker(body, thread=True, group="highlight", name="highlighting", exit_on_error=False)

    def on_loaded(self, message: Loaded) -> None:
        if message.topic == "highlight":
            self._highlights.update(message.data)
            self._redraw()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._redraw()

    # -- deciding --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        review = self.current
        if action in _DECIDING:
            return review is not None and bool(review.hunks) and not review.done and not self.healer.busy(review)
        if action == "split":
            # Enabled whenever there is a hunk: a key that does nothing must say why (action_split does).
            return review is not None and not review.done and review.current is not None
        if action == "show_transcript":
            return review is not None and review.agents is not None
        if action == "edit":
            current = review.current if review is not None and not review.done else None
            return current is not None and not current.whole_file and self._editable(review, current.path)
        return True

    @staticmethod
    def _editable(review: PatchReview | None, path: str) -> bool:
        if review is None:
            return False
        edit = next((e for e in review.patch.edits if e.path == path), None)
        return edit is not None and edit.after is not None

    def _after_decision(self, review: PatchReview) -> None:
        if review.complete:
            self._advance_from = review.key
            self.healer.finish_review(review)
        self._fill(prefer=review)

    def _decide(self, how: str, value: bool) -> None:
        review = self.current
        if review is None or review.done:
            return
        if value and review.stale:
            # Nothing could be applied: say so before anything is marked accepted.
            self.healer.tell(f"not applied: {review.stale}; R checks again for fresh fixes", error=True)
            return
        getattr(review, how)(value)
        self._after_decision(review)

    def action_accept_hunk(self) -> None:
        self._decide("decide", True)

    def action_reject_hunk(self) -> None:
        self._decide("decide", False)

    def action_accept_file(self) -> None:
        self._decide("decide_rest_of_file", True)

    def action_reject_file(self) -> None:
        self._decide("decide_rest_of_file", False)

    def action_accept_fix(self) -> None:
        self._decide("decide_all", True)

    def action_reject_fix(self) -> None:
        self._decide("decide_all", False)

    def action_next_hunk(self) -> None:
        review = self.current
        if review is not None and not review.step(1, undecided=True):
            review.step(1, undecided=False)
        self._redraw()

    def action_previous_hunk(self) -> None:
        review = self.current
        if review is not None and not review.step(-1, undecided=True):
            review.step(-1, undecided=False)
        self._redraw()

    def action_split(self) -> None:
        review = self.current
        if review is not None and (review.current is None or not review.current.splittable):
            self.healer.tell("this hunk is one change: it cannot be split further")
            return
        if review is not None:
            before = len(review.hunks)
            if review.split_current():
                self.healer.tell(f"split into {len(review.hunks) - before + 1} hunks")
        self._redraw()

    def action_edit(self) -> None:
        review = self.current
        hunk = review.current if review is not None else None
        if review is None or hunk is None:
            return
        content = review.proposed_result(hunk.path)
        if content is None:
            return
        edited = self.healer.edit_externally(content, hunk.path)
        if edited.content is not None:
            review.replace_result(hunk.path, edited.content)
        self.healer.tell(edited.message)
        self._fill(prefer=review)

    def action_show_transcript(self) -> None:
        review = self.current
        if review is not None and review.agents is not None:
            self.app.push_screen(TranscriptScreen(review.agents, self._workflow_title(review), review.original.id))

    def action_toggle_unverified(self) -> None:
        self.show_unverified = not self.show_unverified
        self._fill(prefer=self.current)

    def action_rerun_all(self) -> None:
        self.healer.start_check((), use_cache=False)

    def action_back(self) -> None:
        self.app.pop_screen()
