"""The JSON document of `healer fix --json` (schema healer.fix/1, see docs/json.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import healer
from healer.fixers.candidate import Candidate
from healer.fixing.report import FixReport, Round
from healer.patch.diff import unified_diff
from healer.render.json_document import run_document

if TYPE_CHECKING:
    from healer.fixers.agent_round import AgentRound
    from healer.llm.client import Usage

FIX_SCHEMA = "healer.fix/1"


def candidate_document(candidate: Candidate) -> dict[str, Any]:
    patch, verdict, replayed = candidate.patch, candidate.verdict, candidate.replayed_from
    return {
        "id": patch.id,
        "title": patch.title,
        "status": candidate.status,
        "detail": candidate.detail,
        "source": patch.source,
        "origin": patch.origin,
        "safety": patch.safety,
        "confidence": patch.confidence,
        "stage": patch.stage,
        "fingerprints": list(patch.fingerprints),
        "flags": list(patch.flags),
        "checks_changed": [
            {"flag": weakening.flag, "path": weakening.path, "what": weakening.what}
            for weakening in candidate.weakening
        ],
        "files": list(patch.paths),
        "diff": unified_diff(patch.edits),
        "verification": {
            "reruns": [] if verdict is None else list(verdict.reruns),
            "seconds": None if verdict is None else round(verdict.duration, 4),
            "tool_seconds": None if verdict is None else round(verdict.tool_seconds, 4),
            "sandboxed": verdict is not None and verdict.jailed,
        },
        "score": candidate.score,
        "seen_before": None if replayed is None else {
            "patch": replayed.patch, "repo": replayed.repo, "accepted": replayed.accepted,
        },
        "cost": candidate.cost,
    }  # fmt: skip


def _round(one: Round) -> dict[str, Any]:
    return {
        "number": one.number,
        "run": run_document(one.run),
        "patches": [candidate_document(candidate) for candidate in one.candidates],
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
        "chosen": [candidate.id for candidate in one.chosen],
        "applied": [candidate.id for candidate in one.applied],
        "refused": [{"id": candidate.id, "reason": reason} for candidate, reason in one.refused],
        "propose_seconds": round(one.propose_seconds, 4),
        "propose_tool_seconds": round(one.propose_tool_seconds, 4),
        "verify_seconds": round(one.verify_seconds, 4),
        "model": None if one.model is None else {
            "model": one.model.model,
            "stopped": one.model.stopped,
            "skipped": one.model.skipped,
            "attempts": [
                {
                    "cluster": a.cluster, "number": a.number, "outcome": a.outcome, "detail": a.detail,
                    "patch": a.patch_id, "repaired": a.repaired, "own_seconds": round(a.own_seconds, 4),
                    "model_seconds": round(a.model_seconds, 4),
                }
                for a in one.model.attempts
            ],
        },
        "agents": None if one.agents is None else agents_document(one.agents),
    }  # fmt: skip


def agents_document(account: AgentRound) -> dict[str, Any]:
    """The workflow's transcript: each agent's step with what it was told, what it said, and what came of it."""
    return {
        "workflow": account.workflow,
        "kind": account.kind,
        "stopped": account.stopped,
        "cost": round(account.cost, 6),
        "steps": [
            {
                "number": s.number, "agent": s.agent, "role": s.role, "outcome": s.outcome, "detail": s.detail,
                "patch": s.patch_id, "summary": s.summary, "prompt": s.prompt, "seconds": s.seconds,
                "cost": s.cost, "tokens_in": s.tokens_in, "tokens_out": s.tokens_out, "notes": list(s.notes),
                "sandboxed": s.jailed, "agent_seconds": s.agent_seconds, "tool_seconds": s.tool_seconds,
            }
            for s in account.steps
        ],
    }  # fmt: skip


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
        "applied": [candidate.id for candidate in report.applied],
        "rounds": [_round(one) for one in report.rounds],
        "model_usage": None if report.model_usage is None else _usage(report.model_usage),
        "final": run_document(report.final),
    }


def _usage(usage: Usage) -> dict[str, Any]:
    return {
        "calls": usage.calls,
        "cached": usage.cached,
        "failed": usage.failed,
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "cost": round(usage.cost, 6),
        "unknown_cost": usage.unknown_cost,
        "redactions": usage.redactions,
        "errors": list(usage.errors),
    }
