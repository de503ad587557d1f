"""The plain-text account of a finished run: what failed, where, and why."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from healer.diagnostics.identical import identical
from healer.pipeline.events import Event, RunFinished
from healer.pipeline.result import RunResult, StageResult
from healer.render.text import clean_line

if TYPE_CHECKING:
    from healer.pipeline.baseline import NewFindings
    from healer.pipeline.runner import Sink

TAIL_LINES = 15
MAX_DIAGNOSTICS = 50


def duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 60:
        return f"{seconds:.1f}s"
    return f"{int(seconds // 60)}m{seconds % 60:02.0f}s"


def status_word(result: StageResult) -> str:
    word = {"passed": "passed", "failed": "FAILED", "error": "ERROR", "skipped": "skipped", "cancelled": "cancelled"}
    text = word[result.status]
    if result.timed_out:
        text = "TIMED OUT"
    return f"{text} (cached)" if result.cached else text


def stage_line(result: StageResult) -> str:
    time = "" if result.status == "skipped" else f" in {duration(result.duration)}"
    reason = f": {clean_line(result.reason)}" if result.reason and result.status in ("skipped", "error") else ""
    return f"{result.name} {status_word(result)}{time}{reason}"


def failure_details(result: StageResult) -> list[str]:
    """The diagnostics of a failed stage, or the end of its output when nothing was parsed.

    Identical findings are one line with their count: a NameError that 30 tests run into is one mistake.
    """
    kind = "" if result.kind == result.name else f" ({result.kind})"
    lines = [clean_line(f"--- {result.name}{kind}: {result.command}")]
    located = [d for d in result.diagnostics if d.file or d.tool != "healer"]
    groups = identical(result.diagnostics)
    for group in groups[:MAX_DIAGNOSTICS]:
        diag = group.first
        where = diag.location()
        code = f" [{diag.code}]" if diag.code else ""
        prefix = f"{where}: " if where else ""
        lines.append(clean_line(f"  {prefix}{diag.message}{code}{group.times()}"))
        if diag.suggestion:
            lines.append(clean_line(f"      suggestion: {diag.suggestion}"))
    hidden = len(groups) - MAX_DIAGNOSTICS
    if hidden > 0:
        lines.append(f"  ... and {hidden} more (healer run --json shows all)")
    if not located and result.output.strip():
        tail = result.output.rstrip().splitlines()[-TAIL_LINES:]
        lines.append("  last lines of output:")
        lines.extend(f"  | {clean_line(line)}" for line in tail)
    if result.log_path:
        lines.append(f"  full output: {result.log_path}")
    return lines


def summary(run: RunResult) -> str:
    counts = {status: 0 for status in ("passed", "failed", "error", "skipped", "cancelled")}
    for stage in run.stages:
        counts[stage.status] += 1
    cached = sum(1 for stage in run.stages if stage.cached)
    parts = [f"{n} {status}" for status, n in counts.items() if n]
    if cached:
        parts.append(f"{cached} from cache")
    problems = len(run.diagnostics)
    if problems:
        parts.append(f"{problems} diagnostic{'s' if problems != 1 else ''}")
    head = {"passed": "All stages passed", "failed": "Pipeline failed", "interrupted": "Interrupted"}[run.outcome]
    if run.outcome == "passed" and counts["skipped"] and counts["skipped"] == len(run.stages):
        head = "Nothing checked"  # every stage skipped is no pass to report as one
    return f"{head}: {', '.join(parts) or 'no stages'} ({duration(run.duration)})"


def report(run: RunResult) -> list[str]:
    lines: list[str] = []
    for result in run.stages:
        if result.status in ("failed", "error"):
            lines.extend(failure_details(result))
    lines.append(summary(run))
    return lines


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def base_line(findings: NewFindings) -> str:
    """Where the pre-existing findings come from, or why there is no comparison (then everything blocks)."""
    if not findings.compared:
        return clean_line(f"healer: no base to compare with ({findings.reason}): every finding blocks")
    how = "from the cache" if findings.source == "cache" else "checked now"
    return clean_line(f"healer: compared with {(findings.base or '')[:9]}, {findings.named} (its results {how})")


def stage_counts(findings: NewFindings) -> list[str]:
    """One line per failing stage: `lint: 2 new, 300 pre-existing (not blocking)`."""
    lines = []
    for stage in findings.stages:
        parts = [f"{len(stage.new)} new", f"{len(stage.existing)} pre-existing"]
        if stage.failure is not None:
            parts.append(f"the stage's failure is {stage.failure}")
        note = "blocking" if stage.blocking else "not blocking"
        lines.append(f"{stage.stage}: {', '.join(parts)} ({note})")
    return lines


def new_summary(run: RunResult, findings: NewFindings) -> str:
    existing = findings.existing_count
    tail = f"{_plural(existing, 'pre-existing finding')} do{'es' * (existing == 1)} not block"
    if findings.blocking:
        stages = ", ".join(stage.stage for stage in findings.stages if stage.blocking)
        head = f"New failures: {_plural(findings.new_count, 'new finding')} ({stages})"
        return f"{head}; {tail} ({duration(run.duration)})"
    return f"No new failures: {tail} ({duration(run.duration)})"


def new_report(run: RunResult, findings: NewFindings) -> list[str]:
    """The account of a run when only new findings block: the new ones in detail, the rest counted."""
    if not findings.compared:
        return [base_line(findings), *report(run)]
    lines: list[str] = []
    for result in run.stages:
        stage = findings.stage(result.name)
        if stage is None or not stage.blocking:
            continue
        shown = result._replace(diagnostics=stage.new) if stage.new and stage.failure != "new" else result
        lines.extend(failure_details(shown))
    return [*lines, base_line(findings), *stage_counts(findings), new_summary(run, findings)]


class HeldReport:
    """A display whose end-of-run report waits for the comparison with the base (block = "new").

    Every event passes through but `RunFinished`, which is kept until `release`: the display then shows the
    new findings in detail and counts the pre-existing ones (its `finish`), or the usual report without them.
    """

    def __init__(self, inner: Sink) -> None:
        self.inner = inner
        self.finished: RunFinished | None = None

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            self.finished = event
        else:
            self.inner(event)

    def release(self, findings: NewFindings | None) -> None:
        event, self.finished = self.finished, None
        if event is None:
            return
        finish: Callable[[RunResult, NewFindings], None] | None = getattr(self.inner, "finish", None)
        if findings is None or finish is None:
            self.inner(event)
        else:
            finish(event.result, findings)
