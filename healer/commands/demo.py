"""`healer demo`: the pipeline on the bundled sample project, offline, in a throwaway repository."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from healer.commands.display import CliReporter, display_for
from healer.commands.fix import emit_report
from healer.errors import HealerError
from healer.fixing.report import FixOptions, FixReport
from healer.installation import add_command
from healer.interrupt import terminated_as_interrupt
from healer.pipeline.result import RunResult
from healer.sample_project import create_sample_repo
from healer.service import Healer
from healer.workspace import open_workspace

if TYPE_CHECKING:
    import argparse

EXPECTED_FAILURES = {"lint", "format", "typecheck", "test"}


def explain(run: RunResult) -> list[str]:
    """What the first check found, or why the demo cannot go on."""
    failed = [stage.name for stage in run.stages if stage.status == "failed"]
    broken = [stage for stage in run.stages if stage.status == "error"]
    lines = [""]
    if broken:
        for stage in broken:
            lines.append(f"The demo could not run stage '{stage.name}': {stage.reason}")
        # The command for this installation: a healer made by pipx adds them with pipx, not pip.
        lines.append(f"Install the sample's tools with: {add_command('demo')}")
        return lines
    lines.append(
        f"The sample project has deliberate mistakes; {len(failed)} of {len(run.stages)} stages caught them "
        f"({', '.join(failed) or 'none'}), with {len(run.diagnostics)} diagnostics parsed from the tools' output."
    )
    lines.append("Each diagnostic above names the stage, file, line, tool code and message.")
    lines.append("")
    lines.append("Now healer fixes them: rules propose, each fix is verified in an isolated copy, then applied.")
    return lines


def conclude(report: FixReport, where: Path, kept: bool) -> list[str]:
    """The demo's summary: found, fixed, verified, time; and where to look next."""
    verified = sum(len(one.verified) for one in report.rounds)
    lines = [
        "",
        f"Summary: {report.found} failures found; {len(report.applied)} fixes applied, each verified first "
        f"({verified} verified in all), in {len(report.rounds)} rounds, offline, in {report.duration:.1f}s.",
    ]
    if report.final.outcome == "passed":
        lines.append("The pipeline now passes: every stage is green.")
    else:
        still = [stage.name for stage in report.final.stages if not stage.ok]
        lines.append(f"Still failing: {', '.join(still)} (healer found no verified fix for what remains).")
    if kept:
        lines.append(f"The sample repository is kept at {where}. Try:")
        lines.append(f"  healer -C {where} log        # the fixes applied, newest first")
        lines.append(f"  healer -C {where} undo       # take the last one back, byte for byte")
        lines.append(f"  git -C {where} diff          # everything the fixes changed")
    else:
        lines.append("Run `healer demo --keep` to keep the sample repository and explore it.")
    return lines


def execute(args: argparse.Namespace) -> int:
    if args.dir:
        where = Path(args.dir).resolve()
        kept = True
    else:
        where = Path(tempfile.mkdtemp(prefix="healer-demo-"))
        kept = args.keep
    try:
        create_sample_repo(where)
        workspace = open_workspace(where)
        reporter = CliReporter(None if args.json else display_for(sys.stdout))
        # The sample's tools are installed beside healer (the `demo` extra): use those first.
        own_tools = (os.path.dirname(sys.executable),)
        healer = Healer(workspace, via="cli", reporter=reporter, prepend_path=own_tools)
        if not args.json:
            print(f"healer demo: running the sample project's pipeline in {where}\n", flush=True)
        with terminated_as_interrupt():
            run = healer.check(cache="refresh", trigger="demo")
        if not args.json:
            print("\n".join(explain(run)), flush=True)
        if run.interrupted:
            return 130
        if any(stage.status == "error" for stage in run.stages):
            return 1
        unexpected = {stage.name for stage in run.stages if stage.status != "failed"} & EXPECTED_FAILURES
        if unexpected:
            raise HealerError(f"the sample project unexpectedly passed {', '.join(sorted(unexpected))}; is it damaged?")
        report = _fix(healer, quiet=args.json)
        # The demo's own summary says what to try next (undo only makes sense with --keep).
        emit_report(report, as_json=args.json, show_all=False, hints=False)
        if not args.json:
            print("\n".join(conclude(report, where, kept)))
    finally:
        if not kept:
            shutil.rmtree(where, ignore_errors=True)
    return report.exit_code


def _fix(healer: Healer, *, quiet: bool) -> FixReport:
    # The fix rounds' own checks are summed up by the report: only progress and notices show as they come.
    reporter = CliReporter(None, progress=None if quiet else "healer demo")
    # A throwaway repository: every verified fix may be applied, not only those classed safe.
    options = FixOptions(apply="all", offline="the demo runs offline", trigger="demo")
    with terminated_as_interrupt():
        return healer.fix(options, reporter=reporter)
