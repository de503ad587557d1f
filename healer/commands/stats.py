"""`healer stats`: how the checks and the fixes have fared, from the knowledge base."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from healer.commands.history import open_kb, this_repo, when
from healer.llm.budget import dollars

if TYPE_CHECKING:
    import argparse

STATS_SCHEMA = "healer.stats/1"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit}"
    return f"{seconds:.1f}s"


def _fix_line(name: str, counts: dict[str, Any]) -> str:
    return (
        f"  {name:<28} {counts['proposed']:>8} {counts['verified']:>8} {counts['accepted']:>8} {counts['undone']:>6}"
        f"  {_percent(counts['false_fix_rate']):>10}"
    )


def describe(report: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    stages = report["stages"]
    if stages:
        lines.append(f"  {'stage':<20} {'runs':>7} {'success':>8} {'recovered':>9} {'red→green':>10}")
        lines[-1] = "stages:\n" + lines[-1]
        for stage in stages:
            lines.append(
                f"  {stage['stage']:<20} {stage['runs']:>7} {_percent(stage['success_rate']):>8}"
                f" {stage['recoveries']:>9} {_duration(stage['mean_red_to_green']):>10}"
            )
    else:
        lines.append("no runs recorded yet")
    fixes = report["fixes"]
    if fixes["total"]["proposed"]:
        lines.append("fixes:")
        lines.append(f"  {'':<28} {'proposed':>8} {'verified':>8} {'accepted':>8} {'undone':>6}  {'false-fix':>10}")
        lines.append(_fix_line("all", fixes["total"]))
        for title, group in (("rule", "by_rule"), ("model", "by_model"), ("replay", "replayed")):
            for entry in fixes[group]:
                lines.append(_fix_line(f"{title} {entry['origin']}", entry))
    else:
        lines.append("no fixes proposed yet")
    if report["flaky"]:
        lines.append("flaky tests (passed on rerun):")
        for test in report["flaky"]:
            lines.append(f"  {test['count']:>4}×  {test['node_id']}  (last {when(test['last_seen'])})")
    model = report["model"]
    if model["calls"] or model["cached"]:
        today = model.get("cost_today_all_repos")
        lines.append(
            f"model: {model['calls']} calls ({model['failed_calls']} failed), {model['cached']} answered from the"
            f" cache, {model['prompt_tokens'] + model['completion_tokens']} tokens, {dollars(model['cost'])}"
            + (f" (today, all repositories: {dollars(today)})" if today else "")
        )
        for entry in model["by_model"]:
            latency = f", {entry['mean_latency']:.1f}s a call" if entry["mean_latency"] is not None else ""
            lines.append(
                f"  {entry['model']}: {entry['calls']} calls, {entry['cached']} cached, "
                f"{entry['prompt_tokens']}+{entry['completion_tokens']} tokens, "
                f"{dollars(entry['cost'] or 0.0)}{latency}"
            )
    return lines


def execute(args: argparse.Namespace) -> int:
    from healer.kb.history import stats

    repo = this_repo(args.all_repos)
    with open_kb() as store:
        report = stats(store, repo)
    if args.json:
        import json

        print(json.dumps({"schema": STATS_SCHEMA, "repo": repo, **report}, indent=2, ensure_ascii=False))
    else:
        print("\n".join(describe(report)))
    sys.stdout.flush()
    return 0
