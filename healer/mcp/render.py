"""What each tool returns, as JSON-able dicts: the documents `healer ... --json` prints (docs/json.md).

A run is a `healer.run/1` document, a proposal a `healer.fix/1` one, a
candidate the patch object of `healer.fix/1`, an undo `healer.undo/1`, the
history `healer.history/1`; the diagnostics of a run and an applied fix are
their parts of those.
"""

from __future__ import annotations

from typing import Any

from healer.fixers.candidate import Candidate
from healer.fixing.report import FixReport
from healer.kb.history import RecentActivity
from healer.patch.apply import AppliedRecord
from healer.patch.undo import UndoneRecord
from healer.pipeline.result import RunResult
from healer.render.fix_json import candidate_document, fix_document
from healer.render.json_document import run_document
from healer.render.rows import plain

UNDO_SCHEMA = "healer.undo/1"
HISTORY_SCHEMA = "healer.history/1"
"""The schemas of `healer undo --json` and `healer history --json`, whose documents these repeat."""


def run(result: RunResult) -> dict[str, Any]:
    return run_document(result)


def diagnostics(result: RunResult, stage: str | None = None) -> dict[str, Any]:
    """The run's outcome, each stage's status, and its diagnostics (only `stage`'s, when given)."""
    return {
        "outcome": result.outcome,
        "exit_code": result.exit_code,
        "stages": {one.name: one.status for one in result.stages},
        "diagnostics": [d.to_dict() for d in result.diagnostics if stage is None or d.stage == stage],
    }


def proposal(report: FixReport) -> dict[str, Any]:
    return fix_document(report)


def candidate(found: Candidate) -> dict[str, Any]:
    return candidate_document(found)


def applied(record: AppliedRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "title": record.title,
        "files": list(record.paths),
        "flags": list(record.flags),
        "staged": record.staged,
    }


def undone(record: UndoneRecord) -> dict[str, Any]:
    return {
        "schema": UNDO_SCHEMA,
        "id": record.id,
        "title": record.title,
        "restored": list(record.restored),
        "unchanged": list(record.unchanged),
    }


def history(activity: RecentActivity | None, repo: str) -> dict[str, Any]:
    """Runs and fixes as `healer history --json` lists them (none when the knowledge base cannot be read)."""
    runs = () if activity is None else activity.runs
    fixes = () if activity is None else activity.fixes
    return {"schema": HISTORY_SCHEMA, "repo": repo, "runs": plain(runs), "fixes": plain(fixes)}
