"""What the knowledge base remembers, as lines of text: recent runs and fixes, statistics, one failure's past.

The CLI (`healer history`, `healer stats`) and the terminal UI word these the
same way, so the two can never disagree.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from healer.kb.history import FailureHistory, FixRow, OriginFixes, RunRow, Stats
from healer.llm.budget import dollars
from healer.render.columns import columns


def when(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(seconds))


def describe_activity(runs: Sequence[RunRow], fixes: Sequence[FixRow], all_repos: bool) -> list[str]:
    lines = ["runs:" if runs else "no runs recorded yet"]
    for run in runs:
        failed = f"  failed: {', '.join(run.failed_stages)}" if run.failed_stages else ""
        where = f"  {run.repo}" if all_repos else ""
        lines.append(
            f"  {when(run.started)}  {run.trigger:<10}  {run.snapshot:<8}  {run.outcome:<11}"
            f"  {run.duration:7.1f}s{failed}{where}"
        )
    lines.append("fixes:" if fixes else "no fixes applied yet")
    for fix in fixes:
        where = f"  {fix.repo}" if all_repos else ""
        lines.append(f"  {when(fix.time)}  {fix.decision:<8}  {fix.patch_id}  {fix.title or '?'}{where}")
    return lines


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit}"
    return f"{seconds:.1f}s"


def _fix_row(name: str, counts: OriginFixes) -> list[str]:
    return [
        name, str(counts.proposed), str(counts.verified), str(counts.accepted), str(counts.undone),
        _percent(counts.false_fix_rate),
    ]  # fmt: skip


def describe_stats(report: Stats) -> list[str]:
    lines: list[str] = []
    if report.stages:
        lines.append("stages:")
        rows = [["stage", "runs", "success", "recovered", "red→green"]]
        for stage in report.stages:
            rows.append([
                stage.stage, str(stage.runs), _percent(stage.success_rate), str(stage.recoveries),
                _duration(stage.mean_red_to_green),
            ])  # fmt: skip
        lines.extend(columns(rows, "<>>>>"))
    else:
        lines.append("no runs recorded yet")
    fixes = report.fixes
    if fixes.total.proposed:
        lines.append("fixes:")
        rows = [["", "proposed", "verified", "accepted", "undone", "false-fix"]]
        rows.append(_fix_row("all", OriginFixes("all", *fixes.total)))
        groups = (
            ("rule", fixes.by_rule),
            ("model", fixes.by_model),
            ("agent", fixes.by_agent),
            ("replay", fixes.replayed),
        )
        for title, group in groups:
            rows.extend(_fix_row(f"{title} {entry.origin}", entry) for entry in group)
        lines.extend(columns(rows, "<>>>>>"))
    else:
        lines.append("no fixes proposed yet")
    if report.flaky:
        lines.append("flaky tests (passed on rerun):")
        flaky = [[f"{test.count}×", test.node_id, f"(last {when(test.last_seen)})"] for test in report.flaky]
        lines.extend(columns(flaky, "><<"))
    model = report.model
    if model.calls or model.cached:
        today = model.cost_today_all_repos
        lines.append(
            f"model: {model.calls} calls ({model.failed_calls} failed), {model.cached} answered from the"
            f" cache, {model.prompt_tokens + model.completion_tokens} tokens, {dollars(model.cost)}"
            + (f" (today, all repositories: {dollars(today)})" if today else "")
        )
        for usage in model.by_model:
            latency = f", {usage.mean_latency:.1f}s a call" if usage.mean_latency is not None else ""
            lines.append(
                f"  {usage.model}: {usage.calls} calls, {usage.cached} cached, "
                f"{usage.prompt_tokens}+{usage.completion_tokens} tokens, "
                f"{dollars(usage.cost or 0.0)}{latency}"
            )
    return lines


def describe_failure_history(history: FailureHistory | None, here: str) -> list[str]:
    """The knowledge base's memory of one failure, in a few lines (`here`: the current repository)."""
    if history is None:
        return ["history: the knowledge base is not available"]
    if history.runs <= 1:
        lines = ["history: first time seen"]
    else:
        since = f" since {when(history.first_seen)}" if history.first_seen is not None else ""
        where = f" in {history.repos} repositories" if history.repos > 1 else ""
        lines = [f"history: seen in {history.runs} runs{where}{since}"]
    if history.fixes:
        lines.append("fixed before:")
        for fix in history.fixes:
            origin = f"{fix.source} {fix.origin}"
            elsewhere = "" if fix.repo == here else f" in {fix.repo}"
            title = fix.title or fix.patch_id
            lines.append(f"  {fix.decision} {when(fix.time)} via {fix.via}{elsewhere}: {title} ({origin})")
    elif history.runs > 1:
        lines.append("no fix for it was ever applied")
    return lines
