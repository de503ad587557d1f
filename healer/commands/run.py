"""`healer run`: the pipeline on the working tree."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from healer.commands.display import CliReporter, display_for, in_github_actions
from healer.errors import HealerError
from healer.interrupt import terminated_as_interrupt
from healer.pipeline.result import RunResult
from healer.service import Healer
from healer.workspace import open_workspace

if TYPE_CHECKING:
    import argparse

    from healer.fixing.report import CacheMode
    from healer.pipeline.baseline import NewFindings


def emit(run: RunResult, *, as_json: bool, findings: NewFindings | None = None) -> None:
    """After the run: the JSON document, and CI annotations under GitHub Actions."""
    if as_json:
        from healer.render.json_document import dumps, run_document

        if findings is not None and not findings.compared:
            sys.stderr.write(f"healer: no base to compare with ({findings.reason}): every finding blocks\n")
        sys.stdout.write(dumps(run_document(run, findings)) + "\n")
    if in_github_actions():
        from healer.render.github import workflow_commands

        stream = sys.stderr if as_json else sys.stdout
        for line in workflow_commands(run, findings):
            stream.write(line + "\n")
    sys.stdout.flush()


def execute(args: argparse.Namespace) -> int:
    # --all-files (pre-commit's habit) asks for nothing more: a run always checks every file.
    sarif = getattr(args, "sarif", None)
    if sarif is not None:
        # Only a run that asks for SARIF pays for the writer's imports (this module is on the start-up path).
        from healer.render.output_file import check_writable

        check_writable(sarif, what="SARIF")
    workspace = open_workspace()
    new_only = args.new_only or workspace.config.blocking.block == "new"
    if args.base is not None and not new_only:
        raise HealerError('--base goes with --new-only (or block = "new" in [tool.healer]): it names the base')
    if args.base is not None:
        from healer.pipeline.baseline import find_base

        find_base(workspace.root, explicit=args.base)  # a --base that names no commit is said before any check
    display = None if args.json else display_for(sys.stdout, verbose=args.verbose)
    held = None
    if new_only and display is not None:
        # The report waits for the base: it shows the new findings, and only counts the others.
        from healer.render.report import HeldReport

        display = held = HeldReport(display)
    healer = Healer(
        workspace, via="cli", reporter=CliReporter(display), history=not args.no_history, environ=os.environ
    )
    cache: CacheMode = "off" if args.no_cache else "use"
    findings = None
    with terminated_as_interrupt():
        run = healer.check(stages=args.stages, jobs=args.jobs, cache=cache)
        if new_only and run.outcome == "failed":
            findings = healer.baseline(run, args.base, jobs=args.jobs, cache=cache)
    if held is not None:
        held.release(findings)
    emit(run, as_json=args.json, findings=findings)
    if sarif is not None:
        write_sarif_of(run, Path(sarif), workspace.root, workspace.config.path, findings)
    return run.exit_code if findings is None else findings.exit_code(run)


def write_sarif_of(
    run: RunResult, target: Path, root: Path, config: Path | None, findings: NewFindings | None = None
) -> None:
    # Only a run that asks for SARIF pays for its renderer (this module is on the start-up path).
    from healer.render.sarif import anchor_for, sarif_document, write_sarif

    write_sarif(target, sarif_document(run, anchor=anchor_for(root, config), findings=findings))
