"""A run (and what fixing made of it) as the Markdown of a GitHub Actions job summary (`$GITHUB_STEP_SUMMARY`).

A headline, the stages with status and time, the diagnostics grouped by stage and file with links to the
lines at the commit, and the fixes that passed verification as collapsible diffs. A fix that passes only
by changing the checks is shown apart and said to be so, never as verified. Everything a tool or a fix
wrote is escaped (Markdown and HTML), and the whole stays under `LIMIT` bytes, well below GitHub's 1 MiB
per step, saying what was left out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from healer.diagnostics.diagnostic import Diagnostic
from healer.fixers.candidate import CHANGES_CHECKS, Candidate
from healer.fixing.report import FixReport
from healer.patch.diff import unified_diff
from healer.pipeline.result import RunResult, StageResult
from healer.render.sarif import SURROGATES, repository_path

LIMIT = 512 * 1024
"""Bytes of UTF-8 at most; GitHub refuses a step's summary over 1 MiB."""
PER_STAGE = 50
"""Diagnostics shown for one stage; the rest are counted."""
MESSAGE_CHARS = 500
DIFF_LINES = 200
"""Lines of one fix's diff shown; a longer one is cut and says how much is missing."""
DIFF_LINE_CHARS = 300
_RESERVE = 2048
"""Kept back for the closing note on what was cut."""
_MARKS = {
    "passed": "✅ passed",
    "failed": "❌ failed",
    "error": "💥 could not run",
    "skipped": "⏭️ skipped",
    "cancelled": "⏹️ cancelled",
}
_HEADLINES = {
    "passed": "✅ healer: every stage passed",
    "failed": "❌ healer: failures",
    "interrupted": "⏹️ healer: interrupted",
}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_BACKTICKS = re.compile(r"`+")


@dataclass(frozen=True)
class SourceLinks:
    """Where the checked commit's files are shown: `{server_url}/{repository}/blob/{sha}/{path}#L{line}`."""

    server_url: str
    """https://github.com, or a GitHub Enterprise server's address."""
    repository: str
    """owner/name"""
    sha: str

    def file(self, path: str, line: int | None = None) -> str:
        url = f"{self.server_url.rstrip('/')}/{self.repository}/blob/{self.sha}/{quote(_clean(path), safe='/')}"
        return f"{url}#L{line}" if line else url

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> SourceLinks | None:
        """From the variables GitHub Actions sets in every job, or None outside one."""
        repository, sha = environ.get("GITHUB_REPOSITORY", ""), environ.get("GITHUB_SHA", "")
        if not repository or not sha:
            return None
        return cls(environ.get("GITHUB_SERVER_URL") or "https://github.com", repository, sha)


def escape(text: str) -> str:
    """`text` as literal Markdown inline text: no markup, no HTML, on one line."""
    text = " ".join(_clean(text).split())
    text = html.escape(text, quote=False)
    return _MARKDOWN.sub(r"\\\1", text)


def _clean(text: str) -> str:
    # Undecodable bytes travel as lone surrogates (surrogateescape); the summary file is UTF-8.
    return SURROGATES.sub("\ufffd", text)


def _html(text: str) -> str:
    """For text inside an HTML element (a <summary>), where Markdown is not read but HTML is."""
    return html.escape(" ".join(_clean(text).split()), quote=True)


class _Budget:
    def __init__(self, limit: int) -> None:
        self.left = limit - _RESERVE

    def take(self, text: str) -> bool:
        size = len(text.encode("utf-8")) + 1
        if size > self.left:
            return False
        self.left -= size
        return True


def job_summary(
    run: RunResult,
    report: FixReport | None = None,
    links: SourceLinks | None = None,
    *,
    limit: int = LIMIT,
    applied_as: str = "applied",
) -> str:
    """The Markdown for `$GITHUB_STEP_SUMMARY`: at most `limit` bytes of UTF-8. `applied_as`: how an applied
    fix is marked (`healer ci` applies to its patch file, never to the checkout: "in the patch")."""
    budget = _Budget(limit)
    lines: list[str] = []
    cut: dict[str, int] = {}

    for block in _head(run):
        budget.take(block)
        lines.append(block)
    for section in (_diagnostic_blocks(run, links), [] if report is None else _fix_blocks(report, applied_as)):
        cutting = False
        for block, what, count in section:
            # Once one block of a section is cut, the rest of it goes too: no holes in the middle of a list.
            cutting = cutting or not budget.take(block)
            if cutting:
                cut[what] = cut.get(what, 0) + count
            else:
                lines.append(block)
    if cut:
        said = ", ".join(f"{n} {what}" for what, n in cut.items() if n)
        lines.append(
            f"\n> [!NOTE]\n> Cut to stay under GitHub's 1 MiB step summary limit: {said} left out "
            "(the SARIF file and `healer run --json` have everything)."
        )
    return "\n".join(lines) + "\n"


def _head(run: RunResult) -> list[str]:
    counts = {status: sum(stage.status == status for stage in run.stages) for status in _MARKS}
    counts = {status: n for status, n in counts.items() if n}
    found = len(run.diagnostics)
    said = ", ".join(f"{n} {status}" for status, n in counts.items())
    blocks = [
        f"## {_HEADLINES[run.outcome]}",
        "",
        f"{len(run.stages)} stage{'s' * (len(run.stages) != 1)}: {said or 'none'} · "
        f"{found} diagnostic{'s' * (found != 1)} · {run.duration:.1f}s",
        "",
    ]
    blocks.extend(f"> {escape(notice)}" for notice in run.notices)
    if run.notices:
        blocks.append("")
    blocks.extend(["| Stage | Status | Time |", "| --- | --- | --- |"])
    blocks.extend(f"| {escape(stage.name)} | {_status(stage)} | {_time(stage)} |" for stage in run.stages)
    return blocks


def _status(stage: StageResult) -> str:
    text = "⏱️ timed out" if stage.timed_out else _MARKS.get(stage.status, escape(stage.status))
    extra: list[str] = []
    if stage.status == "failed" and stage.exit_code not in (None, 0):
        extra.append(f"exit {stage.exit_code}")
    gate = stage.gate
    if gate is not None:
        value = "?" if gate.value is None else f"{gate.value:g}"
        limits = [
            f"{word} {bound:g}" for word, bound in (("min", gate.minimum), ("max", gate.maximum)) if bound is not None
        ]
        extra.append(escape(f"{gate.metric} {value} ({', '.join(limits)})"))
    if stage.diagnostics:
        extra.append(f"{len(stage.diagnostics)} diagnostic{'s' * (len(stage.diagnostics) != 1)}")
    if stage.reason and stage.status != "passed":
        extra.append(escape(stage.reason[:MESSAGE_CHARS]))
    return text + (f" · {' · '.join(extra)}" if extra else "")


def _time(stage: StageResult) -> str:
    if stage.cached:
        return "cached"
    if stage.status in ("skipped",):
        return "–"
    return f"{stage.duration:.1f}s"


def _diagnostic_blocks(run: RunResult, links: SourceLinks | None) -> list[tuple[str, str, int]]:
    """(Markdown, what it counts, how many diagnostics it holds), in the order they are shown."""
    blocks: list[tuple[str, str, int]] = []
    stages = [stage for stage in run.stages if stage.diagnostics]
    if not stages:
        return blocks
    blocks.append(("\n### Diagnostics", "diagnostics", 0))
    for stage in stages:
        shown = stage.diagnostics[:PER_STAGE]
        tools = sorted({d.tool for d in stage.diagnostics})
        count = len(stage.diagnostics)
        blocks.append(
            (
                f"\n#### {escape(stage.name)} ({escape(', '.join(tools))}): {count} diagnostic{'s' * (count != 1)}",
                "diagnostics",
                0,
            )
        )
        by_file: dict[str | None, list[Diagnostic]] = {}
        for diag in shown:
            by_file.setdefault(diag.file, []).append(diag)
        for file, group in by_file.items():
            blocks.append((_file_block(file, group, run.root, links), "diagnostics", len(group)))
        if count > len(shown):
            more = count - len(shown)
            blocks.append((f"\n*… and {more} more in {escape(stage.name)}*", "diagnostics", 0))
    return blocks


def _file_block(file: str | None, group: list[Diagnostic], root: str, links: SourceLinks | None) -> str:
    inside = repository_path(file, root) if file else None
    if file is None:
        title = "*(no file)*"
    elif inside is not None and links is not None:
        title = f"[{escape(inside)}]({links.file(inside)})"
    else:
        title = escape(inside or file)
    rows = [f"\n**{title}**", ""]
    for diag in group:
        where = f"{diag.line}" + (f":{diag.column}" if diag.column else "") if diag.line else ""
        if where and inside is not None and links is not None:
            where = f"[{where}]({links.file(inside, diag.line)})"
        code = f"**{escape(diag.code)}** " if diag.code else ""
        severity = "" if diag.severity == "error" else f"*{diag.severity}* "
        message = diag.message if len(diag.message) <= MESSAGE_CHARS else diag.message[:MESSAGE_CHARS] + "…"
        rows.append(f"- {where + ' ' if where else ''}{severity}{code}{escape(message)}")
    return "\n".join(rows)


def _fix_blocks(report: FixReport, applied_as: str) -> list[tuple[str, str, int]]:
    """(Markdown, what it counts): verified fixes, then those that pass only by changing the checks, then the
    count of those that did not pass."""
    candidates: dict[str, Candidate] = {}
    for one in report.rounds:
        for candidate in one.candidates:
            # The same patch proposed again in a later round is one fix; the verdict that passed is the one told.
            earlier = candidates.get(candidate.id)
            if earlier is None or not earlier.passes:
                candidates[candidate.id] = candidate
    applied = {candidate.id for candidate in report.applied}
    # The applied ones first: in CI those are the fixes in the patch, the rest alternatives to them.
    verified = sorted((c for c in candidates.values() if c.verified), key=lambda c: c.id not in applied)
    weakening = [c for c in candidates.values() if c.changes_checks]
    others = [c for c in candidates.values() if not c.passes]
    blocks: list[tuple[str, str, int]] = []
    if verified:
        blocks.append((f"\n### Verified fixes ({len(verified)})", "verified fixes", 0))
        blocks.extend((_fix(c, applied, applied_as, weakening=False), "verified fixes", 1) for c in verified)
    if weakening:
        blocks.append(
            (
                f"\n### ⚠️ Fixes that pass only by changing the checks ({len(weakening)})\n\n"
                "Not verified: the checks pass only because these fixes change them. Read them before accepting one.",
                "fixes that change the checks",
                0,
            )
        )
        blocks.extend(
            (_fix(c, applied, applied_as, weakening=True), "fixes that change the checks", 1) for c in weakening
        )
    if others:
        lines = [f"\n### Candidates that did not pass ({len(others)})", ""]
        for candidate in others[:PER_STAGE]:
            first = (candidate.detail or "").strip().splitlines()[:1]
            why = f": {escape(first[0][:MESSAGE_CHARS])}" if first else ""
            lines.append(f"- {escape(candidate.status)} · {escape(candidate.patch.title)}{why}")
        if len(others) > PER_STAGE:
            lines.append(f"- … and {len(others) - PER_STAGE} more")
        blocks.append(("\n".join(lines), "candidates that did not pass", len(others)))
    return blocks


def _fix(candidate: Candidate, applied: set[str], applied_as: str, *, weakening: bool) -> str:
    patch = candidate.patch
    mark = f"⚠️ {CHANGES_CHECKS}" if weakening else "✅ verified"
    state = f" · {applied_as}" if candidate.id in applied else ""
    files = ", ".join(patch.paths)
    summary = _html(f"{patch.title} ({files})")
    detail = _html(f"{patch.id} · {patch.source} {patch.origin} · {patch.safety}{state}")
    body = [f"\n<details><summary>{mark}: {summary} <sub>{detail}</sub></summary>", ""]
    if weakening:
        said = [w.what for w in candidate.weakening] or [f for f in patch.flags]
        body.extend(f"- ⚠️ {escape(what)}" for what in said)
        body.append("")
    diff = _clean(unified_diff(patch.edits)).splitlines()
    shown = [line if len(line) <= DIFF_LINE_CHARS else line[:DIFF_LINE_CHARS] + "…" for line in diff[:DIFF_LINES]]
    fence = "`" * max(3, 1 + max((len(run) for run in _BACKTICKS.findall("\n".join(shown))), default=0))
    body.extend([f"{fence}diff", *shown, fence])
    if len(diff) > len(shown):
        body.append(f"\n*… {len(diff) - len(shown)} more lines of this diff*")
    body.extend(["", "</details>"])
    return "\n".join(body)
