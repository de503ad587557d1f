"""An agent workflow's transcript, as the review screen shows it: one line a step, or every prompt and reply.

Plain data in, Rich text out, no Textual. The wording is `healer fix`'s
(healer.render.fix_text): "✔ 1. claude implement: verified (1.2s, $0.0123)
(it says: …)". The transcript is the `AgentRound` of the round the core
returned; a fix's own step is the one whose patch is that fix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from healer.llm.budget import dollars
from healer.tui.state import count

if TYPE_CHECKING:
    from healer.fixers.agent_round import AgentRound, AgentStep

MARKS = {"verified": "✔", "approved": "✔", "failed": "✘", "error": "!", "refused": "✘", "no-change": "·"}
SUMMARY_CHARS = 100
DETAIL_CHARS = 140


def ordered(account: AgentRound) -> list[AgentStep]:
    return sorted(account.steps, key=lambda step: step.number)


def made_by(account: AgentRound, patch_id: str) -> AgentStep | None:
    """The step whose run made the patch `patch_id`, if one did."""
    return next((step for step in ordered(account) if step.patch_id == patch_id), None)


def heading(account: AgentRound, title: str, patch_id: str | None = None) -> str:
    """ "sequential workflow careful: 3 steps, $0.0369 · this fix: step 3 (gemini refine)"; `title` names it."""
    cost = f", {dollars(account.cost)}" if any(step.cost is not None for step in account.steps) else ""
    text = f"{title}: {count(len(account.steps), 'step')}{cost}"
    mine = None if patch_id is None else made_by(account, patch_id)
    if mine is not None:
        text += f" · this fix: step {mine.number} ({mine.agent} {mine.role})"
    return text


def step_line(step: AgentStep) -> str:
    """What came of one step, then what the agent said it did (or why nothing came of it)."""
    mark = MARKS.get(step.outcome, "·")
    cost = f", {dollars(step.cost)}" if step.cost is not None else ""
    said = step.summary.strip().splitlines()[0][:SUMMARY_CHARS] if step.summary.strip() else ""
    why = step.detail.strip().splitlines()[0][:DETAIL_CHARS] if step.outcome in ("error", "no-change") else ""
    tail = f": {why}" if why else (f" (it says: {said})" if said else "")
    return f"{mark} {step.number}. {step.agent} {step.role}: {step.outcome} ({step.seconds:.1f}s{cost}){tail}"


def _style(step: AgentStep) -> str:
    if step.outcome in ("verified", "approved"):
        return "green"
    return "yellow" if step.outcome in ("changes-checks", "changes-requested", "no-decision", "unverified") else "red"


def steps_text(account: AgentRound, patch_id: str | None, *, limit: int) -> Text:
    """The info panel's part: one line a step (this fix's in bold) and its notes, at most `limit` lines, then
    the key that shows the rest."""
    lines: list[tuple[str, str, bool]] = []
    for step in ordered(account):
        mine = step.patch_id is not None and step.patch_id == patch_id
        lines.append((step_line(step), _style(step) + (" bold" if mine else ""), True))
        lines.extend((f"    ! {note}", "yellow", False) for note in step.notes)
    if account.stopped:
        lines.append((f"! the workflow stopped: {account.stopped}", "bold yellow", False))
    shown = lines if len(lines) <= limit else lines[: max(1, limit - 1)]
    hidden = len(account.steps) - sum(is_step for _, _, is_step in shown)
    text = Text()
    for line, style, _ in shown:
        text.append(f"{line}\n", style=style)
    more = f"… {count(hidden, 'more step')}; " if hidden else ""
    text.append(f"{more}t: the whole transcript (prompts and replies)", style="dim")
    return text


def full_text(account: AgentRound, title: str, patch_id: str | None = None) -> Group:
    """Every step: what it was told (the prompt), what it said (the reply), the verdict, its notes; the prompts
    and replies indented, their wrapped lines too."""
    parts: list[RenderableType] = [Text(heading(account, title, patch_id), style="bold")]
    if account.stopped:
        parts.append(Text(f"! the workflow stopped: {account.stopped}", style="bold yellow"))
    if not account.steps:
        parts.append(Text("\nno step ran", style="dim"))
    for step in ordered(account):
        parts.append(Text("\n" + step_line(step).split(" (it says:")[0], style=_style(step) + " bold"))
        facts = []
        if step.tokens_in is not None or step.tokens_out is not None:
            facts.append(f"tokens {step.tokens_in or 0} in, {step.tokens_out or 0} out")
        facts.append("sandboxed" if step.jailed else "not sandboxed")
        if step.patch_id:
            facts.append(f"patch {step.patch_id}" + (" (this fix)" if step.patch_id == patch_id else ""))
        parts.append(Padding(Text(" · ".join(facts), style="dim"), (0, 0, 0, 2)))
        parts.extend(_block("told", step.prompt))
        parts.extend(_block("it says", step.summary or "(nothing)"))
        if step.detail.strip() and step.detail.strip() != step.summary.strip():
            parts.extend(_block("review comments" if step.role == "review" else "verdict", step.detail))
        parts.extend(Padding(Text(f"! {note}", style="yellow"), (0, 0, 0, 2)) for note in step.notes)
    return Group(*parts)


def _block(label: str, body: str) -> list[RenderableType]:
    return [Padding(Text(f"{label}:", style="bold"), (0, 0, 0, 2)), Padding(Text(body.rstrip()), (0, 0, 0, 4))]
