"""One fix under review: its hunks, the reviewer's decision on each, and the patch those decisions make.

Plain data, no Textual: the review screen drives it with the `git add -p` keys
and tests drive it directly. A fix is applied as the reviewer leaves it: every
hunk accepted and nothing edited is the verified fix itself; anything less (or
more) is a new patch, and says it was not verified as such.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from healer.fixers.candidate import CHANGES_CHECKS, Candidate
from healer.patch.diff import select_hunks
from healer.patch.patch import FileEdit, Patch
from healer.tui.review.hunks import ReviewHunk, hunks_of, split

if TYPE_CHECKING:
    from healer.fixers.agent_round import AgentRound

Outcome = Literal["applied", "rejected"]
_keys = itertools.count(1)


@dataclass
class PatchReview:
    original: Candidate
    """The fix as proposed, with its verdict."""
    patch: Patch
    """The fix as it stands: the reviewer's edits (`e`) replace files' results."""
    hunks: list[ReviewHunk]
    decisions: list[bool | None]
    key: int = field(default_factory=lambda: next(_keys))
    cursor: int = 0
    edited: bool = False
    stale: str | None = None
    """Why the fix no longer applies (a file it touches changed since it was made), if it does not."""
    outcome: Outcome | None = None
    message: str | None = None
    """What happened last: applied as which id, why applying was refused."""
    applied_id: str | None = None
    agents: AgentRound | None = None
    """The transcript of the agent workflow that made this fix (every step of its run), when agents made it."""

    @classmethod
    def of(cls, candidate: Candidate, agents: AgentRound | None = None) -> PatchReview:
        patch = candidate.patch
        hunks = [hunk for edit in patch.edits for hunk in hunks_of(edit)]
        return cls(original=candidate, patch=patch, hunks=hunks, decisions=[None] * len(hunks), agents=agents)

    # -- state -----------------------------------------------------------------

    @property
    def done(self) -> bool:
        return self.outcome is not None

    @property
    def complete(self) -> bool:
        return all(decision is not None for decision in self.decisions)

    @property
    def accepted(self) -> int:
        return sum(decision is True for decision in self.decisions)

    @property
    def whole(self) -> bool:
        """Every hunk accepted and nothing edited: applying it applies the fix exactly as verified."""
        return bool(self.hunks) and not self.edited and all(decision is True for decision in self.decisions)

    @property
    def current(self) -> ReviewHunk | None:
        return self.hunks[self.cursor] if self.hunks else None

    @property
    def verification(self) -> str:
        """What the verification says about what would be applied now."""
        if self.edited:
            return "edited by you: no longer verified"
        status = CHANGES_CHECKS if self.original.changes_checks else self.original.status
        if self.accepted and any(decision is False for decision in self.decisions):
            return f"{status} as a whole; partly accepted: the hunks you kept are not verified on their own"
        return status

    # -- the reviewer's keys ------------------------------------------------------

    def decide(self, value: bool) -> None:
        """y / n: this hunk, then on to the next undecided one."""
        if not self.hunks:
            return
        self.decisions[self.cursor] = value
        self.step(1, undecided=True)

    def decide_rest_of_file(self, value: bool) -> None:
        """a / d: this hunk and every later one of the same file."""
        current = self.current
        if current is None:
            return
        for index in range(self.cursor, len(self.hunks)):
            if self.hunks[index].path == current.path:
                self.decisions[index] = value
        self.step(1, undecided=True)

    def decide_all(self, value: bool) -> None:
        """A / D: the whole fix."""
        self.decisions = [value] * len(self.hunks)

    def step(self, direction: int, *, undecided: bool) -> bool:
        """j / k: to the next (previous) undecided hunk; False if there is none that way."""
        index = self.cursor + direction
        while 0 <= index < len(self.hunks):
            if not undecided or self.decisions[index] is None:
                self.cursor = index
                return True
            index += direction
        if undecided and self.decisions and self.decisions[self.cursor] is not None:
            # Past the last undecided hunk: wrap to the first undecided one, as git does.
            for index, decision in enumerate(self.decisions):
                if decision is None:
                    self.cursor = index
                    return True
        return False

    def split_current(self) -> bool:
        """s: the current hunk as its separate changes; False when it holds only one."""
        current = self.current
        if current is None or not current.splittable:
            return False
        pieces = split(current)
        decision = self.decisions[self.cursor]
        self.hunks[self.cursor : self.cursor + 1] = pieces
        self.decisions[self.cursor : self.cursor + 1] = [decision] * len(pieces)
        return True

    def reset(self) -> None:
        self.decisions = [None] * len(self.hunks)
        self.cursor = 0
        self.outcome = None

    # -- editing -----------------------------------------------------------------

    def proposed_result(self, path: str) -> bytes | None:
        """The file as the fix would leave it with the hunks not rejected so far: what `e` opens."""
        edit = self._edit(path)
        return self._select(edit, [h for h, d in self._file_hunks(path) if d is not False]).after

    def replace_result(self, path: str, after: bytes) -> None:
        """e: the reviewer's content becomes this file's result; its hunks are diffed again, undecided."""
        edit = self._edit(path)
        changed = FileEdit(path, edit.before, after)
        edits = tuple(changed if e.path == path else e for e in self.patch.edits)
        edits = tuple(e for e in edits if e.before != e.after)
        self.patch = replace(self.patch, edits=edits)
        self.edited = True
        first = next((i for i, hunk in enumerate(self.hunks) if hunk.path == path), len(self.hunks))
        kept = [(h, d) for h, d in zip(self.hunks, self.decisions, strict=True) if h.path != path]
        fresh = hunks_of(changed)
        self.hunks = [h for h, _ in kept[:first]] + fresh + [h for h, _ in kept[first:]]
        self.decisions = [d for _, d in kept[:first]] + [None] * len(fresh) + [d for _, d in kept[first:]]
        self.cursor = min(first, max(0, len(self.hunks) - 1))

    # -- the result ----------------------------------------------------------------

    def selected(self) -> Patch | None:
        """The patch the decisions make (undecided hunks left out), or None when nothing is kept."""
        if self.whole:
            return self.original.patch
        edits: list[FileEdit] = []
        for edit in self.patch.edits:
            kept = [hunk for hunk, decision in self._file_hunks(edit.path) if decision is True]
            if not kept:
                continue
            chosen = self._select(edit, kept)
            if chosen.before != chosen.after:
                edits.append(chosen)
        if not edits:
            return None
        what = "edited" if self.edited else "partly accepted"
        # A new patch: not the verified one (the core records it so, and the original as edited).
        return replace(self.patch, title=f"{self.original.patch.title} ({what})", edits=tuple(edits))

    def _edit(self, path: str) -> FileEdit:
        return next(edit for edit in self.patch.edits if edit.path == path)

    def _file_hunks(self, path: str) -> list[tuple[ReviewHunk, bool | None]]:
        return [(h, d) for h, d in zip(self.hunks, self.decisions, strict=True) if h.path == path]

    @staticmethod
    def _select(edit: FileEdit, hunks: list[ReviewHunk]) -> FileEdit:
        if any(hunk.whole_file for hunk in hunks):
            return edit
        if not hunks:
            return FileEdit(edit.path, edit.before, edit.before)
        context = hunks[0].context
        return select_hunks(edit, {change for hunk in hunks for change in hunk.changes}, context)
