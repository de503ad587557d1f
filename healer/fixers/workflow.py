"""How agents work together on one round's failures: in sequence, in parallel, or one of them again and again.

- iterative: one agent; each run after the first starts from its last fix,
  already in its files, and is told what checking it gave; until a run's fix
  is verified or its attempts are spent.
- sequential: the steps in order. `implement` makes a fix; `review` shows
  the last fix, its verdict and output to another agent, which approves it
  or says what to change; `refine` hands those comments to an agent that
  improves the fix (skipped when the reviewer approved a verified fix).
- parallel: every agent (and `model`, the configured model) on the same
  failures at once; the candidates are ordered best first: passing, then by
  the diagnostics they resolve, the agent's past success with such failures
  (the knowledge base), and the smaller change.

Every run is bounded by the session (healer.fixers.agent.Session): the
workflow's time and attempts, the budget, Ctrl-C.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from healer.config.settings import WorkflowSettings
from healer.fixers.candidate import Candidate
from healer.fixers.ranking import rank

if TYPE_CHECKING:
    from healer.fixers.agent import Session
    from healer.fixers.llm import ModelRound


def run_workflow(flow: WorkflowSettings, session: Session) -> tuple[list[Candidate], ModelRound | None]:
    """The candidates the workflow made, best first for a parallel one, and the model's account if it was asked."""
    if flow.kind == "parallel":
        return _parallel(flow, session)
    if flow.kind == "sequential":
        return _sequential(flow, session), None
    return _iterative(flow, session), None


def _allowed(session: Session, used: int, limit: int | None) -> bool:
    why = session.stop_reason()
    if why is None and limit is not None and used >= limit:
        why = f"its {limit} attempt(s) are spent"
    if why is not None:
        session.stop(why)
        return False
    return True


def _iterative(flow: WorkflowSettings, session: Session) -> list[Candidate]:
    agent = flow.steps[0].agent
    attempts = flow.max_attempts or session.fixer.agents[agent].max_attempts
    found: list[Candidate] = []
    start: Candidate | None = None
    for used in range(attempts):
        if not _allowed(session, used, None):
            break
        made = session.implement(agent, start)
        if made is None:
            break  # it could not run, or changed nothing: the same request again would say the same
        found.append(made)
        if made.verified or made.status in ("unverified", "unverifiable"):
            break  # verified, or no rerun can judge it here: asking again cannot help
        if made.refusal is None:
            start = made  # the next run continues from this fix, told why it did not pass
    return found


def _sequential(flow: WorkflowSettings, session: Session) -> list[Candidate]:
    found: list[Candidate] = []
    current: Candidate | None = None
    comments = ""
    decision: bool | None = None
    for used, step in enumerate(flow.steps):
        if not _allowed(session, used, flow.max_attempts):
            break
        if step.role == "implement":
            made = session.implement(step.agent, current)
        elif current is None:
            continue  # nothing to review or refine: the implementing step made nothing usable
        elif step.role == "review":
            decision, comments = session.review(step.agent, current)
            continue
        else:
            if decision is True and current.verified:
                continue  # approved and verified: there is nothing to refine
            made = session.refine(step.agent, current, comments or "(the reviewer said nothing)")
        if made is not None:
            found.append(made)
            if made.refusal is None:
                current, decision, comments = made, None, ""
    return found


def _parallel(flow: WorkflowSettings, session: Session) -> tuple[list[Candidate], ModelRound | None]:
    found: list[Candidate] = []
    model_round: list[ModelRound] = []
    lock = threading.Lock()

    def one(agent: str) -> None:
        if agent == "model":
            fixer = session.fixer.model
            if fixer is None:
                return
            proposed = fixer.propose(session.work)
            with lock:
                found.extend(proposed.candidates)
                if proposed.model is not None:
                    model_round.append(proposed.model)
            return
        made = session.implement(agent)
        if made is not None:
            with lock:
                found.append(made)

    names = [step.agent for step in flow.steps]
    if not _allowed(session, 0, None):
        return [], None
    threads = [threading.Thread(target=one, args=(name,), name=f"agent-{name}", daemon=True) for name in names]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.1)
    except BaseException:
        session.work.cancel.set()  # Ctrl-C reaches only this thread: every agent's run ends with it
        for thread in threads:
            thread.join(5)
        raise
    return best_first(found, session), (model_round[0] if model_round else None)


def best_first(candidates: list[Candidate], session: Session) -> list[Candidate]:
    """Passing first, then more diagnostics resolved, the origin's past success, the smaller change."""
    scored = rank(candidates, session.work.run, session.work.memory)

    def size(candidate: Candidate) -> int:
        return sum(len(edit.after or b"") + len(edit.before or b"") for edit in candidate.patch.edits)

    def resolved(candidate: Candidate) -> int:
        return 0 if candidate.verdict is None else candidate.verdict.resolved

    return sorted(scored, key=lambda c: (not c.passes, not c.verified, -resolved(c), -c.score, size(c), c.id))
