"""Run the configured agent workflow on the selected failure, from the failures screen (key a).

The first configured workflow (`[tool.healer.workflows.NAME]`) runs, or the
first configured agent alone when there is none. The run goes through the
core in a worker thread (`propose` with the agent fixer, for that failure
only), exactly as key m asks the model: each agent works jailed in a copy,
its diff is verified like every other fix, and its candidates join the
review list with the workflow's transcript (healer.tui.review.transcript).
Agents reach the network: with HEALER_OFFLINE set the core says so in one
line and nothing runs. Quitting ends an agent still at work.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual.message import Message

from healer.errors import HealerError
from healer.llm.budget import dollars
from healer.llm.offline import network_offline
from healer.reporter import Reporter
from healer.tui.messages import FixProgress

if TYPE_CHECKING:
    from healer.config.settings import Config
    from healer.diagnostics.diagnostic import Diagnostic
    from healer.fixers.agent_round import AgentRound
    from healer.fixing.report import Round
    from healer.tui.app import HealerApp
    from healer.tui.checks import Post


class AgentFixReady(Message):
    """The workflow `name` ran on one failure: the round the core returned, or the one line it refused with."""

    def __init__(self, name: str, fingerprint: str, found: Round | None, error: str | None = None) -> None:
        super().__init__()
        self.name = name
        self.fingerprint = fingerprint
        self.found = found
        self.error = error


def chosen(config: Config) -> str | None:
    """What key a runs: the first configured workflow, else the first configured agent, else None."""
    if config.workflows:
        return config.workflows[0].name
    return config.agents[0].name if config.agents else None


def available(app: HealerApp) -> bool:
    """An agent or a workflow is configured (whether it may run now is the core's to say, when asked)."""
    return chosen(app.workspace.config) is not None


def working(app: HealerApp) -> bool:
    """An agent workflow was started and has not ended (one at a time: they share the core's copies)."""
    return any(worker.group == "agent" and not worker.is_finished for worker in app.workers)


def named(config: Config, workflow: str, kind: str | None = None) -> str:
    """ "agent claude alone (iterative)" for an agent asked alone, "sequential workflow careful" for a configured
    workflow (`kind`: as the round says it ran)."""
    flow = config.workflow(workflow)
    kind = kind or (flow.kind if flow is not None else "iterative")
    if flow is None and config.agent(workflow) is not None:
        return f"agent {workflow} alone ({kind})"
    return f"{kind} workflow {workflow}"


def offer(app: HealerApp) -> str:
    """One line: what key a runs (the agent, or the workflow and its steps), its bound, and whether it can now."""
    config = app.workspace.config
    name = chosen(config)
    if name is None:
        return ""
    flow = config.workflow(name)
    if flow is not None:
        steps = ", ".join(step.agent + ("" if step.role == "implement" else f" {step.role}") for step in flow.steps)
        what = f"run {flow.kind} workflow {name} ({steps}) on this failure"
    else:
        agent = config.agent(name)
        tool = (agent.preset or " ".join(agent.command[:1]) or "command") if agent else "command"
        what = f"ask agent {name} ({tool}) for a fix"
    budget = config.llm.budget_per_run
    bound = f"up to ${budget:.2f} a run" if budget > 0 else "no budget set"
    blocked = network_offline(flag=False)
    if working(app):
        return f"a: {what} (one is at work now)"
    return f"a: {what} ({bound}" + (f"; not while {blocked}" if blocked else "") + ")"


class _Progress(Reporter):
    """What the agents are doing (step 2 of the workflow…), as the progress line of the check it was asked from."""

    def __init__(self, generation: int, post: Post) -> None:
        self.generation = generation
        self.post = post

    def progress(self, message: str) -> None:
        self.post(FixProgress(self.generation, message))


def ask(app: HealerApp, diagnostic: Diagnostic) -> None:
    run = app.session.run
    config = app.workspace.config
    name = chosen(config)
    if name is None:
        return
    if run is None:
        app.tell("nothing has been checked yet")
        return
    if working(app):
        app.tell("an agent is already at work; its fixes join the review list when it is done")
        return
    core = app.core
    cancel = threading.Event()
    app.agent_cancel = cancel
    fingerprint = diagnostic.fingerprint
    progress = _Progress(app.session.generation, app.post_message)
    app.tell(f"{named(config, name)}: working on {diagnostic.location() or diagnostic.stage}…")

    def body() -> None:
        try:
            fixers = core.fixers(("agent",), offline=None, workflow=name, agents_offline=network_offline(flag=False))
            found = core.propose(run, fixers=fixers, only=[fingerprint], cancel=cancel, reporter=progress)
        except HealerError as error:  # not configured any more, offline, not installed: one line
            app.post_message(AgentFixReady(name, fingerprint, None, str(error)))
            return
        app.post_message(AgentFixReady(name, fingerprint, found))

    app.run_worker(body, thread=True, group="agent", name=f"run {name}", exit_on_error=False)


def stop(app: HealerApp) -> None:
    """End the agent at work (quitting): the core ends its process group and judges nothing more."""
    if app.agent_cancel is not None:
        app.agent_cancel.set()


def spent(account: AgentRound) -> str:
    """What the agents said they spent, or that none said."""
    if not any(step.cost is not None for step in account.steps):
        return "no cost reported"
    return dollars(account.cost)


def summary(config: Config, message: AgentFixReady) -> str:
    """What the run gave, for a notification: candidates, verified, cost; or why it stopped or gave nothing."""
    if message.error is not None:
        return message.error.splitlines()[0] if message.error else f"{message.name}: not run"
    found = message.found
    account = None if found is None else found.agents
    if found is None or account is None:
        errors = [] if found is None else found.errors
        return f"{message.name}: " + (errors[0].splitlines()[0] if errors else "no failure to work on")
    candidates = found.candidates
    verified = sum(candidate.verified for candidate in candidates)
    changing = sum(candidate.changes_checks for candidate in candidates)
    weakening = f", {changing} passing by changing the checks" if changing else ""
    text = (
        f"{named(config, account.workflow, account.kind)}: {len(candidates)} candidate(s), {verified} verified"
        f"{weakening}, {spent(account)}"
    )
    if account.stopped:
        text += f"; stopped: {account.stopped}"
    elif not candidates and account.steps:
        last = max(account.steps, key=lambda step: step.number)
        why = last.detail.strip().splitlines()[0][:160] if last.detail.strip() else ""
        text += f"; {last.agent} {last.role}: {last.outcome}" + (f": {why}" if why else "")
    elif not candidates and found.errors:
        text += f"; {found.errors[0].splitlines()[0]}"
    return text


def failed(message: AgentFixReady) -> bool:
    """Whether the notification says something went wrong: refused, or no candidate that passes."""
    if message.error is not None or message.found is None:
        return True
    return not any(candidate.passes for candidate in message.found.candidates)
