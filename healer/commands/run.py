"""`healer run`: the pipeline on the working tree."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from healer.commands.display import CliReporter, display_for, in_github_actions
from healer.interrupt import terminated_as_interrupt
from healer.pipeline.result import RunResult
from healer.service import Healer
from healer.workspace import open_workspace

if TYPE_CHECKING:
    import argparse


def emit(run: RunResult, *, as_json: bool) -> None:
    """After the run: the JSON document, and CI annotations under GitHub Actions."""
    if as_json:
        from healer.render.json_document import dumps, run_document

        sys.stdout.write(dumps(run_document(run)) + "\n")
    if in_github_actions():
        from healer.render.github import workflow_commands

        stream = sys.stderr if as_json else sys.stdout
        for line in workflow_commands(run):
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
    display = None if args.json else display_for(sys.stdout, verbose=args.verbose)
    healer = Healer(
        workspace, via="cli", reporter=CliReporter(display), history=not args.no_history, environ=os.environ
    )
    with terminated_as_interrupt():
        run = healer.check(stages=args.stages, jobs=args.jobs, cache="off" if args.no_cache else "use")
    emit(run, as_json=args.json)
    if sarif is not None:
        write_sarif_of(run, Path(sarif), workspace.root, workspace.config.path)
    return run.exit_code


def write_sarif_of(run: RunResult, target: Path, root: Path, config: Path | None) -> None:
    # Only a run that asks for SARIF pays for its renderer (this module is on the start-up path).
    from healer.render.sarif import anchor_for, sarif_document, write_sarif

    write_sarif(target, sarif_document(run, anchor=anchor_for(root, config)))
