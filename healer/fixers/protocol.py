"""The shape every fixer has: a name, what a round of it may cost, and `propose`.

A fixer is given the failures left to fix and the content they came from
(`Work.content`, read only: it may be the user's working tree) and returns
candidates. Candidates still pending (neither refused nor judged) are admitted
and verified by the caller, every fixer's together and in parallel. A fixer
that learns from verdicts (a model told why its last attempt failed) judges
its own with `Work.judge`: the same admission and verification, never a
shortcut. Fixers that cost nothing (local tools, the knowledge base) run first,
together; each costly one then gets only what they left unfixed. A new fixer
is one module implementing `Fixer` with a `fixer_for(setup)`, named in
`healer.fixers.KINDS`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from healer.config.settings import Config
from healer.diagnostics.diagnostic import Diagnostic
from healer.fixers.candidate import Candidate, Note
from healer.kb.database import KnowledgeBase
from healer.kb.memory import Memory
from healer.pipeline.result import RunResult

if TYPE_CHECKING:
    from healer.fixers.agent_round import AgentRound
    from healer.fixers.llm import ModelRound
    from healer.llm.client import Usage

Judge = Callable[[Candidate], Candidate]
"""Admit and verify one candidate; returns it refused, or with its verdict. Safe from several threads."""


@dataclass(frozen=True)
class Setup:
    """What a fixer is made from, once per command (so a model's budget spans every round)."""

    root: Path
    config: Config
    kb: KnowledgeBase
    offline: str | None
    """Why no model may be asked, or None (then a fixer that asks one may be made)."""
    model_extra: dict[str, object] = field(default_factory=dict)
    """Passed to litellm with every request (tests give `mock_response`)."""
    workflow: str | None = None
    """The agent or workflow asked for (`healer fix --agent/--workflow`): agents run only when asked."""
    environ: Mapping[str, str] | None = None
    """The user's environment, which an agent's variables are picked from (the process's when None)."""


MakeFixer = Callable[[Setup], "Fixer | None"]
"""Each fixer module's `fixer_for`: the fixer for this setup, or None when it cannot work in it."""


@dataclass(frozen=True)
class Work:
    """What one round asks of a fixer."""

    number: int
    """The round (1 for the first check's failures)."""
    run: RunResult
    config: Config
    content: Path
    """Where the checked content is: the working tree or an isolated copy. Read it, never write it."""
    work_tree: Path
    """The user's work tree, which copies stand for (never to be written either)."""
    failures: tuple[Diagnostic, ...]
    """The diagnostics left to fix (a verified candidate of a cheaper fixer settles the others)."""
    paths: Callable[[], Sequence[str]]
    """The snapshot's files, repository-relative."""
    scratch: Callable[[], AbstractContextManager[Path]]
    """An isolated writable copy of the same content, for running a tool."""
    prepend_path: tuple[str, ...]
    judge: Judge
    memory: Memory
    jobs: int
    """How many things may run at once (verifications, requests)."""
    cancel: threading.Event
    """Set when the user interrupts: stop starting anything."""
    progress: Callable[[str], None]
    env: Mapping[str, str] | None = None
    """The environment the project's stages start from (its virtualenv on PATH); a fixer that runs one of
    the project's tools starts it from there too. The process's own when None."""
    python: str | None = None
    """The project's Python (`python` on that PATH), for questions only it can answer; None: not known."""

    @property
    def settled(self) -> frozenset[str]:
        """Fingerprints of the run's diagnostics that are not for this fixer to fix."""
        wanted = {d.fingerprint for d in self.failures}
        return frozenset(d.fingerprint for d in self.run.diagnostics if d.fingerprint not in wanted)


@dataclass
class Proposed:
    candidates: list[Candidate] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    """Findings reported instead of fixed (conflict markers, flaky tests)."""
    errors: list[str] = field(default_factory=list)
    """What went wrong in the fixer, one line each; the other fixers are unaffected."""
    model: ModelRound | None = None
    """The model fixer's account of its requests, when it was asked."""
    agents: AgentRound | None = None
    """The agent fixer's account of its runs (the workflow's steps), when it ran."""


@runtime_checkable
class Metered(Protocol):
    """A fixer that pays for what it asks (a model): what it spent over the command."""

    @property
    def usage(self) -> Usage: ...


class Fixer(Protocol):
    name: str
    """"rules", "replay", "model": how a front end asks for it."""

    def cost_bound(self, work: Work) -> float | None:
        """The most one `propose` on `work` may cost, in dollars: 0 for a fixer that only runs local tools,
        None when it cannot say (a model of unknown price). Only fixers that cost 0 run in the first tier."""
        ...

    def propose(self, work: Work) -> Proposed: ...
