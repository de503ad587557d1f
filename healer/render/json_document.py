"""The stable JSON documents of `healer run --json` and `healer stages --json` (see docs/json.md)."""

from __future__ import annotations

import json
from typing import Any

import healer
from healer.config.settings import Config
from healer.pipeline.result import RunResult, StageResult

RUN_SCHEMA = "healer.run/1"
STAGES_SCHEMA = "healer.stages/1"
OUTPUT_TAIL_LINES = 100
OUTPUT_LINE_LIMIT = 4000


def stage_result(result: StageResult) -> dict[str, Any]:
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
        "diagnostics": [d.to_dict() for d in result.diagnostics],
        "output_tail": [_bounded(line) for line in result.output.splitlines()[-OUTPUT_TAIL_LINES:]],
        "output_bytes": result.output_bytes,
        "log_path": result.log_path,
    }


def _bounded(line: str) -> str:
    # One line of a binary dump can be megabytes; the full output is in the log file.
    return line if len(line) <= OUTPUT_LINE_LIMIT else line[:OUTPUT_LINE_LIMIT] + "…"


def run_document(run: RunResult) -> dict[str, Any]:
    return {
        "schema": RUN_SCHEMA,
        "healer_version": healer.__version__,
        "root": run.root,
        "outcome": run.outcome,
        "exit_code": run.exit_code,
        "duration": round(run.duration, 4),
        "notices": list(run.notices),
        "stages": [stage_result(result) for result in run.stages],
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
