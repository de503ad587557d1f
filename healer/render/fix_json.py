"""The JSON document of `healer fix --json` (schema healer.fix/1, see docs/json.md)."""

from __future__ import annotations

from typing import Any

import healer
from healer.fixes.model import Patch
from healer.fixes.session import FixReport, Round
from healer.patch.diff import unified_diff
from healer.render.json_document import run_document

FIX_SCHEMA = "healer.fix/1"


def patch_document(patch: Patch) -> dict[str, Any]:
    return {
        "id": patch.id,
        "title": patch.title,
        "status": patch.status,
        "detail": patch.detail,
        "source": patch.source,
        "origin": patch.origin,
        "safety": patch.safety,
        "confidence": patch.confidence,
        "stage": patch.stage,
        "fingerprints": list(patch.fingerprints),
        "flags": list(patch.flags),
        "files": list(patch.paths),
        "diff": unified_diff(patch.edits),
        "verification": {
            "reruns": patch.extra.get("reruns", []),
            "seconds": patch.extra.get("verify_seconds"),
            "tool_seconds": patch.extra.get("tool_seconds"),
        },
    }


def _round(one: Round) -> dict[str, Any]:
    return {
        "number": one.number,
        "run": run_document(one.run),
        "patches": [patch_document(patch) for patch in one.patches],
        "notes": [
            {
                "stage": note.stage,
                "rule": note.rule,
                "kind": note.report.kind,
                "message": note.report.message,
                "file": note.report.file,
                "line": note.report.line,
            }
            for note in one.notes
        ],
        "errors": list(one.errors),
        "chosen": [patch.id for patch in one.chosen],
        "applied": [patch.id for patch in one.applied],
        "refused": [{"id": patch.id, "reason": reason} for patch, reason in one.refused],
        "propose_seconds": round(one.propose_seconds, 4),
        "propose_tool_seconds": round(one.propose_tool_seconds, 4),
        "verify_seconds": round(one.verify_seconds, 4),
    }


def fix_document(report: FixReport) -> dict[str, Any]:
    return {
        "schema": FIX_SCHEMA,
        "healer": healer.__version__,
        "outcome": report.final.outcome,
        "exit_code": report.exit_code,
        "duration": round(report.duration, 4),
        "offline": report.offline,
        "dry_run": report.dry_run,
        "found": report.found,
        "applied": [patch.id for patch in report.applied],
        "rounds": [_round(one) for one in report.rounds],
        "final": run_document(report.final),
    }
