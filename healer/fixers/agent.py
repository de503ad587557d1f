"""Agent CLIs as a fixer: each run's diff becomes a candidate, judged like every other fixer's.

Agents run only when asked for (`healer fix --agent NAME` or `--workflow
NAME`), never offline. An agent is given every failure left this round in
one task (it can read the code and rerun the checks itself) and works in a
copy lent by the round's pool of copies; the copy goes back before its
patch is judged, so verification has it too. Each run is bounded by its
timeout, the workflow's time, the run's and the day's dollar budget (for
agents that say what they spent; each run is recorded with the model calls,
as `agent:NAME`), and Ctrl-C. Whatever goes wrong (not installed, hangs,
prints garbage, writes outside its copy) is one line naming the agent; the
other fixers' candidates stand.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from healer.agents.prompt import approved, fix_prompt, refine_prompt, review_prompt
from healer.agents.run import Agent, AgentRun, Where, resolve, run_agent
from healer.config.settings import Config, WorkflowSettings, WorkflowStep
from healer.diagnostics.diagnostic import Diagnostic
from healer.errors import HealerError
from healer.fixers.agent_round import PROMPT_CHARS, AgentRound, AgentStep, StepOutcome
from healer.fixers.candidate import Candidate
from healer.fixers.llm import LLMFixer
from healer.fixers.llm import fixer_for as model_for
from healer.fixers.protocol import Proposed, Setup, Work
from healer.fixers.workflow import run_workflow
from healer.kb.database import KnowledgeBase
from healer.kb.history import local_midnight
from healer.llm.budget import Budget, dollars
from healer.llm.redact import DEFAULT_DENY
from healer.patch.diff import unified_diff
from healer.patch.patch import FileEdit, Patch
from healer.pipeline.result import StageResult
from healer.snapshot.git import git

AGENT_CONFIDENCE = 0.5
FEEDBACK_LINES = 40


def fixer_for(setup: Setup) -> AgentFixer | None:
    """The agent or workflow `setup.workflow` names, or None when none was asked for (or the command is offline)."""
    if setup.workflow is None or setup.offline is not None:
        return None
    flow = workflow_named(setup.config, setup.workflow)
    spent = 0.0
    with setup.kb.connection() as store, setup.kb.guard("a look at today's model spending"):
        spent = 0.0 if store is None else store.model_spending(local_midnight())
    budget = Budget(setup.config.llm.budget_per_run, setup.config.llm.budget_per_day, spent_before_today=spent)
    model = None
    if any(step.agent == "model" for step in flow.steps):
        model = model_for(setup)
        if model is None:
            raise HealerError(f"workflow {flow.name} asks the model, and no model is configured ([llm] model)")
    agents = {}
    for step in flow.steps:
        settings = setup.config.agent(step.agent)
        if settings is not None:
            agents[step.agent] = resolve(settings)
    environ = dict(os.environ if setup.environ is None else setup.environ)
    return AgentFixer(flow, agents, budget, setup.kb, str(setup.root), environ, model)


def workflow_named(config: Config, name: str) -> WorkflowSettings:
    """The workflow called `name`, or an iterative one of the agent called `name`; one line when neither exists."""
    flow = config.workflow(name)
    if flow is not None:
        return flow
    if config.agent(name) is not None:
        return WorkflowSettings(name, "iterative", (WorkflowStep(name),))
    known = [agent.name for agent in config.agents] + [flow.name for flow in config.workflows]
    if not known:
        raise HealerError(
            f"no agent or workflow named {name!r}: none is configured (add [agents.{name}] with a preset)"
        )
    raise HealerError(f"no agent or workflow named {name!r}; configured: {', '.join(known)}")


@dataclass
class AgentFixer:
    flow: WorkflowSettings
    agents: dict[str, Agent]
    budget: Budget
    kb: KnowledgeBase | None
    repo: str
    environ: dict[str, str]
    model: LLMFixer | None = None
    name: str = "agent"

    def cost_bound(self, work: Work) -> float | None:
        # Never 0: an agent runs after the free fixers, on what they left, like a model.
        return self.budget.per_run if self.budget.per_run > 0 else None

    def propose(self, work: Work) -> Proposed:
        if not work.failures:
            return Proposed()
        session = Session(self, work)
        account = session.account
        work.progress(f"{self.flow.name}: {self.flow.kind} workflow of {', '.join(self.agents) or 'the model'}")
        candidates, model_round = run_workflow(self.flow, session)
        account.cost = self.budget.spent
        verified = sum(1 for c in candidates if c.verified)
        work.progress(f"{self.flow.name}: {len(candidates)} candidate(s), {verified} verified")
        # What went wrong is said once, in the workflow's steps (front ends show them beside the candidates).
        return Proposed(candidates, agents=account, model=model_round)


class Session:
    """One round of the workflow: the failures, where agents work, and the transcript it keeps."""

    def __init__(self, fixer: AgentFixer, work: Work) -> None:
        self.fixer = fixer
        self.work = work
        self.account = AgentRound(fixer.flow.name, fixer.flow.kind)
        self.began = time.monotonic()
        self.failures: tuple[Diagnostic, ...] = work.failures
        wanted = {d.fingerprint for d in work.failures}
        self.results: list[StageResult] = [
            r
            for r in work.run.stages
            if r.status == "failed" and (not r.diagnostics or wanted & {d.fingerprint for d in r.diagnostics})
        ]
        self.stage = next((d.stage for d in self.failures), self.results[0].name if self.results else "")
        self._count = 0
        self._lock = threading.Lock()

    # -- bounds ------------------------------------------------------------------

    def stop_reason(self) -> str | None:
        """Why no further run may start, or None."""
        if self.work.cancel.is_set():
            return "interrupted"
        timeout = self.fixer.flow.timeout
        if timeout is not None and time.monotonic() - self.began >= timeout:
            return f"the workflow's {timeout:g} s are spent (workflows.{self.fixer.flow.name}.timeout)"
        budget = self.fixer.budget
        if budget.per_run > 0 and budget.spent >= budget.per_run:
            return f"the run's budget is spent ({dollars(budget.spent)} of ${budget.per_run:.2f}; llm.budget_per_run)"
        if budget.per_day > 0 and budget.spent_before_today + budget.spent >= budget.per_day:
            return f"today's budget is spent (${budget.per_day:.2f}; llm.budget_per_day)"
        return None

    def stop(self, why: str) -> None:
        with self._lock:
            if self.account.stopped is None:
                self.account.stopped = why

    # -- steps ---------------------------------------------------------------------

    def implement(self, agent: str, start: Candidate | None = None) -> Candidate | None:
        """One run that makes a fix, or (with `start`, a fix already in its files) retries it with the verdict."""
        feedback = None if start is None else verdict_text(start)
        prompt = fix_prompt(self.failures, self.results, feedback=feedback)
        return self._fix(agent, "implement", prompt, start)

    def refine(self, agent: str, start: Candidate, comments: str) -> Candidate | None:
        prompt = refine_prompt(self.failures, self.results, verdict_text(start), comments)
        return self._fix(agent, "refine", prompt, start)

    def review(self, agent: str, candidate: Candidate) -> tuple[bool | None, str]:
        """The reviewer's decision on `candidate` (True approve, False changes, None neither) and its comments."""
        diff = unified_diff(candidate.patch.edits)
        prompt = review_prompt(self.failures, self.results, diff, verdict_text(candidate))
        began = time.monotonic()
        ran, number = self._run(agent, prompt, candidate.patch.edits)
        if ran.problem is not None and not ran.problem.endswith("changed nothing") and not ran.reply.summary:
            self._step(agent, "review", number, prompt, ran, "error", ran.problem, began=began)
            return None, ""
        decision = approved(ran.reply.summary)
        outcome: StepOutcome = "approved" if decision else "changes-requested" if decision is False else "no-decision"
        # Its copy held the fix under review: only what differs from that is the reviewer's own change.
        given = {(edit.path, edit.after) for edit in candidate.patch.edits}
        changed = {(edit.path, edit.after) for edit in ran.edits} != given
        notes = ran.notes + (("the reviewer changed files; healer ignored them",) if changed else ())
        self._step(agent, "review", number, prompt, ran._replace(notes=notes), outcome, ran.reply.summary, began=began)
        return decision, ran.reply.summary

    def _fix(self, agent: str, role: str, prompt: str, start: Candidate | None) -> Candidate | None:
        began = time.monotonic()
        ran, number = self._run(agent, prompt, start.patch.edits if start else ())
        if ran.problem is not None:
            outcome: StepOutcome = "no-change" if ran.problem.endswith("changed nothing") else "error"
            self._step(agent, role, number, prompt, ran, outcome, ran.problem, began=began)
            return None
        patch = Patch(
            title=_title(ran, agent),
            edits=ran.edits,
            source="agent",
            origin=agent,
            safety="review",
            confidence=AGENT_CONFIDENCE,
            stage=self.stage,
            fingerprints=tuple(dict.fromkeys(d.fingerprint for d in self.failures)),
            tests=tuple(dict.fromkeys(d.node_id for d in self.failures if d.node_id)),
        )
        judged = self.work.judge(Candidate(patch, cost=ran.reply.cost))
        outcome = "refused" if judged.refusal is not None else judged.status
        tools = 0.0 if judged.verdict is None else judged.verdict.tool_seconds
        self._step(agent, role, number, prompt, ran, outcome, judged.detail or "", judged.id, began=began, tools=tools)
        return judged

    def _run(self, agent: str, prompt: str, start: Sequence[FileEdit]) -> tuple[AgentRun, int]:
        with self._lock:
            self._count += 1
            number = self._count
        settings = self.fixer.agents[agent]
        self.work.progress(f"{agent}: step {number} (up to {settings.timeout:g} s)")
        config = self.work.config
        environ = self.fixer.environ
        path = (self.work.env or environ).get("PATH", "")
        with self.work.scratch() as copy:
            where = Where(
                copy=copy,
                original=self.work.content,
                tracked=frozenset(self.work.paths()),
                ignored=_ignored_in(self.work.work_tree),
                links=tuple(link.strip("/") for link in config.links),
                deny=(*DEFAULT_DENY, *config.llm.deny),
                environ=environ,
                path=path,
                stage_commands=[config.stage(r.name).argv() for r in self.results if r.name in config.names],
                work_tree=self.work.work_tree,
            )
            files = tuple(dict.fromkeys(d.file for d in self.failures if d.file))
            ran = run_agent(settings, prompt, where, config.sandbox, files=files, start=start, cancel=self.work.cancel)
        self.fixer.budget.settle(0.0, ran.reply.cost)
        self._record(agent, prompt, ran)
        return ran, number

    def _step(
        self,
        agent: str,
        role: str,
        number: int,
        prompt: str,
        ran: AgentRun,
        outcome: StepOutcome,
        detail: str,
        patch_id: str | None = None,
        *,
        began: float,
        tools: float = 0.0,
    ) -> None:
        step = AgentStep(
            agent, role, number, prompt[:PROMPT_CHARS], ran.reply.summary, outcome, detail, patch_id,
            round(time.monotonic() - began, 3), ran.reply.cost, ran.reply.tokens_in, ran.reply.tokens_out, ran.notes,
            ran.jailed, round(ran.agent_seconds, 3), round(tools, 3),
        )  # fmt: skip
        with self._lock:
            self.account.steps.append(step)
        said = f"{agent} ({role}): {outcome}" + (f": {detail.splitlines()[0][:160]}" if detail else "")
        self.work.progress(said)

    def _record(self, agent: str, prompt: str, ran: AgentRun) -> None:
        kb = self.fixer.kb
        if kb is None:
            return
        with kb.connection() as store, kb.guard("the record of an agent's run", write=True):
            if store is None:
                return
            store.record_model_call(
                self.fixer.repo,
                model=f"agent:{agent}",
                prompt_tokens=ran.reply.tokens_in or 0,
                completion_tokens=ran.reply.tokens_out or 0,
                cost=ran.reply.cost,
                latency=ran.seconds,
                prompt_hash=hashlib.sha256(prompt.encode()).hexdigest()[:16],
                ok=ran.problem is None,
                error=ran.problem,
            )


def verdict_text(candidate: Candidate) -> str:
    """What checking a candidate gave, for the next agent: its status and the end of its detail."""
    detail = "\n".join((candidate.detail or "").splitlines()[-FEEDBACK_LINES:])
    said = {"verified": "every check passes with it", "failed": "it does not pass"}.get(
        candidate.status, candidate.status
    )
    return f"{said}" + (f":\n```\n{detail}\n```" if detail else "")


def _title(ran: AgentRun, agent: str) -> str:
    for line in ran.reply.summary.splitlines():
        line = line.strip().strip("*#` ").strip()
        if line and len(line) <= 100:
            return f"{agent}: {line}"
        if line:
            return f"{agent}: {line[:97]}…"
    return f"{agent}: fix for {len(ran.edits)} file(s)"


def _ignored_in(root: Path) -> Callable[[Sequence[str]], set[str]]:
    """Which of some new paths the repository's ignore rules ignore (asked of git, in the user's repository,
    which only reads)."""

    def ignored(paths: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(paths), 200):
            chunk = list(paths[start : start + 200])
            out = git(["-c", "core.quotePath=false", "check-ignore", "--no-index", "--", *chunk], root, check=False)
            found.update(line for line in out.decode("utf-8", "surrogateescape").splitlines() if line)
        return found

    return ignored
