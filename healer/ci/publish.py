"""What `healer ci` tells GitHub: the fix series as suggested changes, and the failures nobody fixed as issues.

Suggestions are made from the series as a whole, file by file (the content at
the pull request's head against the content at the series' tip): a fix of a
later round was made on the earlier fixes, so only the combined change lines
up with the lines of the pull request.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from healer.ci.artifact import PatchSeries
from healer.digest import new_digest
from healer.fixers.candidate import Candidate
from healer.fixing.report import FixReport
from healer.github.issues import Attempt, Escalation
from healer.github.reviews import SuggestedFix
from healer.patch.diff import unified_diff
from healer.patch.patch import FileEdit
from healer.pipeline.result import RunResult
from healer.snapshot.git import git

EXCERPT_LINES = 150


def _content(root: Path, commit: str, path: str) -> bytes | None:
    listed = git(["ls-tree", "--name-only", commit, "--", path], root).strip()
    return git(["cat-file", "blob", f"{commit}:{path}"], root) if listed else None


def _digest(text: str) -> str:
    digest = new_digest()
    digest.update(text.encode("utf-8", errors="surrogateescape"))
    return digest.hexdigest()[:16]


def suggested_fixes(root: Path, series: PatchSeries, chosen: Sequence[Candidate]) -> list[SuggestedFix]:
    """One suggestion per file the series changes: its whole change from the series' base to its tip."""
    if series.tip is None:
        return []
    by_id = {candidate.id: candidate for candidate in chosen}
    paths: dict[str, list[str]] = {}
    for fix_id in series.fixes:
        candidate = by_id.get(fix_id)
        if candidate is None:
            continue
        for path in candidate.patch.paths:
            paths.setdefault(path, []).append(
                candidate.patch.title.splitlines()[0] if candidate.patch.title else fix_id
            )
    fixes = []
    for path, titles in paths.items():
        edit = FileEdit(path, _content(root, series.base, path), _content(root, series.tip, path))
        diff = unified_diff([edit])
        if not diff:
            continue
        title = f"{path}: " + "; ".join(dict.fromkeys(titles))
        fixes.append(SuggestedFix(f"{path}@{_digest(diff)[:12]}", title[:300], diff))
    return fixes


def _attempts(fingerprint: str, report: FixReport | None) -> tuple[Attempt, ...]:
    if report is None:
        return ()
    tried = []
    for one in report.rounds:
        for candidate in one.candidates:
            if fingerprint not in candidate.patch.fingerprints:
                continue
            detail = candidate.detail.splitlines()[0] if candidate.detail else ""
            why = candidate.status + (f": {detail}" if detail else "")
            tried.append(Attempt(f"{candidate.patch.source} {candidate.patch.origin}", why))
    return tuple(tried)


def _excerpt(run: RunResult, stage: str) -> str:
    for result in run.stages:
        if result.name == stage:
            return "\n".join(result.output.splitlines()[-EXCERPT_LINES:])
    return ""


def unsettled(run: RunResult, fixed: RunResult | None, report: FixReport | None) -> list[Escalation]:
    """The failures no fixer settled: those the checkout's check still shows with the published fixes (all of
    them without --fix), a failed stage with no parsed diagnostic as one failure of its own."""
    remaining = fixed if fixed is not None else run
    found: list[Escalation] = []
    for result in remaining.stages:
        if result.status not in ("failed", "error"):
            continue
        excerpt = _excerpt(remaining, result.name)
        if not result.diagnostics:
            found.append(
                Escalation(
                    fingerprint=_digest(f"stage:{result.name}:{result.command}"),
                    stage=result.name, tool=result.kind, file=None, line=None, code=None,
                    message=f"the stage failed (exit code {result.exit_code}) with no diagnostic healer could parse"
                    + (f": {result.reason}" if result.reason else ""),
                    excerpt=excerpt,
                )
            )  # fmt: skip
            continue
        for diagnostic in result.diagnostics:
            attempts = _attempts(diagnostic.fingerprint, report)
            found.append(Escalation.of(diagnostic, attempts, excerpt))
    return found


def passing_stages(run: RunResult) -> list[str]:
    """The stages that passed on the checkout: a healer issue of theirs is closed when its failure is gone."""
    return [result.name for result in run.stages if result.status == "passed"]
