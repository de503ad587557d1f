"""`healer ci [run]`: the pipeline in a CI job, with what the job publishes (see healer/ci/run.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from healer.ci.provider import CiJob, detect_job
from healer.ci.run import CiOptions, CiReport, prepare, run_ci
from healer.commands.display import CliReporter, display_for, is_terminal
from healer.errors import HealerError
from healer.interrupt import terminated_as_interrupt
from healer.llm.offline import network_offline
from healer.render.ci_json import ci_document
from healer.render.fix_text import render_report
from healer.render.github import workflow_commands
from healer.render.json_document import dumps
from healer.render.output_file import check_writable, write_output
from healer.render.report import base_line, stage_counts
from healer.render.sarif import anchor_for, sarif_document, write_sarif
from healer.render.summary import SourceLinks, escape, job_summary
from healer.service import Healer
from healer.workspace import Workspace, open_workspace

if TYPE_CHECKING:
    import argparse

PATCH_FILE = "healer-fixes.patch"


def patch_path(args: argparse.Namespace) -> Path:
    """--patch, else healer-fixes.patch in the runner's scratch folder: never inside the checkout unasked."""
    if args.patch:
        return Path(args.patch)
    scratch = os.environ.get("RUNNER_TEMP")
    return Path(scratch) / PATCH_FILE if scratch else Path(PATCH_FILE)


def execute(args: argparse.Namespace) -> int:
    if args.patch and not args.fix:
        raise HealerError("--patch goes with --fix: it is where the verified fixes are written")
    for given, what in ((args.sarif, "SARIF"), (args.summary, "job summary"), (args.patch, "patch file")):
        if given:
            check_writable(given, what=what)
    workspace = open_workspace()
    job = detect_job(os.environ)
    display = None if args.json else display_for(sys.stdout)
    reporter = CliReporter(display, progress=None if args.json else "healer ci")
    healer = Healer(workspace, via="ci", reporter=reporter, environ=os.environ, offline=args.offline)
    options = CiOptions(
        stages=tuple(args.stages),
        jobs=args.jobs,
        cache="off" if args.no_cache else "use",
        fix=args.fix,
        suggest=args.suggest,
        push=args.push,
        escalate=args.escalate,
        rounds=args.rounds,
        offline=healer.offline_reason(flag=args.offline),
        network=network_offline(flag=args.offline),
        new_only=args.new_only or workspace.config.blocking.block == "new",
        base=args.base,
    )
    prepared = prepare(options, job, os.environ, workspace.root)
    with terminated_as_interrupt():
        report = run_ci(healer, job, prepared)
    emit(report, args, workspace)
    return report.exit_code


def emit(report: CiReport, args: argparse.Namespace, workspace: Workspace) -> None:
    job = report.job
    written = _write_files(report, args, workspace)
    if args.json:
        path = patch_path(args) if report.series and report.series.commits else None
        sys.stdout.write(dumps(ci_document(report, patch_path=path)) + "\n")
    else:
        if report.fixes is not None:
            colour = is_terminal(sys.stdout) and "NO_COLOR" not in os.environ
            sys.stdout.write(render_report(report.fixes, colour=colour, show_all=False, hints=False))
        lines = [*written, *published(report)]
        if report.findings is not None and report.findings.compared:
            lines[:0] = [base_line(report.findings).removeprefix("healer: "), *stage_counts(report.findings)]
        for line in lines:
            sys.stdout.write(f"healer ci: {line}\n")
    stream = sys.stderr if args.json else sys.stdout
    if job.provider == "github":
        for line in workflow_commands(report.run, report.findings):
            stream.write(line + "\n")
    for notice in report.notices:
        stream.write(f"::warning title=healer ci::{notice}\n" if job.provider == "github" else f"healer: {notice}\n")
    stream.flush()
    sys.stdout.flush()


def published(report: CiReport) -> list[str]:
    """What the job told GitHub and people, one line each."""
    lines = []
    if report.fixed_run is not None:
        state = "passes" if report.fixed_run.outcome == "passed" else "still fails"
        count = len(report.series.commits) if report.series else 0
        lines.append(f"with the {count} verified fix(es), the pipeline {state}")
    if report.pushed:
        lines.append(f"pushed {report.pushed}")
    review = report.review
    if review is not None and review.posted:
        lines.append(f"posted {review.suggestions} suggested change(s) and {review.in_body} diff(s): {review.url}")
    elif review is not None and review.skipped and not review.error:
        lines.append("the pull request already has these suggestions: none posted again")
    if report.escalation is not None and report.escalation.actions:
        lines.append(report.escalation.summary())
    lines.extend(report.notifications)
    return lines


def _write_files(report: CiReport, args: argparse.Namespace, workspace: Workspace) -> list[str]:
    """The files the job asked for; what was written, as lines to show."""
    job: CiJob = report.job
    lines: list[str] = []
    series = report.series
    if series is not None and series.commits:
        path = patch_path(args)
        write_output(path, series.data, what="patch file")
        lines.append(f"wrote {len(series.commits)} verified fix(es) to {path} (apply with `git am {path}`)")
    if args.sarif:
        anchor = anchor_for(workspace.root, workspace.config.path)
        write_sarif(Path(args.sarif), sarif_document(report.run, anchor=anchor, findings=report.findings))
        lines.append(f"wrote SARIF to {args.sarif}")
    summary = Path(args.summary) if args.summary else job.summary_path
    if summary is not None:
        links = SourceLinks(job.server_url, job.repo.slug, job.commit) if job.repo and job.commit else None
        text = job_summary(report.run, report.fixes, links, applied_as="in the patch")
        extra = published(report)
        if extra:
            text += "\n" + "".join(f"- {escape(line)}\n" for line in extra)
        write_output(summary, text.encode("utf-8"), what="job summary", append=True)
        lines.append(f"wrote the job summary to {summary}")
    return lines
