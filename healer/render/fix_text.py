"""`healer fix` for people: each round's candidates with status, source and coloured diff, then a summary."""

from __future__ import annotations

from healer.fixers.candidate import CHANGES_CHECKS, Candidate
from healer.fixing.choose import choose
from healer.fixing.report import FixReport, Round
from healer.llm.budget import dollars
from healer.llm.offline import UNAVAILABLE
from healer.patch.diff import unified_diff
from healer.pipeline.skip import VARIABLES

_RESET = "\033[0m"
_COLOURS = {"+": "\033[32m", "-": "\033[31m", "@": "\033[36m", "d": "\033[1m"}
_MARKS = {
    "verified": "✔ verified",
    "failed": "✘ failed",
    "unverifiable": "? unverifiable",
    "unverified": "· unverified",
    "changes-checks": f"⚠ {CHANGES_CHECKS}",
}


def render_report(report: FixReport, *, colour: bool, show_all: bool, hints: bool = True) -> str:
    """The report as text; `hints` adds what to run next (undo, apply), which the demo leaves to its own summary."""
    lines: list[str] = []
    for one in report.rounds:
        lines.extend(_round(one, report, colour=colour, show_all=show_all))
    lines.extend(_summary(report, hints=hints))
    return "\n".join(lines) + "\n"


def _round(one: Round, report: FixReport, *, colour: bool, show_all: bool) -> list[str]:
    counts = {status: sum(c.status == status for c in one.candidates) for status in _MARKS}
    found = len(one.run.diagnostics)
    changing = f"{counts['changes-checks']} passing by changing the checks, " if counts["changes-checks"] else ""
    lines = [
        "",
        f"round {one.number}: {found} failure{'s' * (found != 1)}, {len(one.candidates)} candidate fix"
        f"{'es' * (len(one.candidates) != 1)}: {counts['verified']} verified, {changing}{counts['failed']} failed, "
        f"{counts['unverifiable']} unverifiable (proposing {one.propose_seconds:.1f}s, "
        f"verifying {one.verify_seconds:.1f}s)",
    ]
    shown = [c for c in one.candidates if show_all or c.passes]
    for candidate in shown:
        lines.extend(_candidate(candidate, one, colour=colour))
    hidden = len(one.candidates) - len(shown)
    if hidden:
        lines.append(f"  ({hidden} candidate{'s' * (hidden != 1)} that did not verify; see them with --all)")
    for note in one.notes:
        where = f" at {note.report.file}:{note.report.line}" if note.report.file and note.report.line else ""
        lines.append(f"  ! {note.report.kind}{where} ({note.stage}, rule {note.rule}): {note.report.message}")
    for error in one.errors:
        lines.append(f"  ! {error}")
    if one.model is not None:
        lines.extend(_model_round(one))
    if one.agents is not None:
        lines.extend(_agent_round(one))
    for candidate, reason in one.refused:
        lines.append(f"  ✘ not applied {candidate.id}: {reason}")
    if one.chosen and report.dry_run:
        lines.append(f"  would apply: {', '.join(c.id for c in one.chosen)} (--dry-run: nothing changed)")
    for candidate in one.applied:
        patch = candidate.patch
        lines.append(f"  ✔ applied {patch.id}: {patch.title} ({', '.join(patch.paths)})")
    return lines


def _model_round(one: Round) -> list[str]:
    assert one.model is not None
    attempts = one.model.attempts
    kinds: dict[str, int] = {}
    for attempt in attempts:
        kinds[attempt.outcome] = kinds.get(attempt.outcome, 0) + 1
    counted = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    repairs = sum(attempt.repaired for attempt in attempts)
    extra = f", {repairs} with a repair request" if repairs else ""
    lines = [
        f"  model {one.model.model}: {len(attempts)} attempt{'s' * (len(attempts) != 1)} ({counted or 'none'}{extra})"
    ]
    problems: dict[str, list[str]] = {}
    for attempt in attempts:
        if attempt.outcome in ("malformed", "error") and attempt.detail != one.model.stopped:
            first = attempt.detail.splitlines()[0] if attempt.detail else "no reason given"
            problems.setdefault(first, []).append(f"{attempt.cluster} #{attempt.number}")
    for problem, where in problems.items():
        more = f" and {len(where) - 3} more" if len(where) > 3 else ""
        lines.append(f"  ! model ({', '.join(where[:3])}{more}): {problem}")
    if one.model.skipped:
        lines.append(
            f"  ! {one.model.skipped} more file(s) with failures were not sent to the model this round "
            "(at most 8 a round; apply fixes and run again)"
        )
    if one.model.stopped:
        lines.append(f"  ! the model fixer stopped: {one.model.stopped}; the other fixes above are unaffected")
    return lines


_STEP_MARKS = {"verified": "✔", "approved": "✔", "failed": "✘", "error": "!", "refused": "✘", "no-change": "·"}


def _agent_round(one: Round) -> list[str]:
    """The workflow's steps, one line each (what came of the run, then what the agent said it did)."""
    assert one.agents is not None
    account = one.agents
    spent = f", {dollars(account.cost)}" if account.cost else ""
    lines = [f"  {account.kind} workflow {account.workflow}: {len(account.steps)} step(s){spent}"]
    for step in sorted(account.steps, key=lambda s: s.number):
        mark = _STEP_MARKS.get(step.outcome, "·")
        cost = f", {dollars(step.cost)}" if step.cost is not None else ""
        said = step.summary.strip().splitlines()[0][:100] if step.summary.strip() else ""
        why = step.detail.strip().splitlines()[0][:140] if step.outcome in ("error", "no-change") else ""
        tail = f": {why}" if why else (f" (it says: {said})" if said else "")
        lines.append(
            f"    {mark} {step.number}. {step.agent} {step.role}: {step.outcome} ({step.seconds:.1f}s{cost}){tail}"
        )
        lines.extend(f"      ! {note}" for note in step.notes)
    if account.stopped:
        lines.append(f"  ! the workflow stopped: {account.stopped}")
    return lines


def _candidate(candidate: Candidate, one: Round, *, colour: bool) -> list[str]:
    patch = candidate.patch
    addresses = [d for d in one.run.diagnostics if d.fingerprint in patch.fingerprints]
    # One finding may recur in other files with the same fingerprint (black's "would reformat"): name this fix's own.
    edited = {edit.path for edit in patch.edits}
    addresses = [d for d in addresses if d.file in edited] or addresses
    flags = f" · flags: {', '.join(patch.flags)}" if patch.flags else ""
    priced = f" · {dollars(candidate.cost)}" if candidate.cost is not None else ""
    lines = [
        "",
        f"  {_MARKS[candidate.status]}{_jailed(candidate)}  {patch.title}",
        f"    id {patch.id} · {patch.source} {patch.origin} · {patch.safety} · confidence {patch.confidence:g}"
        f"{flags}{priced}",
    ]
    if addresses:
        first = addresses[0]
        more = f" and {len(addresses) - 1} more" if len(addresses) > 1 else ""
        lines.append(f"    fixes {first.stage}: {first.location()} {first.code or ''} {first.message}".rstrip() + more)
    if candidate.changes_checks:
        lines.extend(f"    ! {weakening.what}" for weakening in candidate.weakening)
        if candidate.verdict is not None and candidate.verdict.detail:
            lines.extend(f"    {line}" for line in candidate.verdict.detail.splitlines()[:12])
    elif candidate.detail:
        detail = candidate.detail.splitlines()
        lines.extend(f"    {line}" for line in detail[:12])
        if len(detail) > 12:
            lines.append(f"    … {len(detail) - 12} more lines")
    lines.extend("    " + _paint(line, colour) for line in unified_diff(patch.edits).splitlines())
    return lines


def _paint(line: str, colour: bool) -> str:
    if not colour:
        return line
    key = "d" if line.startswith(("diff ", "--- ", "+++ ")) else line[:1]
    code = _COLOURS.get(key)
    return f"{code}{line}{_RESET}" if code else line


def _summary(report: FixReport, *, hints: bool) -> list[str]:
    verified = sum(len(one.verified) for one in report.rounds)
    applied = report.applied
    outcome = {"passed": "every stage passes", "failed": "failures remain", "interrupted": "interrupted"}
    left_out = [stage.name for stage in report.final.stages if stage.status == "skipped" and stage.reason in VARIABLES]
    if report.final.outcome == "passed" and left_out:
        outcome["passed"] = f"every stage checked passes ({', '.join(left_out)} skipped as you asked)"
    lines = [
        "",
        f"healer fix: {report.found} failure{'s' * (report.found != 1)} found, {verified} verified "
        f"fix{'es' * (verified != 1)}, {len(applied)} applied in {len(report.rounds)} "
        f"round{'s' * (len(report.rounds) != 1)}; now {outcome[report.final.outcome]} ({report.duration:.1f}s)",
    ]
    usage = report.model_usage
    if usage is not None:
        cost = dollars(usage.cost) + (f" (+{usage.unknown_cost} of unknown price)" if usage.unknown_cost else "")
        lines.append(
            f"model: {usage.calls} call{'s' * (usage.calls != 1)}, {usage.cached} answered from the cache, "
            f"{usage.failed} failed; {usage.prompt_tokens + usage.completion_tokens} tokens, {cost}"
            + (f"; {usage.redactions} secret{'s' * (usage.redactions != 1)} redacted" if usage.redactions else "")
        )
    elif report.offline and report.offline.startswith(UNAVAILABLE):
        lines.append(f"model fixer {report.offline}; rules and past fixes only")
    elif report.offline and report.offline != "no model configured":
        lines.append(f"offline ({report.offline}): rules and past fixes only")
    changing = [c for one in report.rounds for c in one.changing_checks if c not in one.applied]
    if changing:
        lines.append(
            f"{len(changing)} fix{'es' * (len(changing) != 1)} {'pass' if len(changing) != 1 else 'passes'} only by "
            "changing the checks (marked ⚠ above): `--apply all` leaves "
            f"{'them' if len(changing) != 1 else 'it'}; read, then accept in `healer tui` or "
            "`healer fix --apply all --apply-weakening`"
        )
    if not hints:
        return lines
    if applied:
        lines.append("Undo with `healer undo` (the last fix) or `healer undo ID`; `healer log` lists them.")
    elif verified and not report.dry_run:
        # Suggest --apply safe only when it would apply something (a safe rule's fix, with nothing to review).
        if any(choose(one.candidates, "safe") for one in report.rounds):
            lines.append("Apply them with `healer fix --apply safe` (rules classed safe) or `--apply all`.")
        else:
            made = sorted({one.agents.workflow for one in report.rounds if one.agents is not None})
            if made:
                # The agent's diff is not kept to be applied later: asking again makes a new one (and costs again).
                lines.append(
                    f"Review and accept them in `healer tui`, or run `healer fix --agent {made[0]} --apply all` "
                    "(the agent runs again; its new fix is verified again before anything is written)."
                )
            else:
                lines.append("Apply them with `healer fix --apply all` (they are classed review: read them first).")
    return lines


def _jailed(candidate: Candidate) -> str:
    """Said of an untrusted patch whose checks ran in the OS sandbox: its code ran, but jailed."""
    return " in the sandbox" if candidate.verdict is not None and candidate.verdict.jailed else ""
