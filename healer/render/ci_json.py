"""The JSON document of `healer ci --json` (schema healer.ci/1, see docs/json.md)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import healer
from healer.ci.run import CiReport
from healer.render.fix_json import fix_document
from healer.render.json_document import run_document

CI_SCHEMA = "healer.ci/1"


def ci_document(report: CiReport, *, patch_path: Path | None) -> dict[str, Any]:
    job = report.job
    series = report.series
    return {
        "schema": CI_SCHEMA,
        "healer_version": healer.__version__,
        "provider": job.provider,
        "repository": job.repo.slug if job.repo else None,
        "commit": job.commit,
        "pull_request": job.pull,
        "run_url": job.run_url,
        "exit_code": report.exit_code,
        "run": run_document(report.run, report.findings),
        "fixes": None if report.fixes is None else fix_document(report.fixes),
        "published": [candidate.id for candidate in report.chosen],
        "patch": None
        if series is None
        else {
            "path": None if patch_path is None or not series.commits else str(patch_path),
            "base": series.base,
            "commits": list(series.commits),
            "fixes": list(series.fixes),
            "skipped": [{"fix": fix_id, "why": why} for fix_id, why in series.skipped],
        },
        "with_fixes": None if report.fixed_run is None else report.fixed_run.outcome,
        "pushed": report.pushed,
        "review": None if report.review is None else asdict(report.review),
        "escalation": None if report.escalation is None else asdict(report.escalation),
        "notifications": list(report.notifications),
        "notices": list(report.notices),
    }
