"""`healer ci pull` and `healer ci status` for people and programs: text that reads like a local run,
and the JSON documents healer.ci-pull/1 and healer.ci-status/1 (docs/json.md)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import healer
from healer.ci.pull import NOTHING_TO_FIX, CiFailure, Pulled, PullResult, Status
from healer.diagnostics.identical import identical
from healer.github.runs import RateLimit, WorkflowRun
from healer.render.columns import columns
from healer.render.fix_json import fix_document
from healer.render.json_document import run_document
from healer.render.report import duration
from healer.render.text import clean_line

PULL_SCHEMA = "healer.ci-pull/1"
STATUS_SCHEMA = "healer.ci-status/1"
MAX_DIAGNOSTICS = 20
_WORDS: dict[Status, str] = {
    "reproduced": "reproduced here",
    "not-reproduced": "NOT reproduced here",
    "unmapped": "not mapped to a stage",
    "not-rerun": "not rerun",
}
_MARKS = {"success": "✓", "failure": "✗", "timed_out": "✗", "startup_failure": "✗", "cancelled": "⊘", "skipped": "-"}


# -- ci pull -------------------------------------------------------------------------------------------------


def pull_text(result: PullResult) -> list[str]:
    """Everything at once (what `pulled_text` and `verdict_text` show before and after the rerun)."""
    return pulled_text(result) + verdict_text(result)


def pulled_text(pulled: Pulled) -> list[str]:
    """Before the rerun: the run, and each failed step with its CI diagnostics and the stages it maps to
    (an unmapped one with why, and the end of its log)."""
    run = pulled.run
    if run is None:
        return [f"healer: {note}: nothing to pull" for note in pulled.notes]
    lines = [clean_line(f"{run.workflow} run {run.id} ({run.event}, {run.conclusion or run.status}) of "
                        f"{run.head_sha[:7]}{_on(run)}: {run.url}")]  # fmt: skip
    lines += [f"note: {clean_line(note)}" for note in pulled.notes]
    for failure in pulled.failures:
        lines += _failure_text(failure)
    if pulled.failures:
        lines.append("")
    return lines


def verdict_text(result: PullResult) -> list[str]:
    """After the rerun: what became of each mapped failure here, a not reproduced one with the end of its CI
    log, and the summary."""
    lines: list[str] = []
    for failure in result.failures:
        if failure.status == "unmapped":
            continue
        stages = ", ".join(failure.stages)
        lines.append(
            clean_line(f"{failure.job} › {failure.step}: {_WORDS[failure.status]} ({stages}): {failure.reason}")
        )
        if failure.status == "not-reproduced":
            lines += _excerpt(failure)
    if NOTHING_TO_FIX in result.notes:
        lines.append(f"note: {NOTHING_TO_FIX}")
    if result.run is not None:
        lines.append(pull_summary(result))
    if result.fix is None and result.count("reproduced"):
        lines.append("next: healer ci pull --fix (then review the fixes in `healer tui`)")
    return lines


def pull_summary(result: PullResult) -> str:
    if not result.failures:
        return "CI: nothing failed that a stage could rerun"
    parts = [f"{result.count(status)} {word}" for status, word in _WORDS.items() if result.count(status)]
    failed = len(result.failures)
    return f"CI: {failed} failed step{'s' * (failed != 1)}: {', '.join(parts)}"


def _failure_text(failure: CiFailure) -> list[str]:
    what = failure.command.splitlines()[0] if failure.command else failure.uses or failure.step
    number = f" {failure.step_number}" if failure.step_number is not None else ""
    lines = ["", clean_line(f"--- {failure.job} › step{number} {failure.step!r}: {what}")]
    groups = identical(failure.diagnostics)
    for group in groups[:MAX_DIAGNOSTICS]:
        diag = group.first
        where = diag.location()
        code = f" [{diag.code}]" if diag.code else ""
        lines.append(clean_line(f"  {where + ': ' if where else ''}{diag.message}{code}{group.times()}"))
    if len(groups) > MAX_DIAGNOSTICS:
        lines.append(f"  ... and {len(groups) - MAX_DIAGNOSTICS} more (--json shows all)")
    if failure.stages:
        plural = "s" * (len(failure.stages) > 1)
        lines.append(f"  runs stage{plural} {', '.join(failure.stages)} here (matched by {failure.matched_by})")
    else:
        lines.append(clean_line(f"  {_WORDS['unmapped']}: {failure.reason}"))
        lines += _excerpt(failure)
    return lines


def _excerpt(failure: CiFailure) -> list[str]:
    if not failure.excerpt:
        return []
    return [f"  CI log (last {len(failure.excerpt)} of {failure.output_lines} lines):"] + [
        f"  | {line}" for line in failure.excerpt
    ]


def _on(run: WorkflowRun) -> str:
    return f" on {run.head_branch}" if run.head_branch else ""


def pull_document(result: PullResult) -> dict[str, Any]:
    return {
        "schema": PULL_SCHEMA,
        "healer_version": healer.__version__,
        "repository": result.repo,
        "run": None if result.run is None else run_json(result.run),
        "head": result.head,
        "same_commit": result.same_commit,
        "log_source": result.log_source,
        "outcome": result.outcome,
        "exit_code": result.exit_code,
        "notes": list(result.notes),
        "failures": [_failure_json(failure) for failure in result.failures],
        "local_run": None if result.local is None else run_document(result.local),
        "fix": None if result.fix is None else fix_document(result.fix),
    }


def _failure_json(failure: CiFailure) -> dict[str, Any]:
    return {
        "job": failure.job,
        "job_id": failure.job_id,
        "job_url": failure.job_url,
        "step": failure.step,
        "step_number": failure.step_number,
        "command": failure.command,
        "uses": failure.uses,
        "exit_code": failure.exit_code,
        "status": failure.status,
        "stages": list(failure.stages),
        "matched_by": failure.matched_by,
        "reason": failure.reason,
        "diagnostics": [d.to_dict() for d in failure.diagnostics],
        "log_excerpt": list(failure.excerpt),
        "log_lines": failure.output_lines,
    }


# -- ci status -------------------------------------------------------------------------------------------------


def status_text(repo: str, branch: str, runs: list[WorkflowRun], limit: RateLimit | None) -> list[str]:
    if not runs:
        lines = [f"no workflow runs of branch {branch} in {repo}"]
    else:
        lines = [f"the last {len(runs)} workflow run{'s' * (len(runs) != 1)} of {repo} on {branch}:"]
        rows = [
            [_MARKS.get(run.conclusion or "", "…"), run.workflow, run.event, _state(run), run.head_sha[:7],
             _started(run.started_at), _took(run), run.url]
            for run in runs
        ]  # fmt: skip
        lines += columns(rows, "<<<<<<><")
    if limit is not None:
        lines.append(limit.describe())
    return lines


def status_document(repo: str, branch: str, runs: list[WorkflowRun], limit: RateLimit | None) -> dict[str, Any]:
    return {
        "schema": STATUS_SCHEMA,
        "healer_version": healer.__version__,
        "repository": repo,
        "branch": branch,
        "runs": [run_json(run) for run in runs],
        "rate_limit": None
        if limit is None
        else {"remaining": limit.remaining, "limit": limit.limit, "reset": limit.reset},
    }


def run_json(run: WorkflowRun) -> dict[str, Any]:
    seconds = run.duration
    return {
        "id": run.id,
        "workflow": run.workflow,
        "title": run.title,
        "event": run.event,
        "status": run.status,
        "conclusion": run.conclusion,
        "head_sha": run.head_sha,
        "head_branch": run.head_branch,
        "attempt": run.attempt,
        "started_at": run.started_at,
        "updated_at": run.updated_at,
        "duration": None if seconds is None else round(seconds, 1),
        "url": run.url,
    }


def _state(run: WorkflowRun) -> str:
    return f"{run.status}/{run.conclusion}" if run.conclusion else run.status.replace("_", " ")


def _took(run: WorkflowRun) -> str:
    seconds = run.duration
    if seconds is None:
        return ""
    return duration(seconds) if run.finished else f"{duration(seconds)}…"


def _started(value: str | None) -> str:
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return value
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(moment))
