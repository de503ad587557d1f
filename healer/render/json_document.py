"""The stable JSON documents of `healer run --json` and `healer stages --json` (see docs/json.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import healer
from healer.config.settings import Config
from healer.pipeline.result import RunResult, StageResult

if TYPE_CHECKING:
    from healer.pipeline.baseline import NewFindings

RUN_SCHEMA = "healer.run/1"
STAGES_SCHEMA = "healer.stages/1"
OUTPUT_TAIL_LINES = 100
OUTPUT_LINE_LIMIT = 4000


def stage_result(result: StageResult, findings: NewFindings | None = None) -> dict[str, Any]:
    """With `findings` (only new failures block), each diagnostic says whether it is `new`."""
    diagnostics = [d.to_dict() for d in result.diagnostics]
    if findings is not None:
        diagnostics = [
            {**data, "new": findings.is_new(d)} for data, d in zip(diagnostics, result.diagnostics, strict=True)
        ]
    return {
        "name": result.name,
        "kind": result.kind,
        "status": result.status,
        "cached": result.cached,
        "timed_out": result.timed_out,
        "exit_code": result.exit_code,
        "duration": round(result.duration, 4),
        "command": result.command,
        "reason": result.reason,
        "gate": None if result.gate is None else result.gate.to_dict(),
        "diagnostics": diagnostics,
        "output_tail": [_bounded(line) for line in result.output.splitlines()[-OUTPUT_TAIL_LINES:]],
        "output_bytes": result.output_bytes,
        "log_path": result.log_path,
    }


def _bounded(line: str) -> str:
    # One line of a binary dump can be megabytes; the full output is in the log file.
    return line if len(line) <= OUTPUT_LINE_LIMIT else line[:OUTPUT_LINE_LIMIT] + "…"


def run_document(run: RunResult, findings: NewFindings | None = None) -> dict[str, Any]:
    """`findings`: the run compared with its base (block = "new", --new-only): then `exit_code` is what only new
    findings give, each diagnostic is marked `new`, and `baseline` says against what."""
    document = {
        "schema": RUN_SCHEMA,
        "healer_version": healer.__version__,
        "root": run.root,
        "outcome": run.outcome,
        "exit_code": run.exit_code if findings is None else findings.exit_code(run),
        "duration": round(run.duration, 4),
        "notices": list(run.notices),
        "stages": [stage_result(result, findings) for result in run.stages],
    }
    if findings is not None:
        document["baseline"] = baseline_document(findings)
    return document


def baseline_document(findings: NewFindings) -> dict[str, Any]:
    return {
        "base": findings.base if findings.compared else None,
        "named": findings.named,
        "source": findings.source if findings.compared else None,
        "reason": None if findings.compared else findings.reason,
        "blocking": findings.blocking,
        "stages": [
            {"name": stage.stage, "new": len(stage.new), "pre_existing": len(stage.existing), "failure": stage.failure}
            for stage in findings.stages
        ],
    }


def stages_document(config: Config) -> dict[str, Any]:
    return {
        "schema": STAGES_SCHEMA,
        "healer_version": healer.__version__,
        "source": config.source,
        "notes": list(config.notes),
        "stages": [stage.to_dict() for stage in config.stages],
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)
