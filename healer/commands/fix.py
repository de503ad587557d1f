"""`healer fix`: propose, verify and, when asked, apply fixes to the working tree."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from healer.commands.display import CliReporter, display_for, is_terminal
from healer.errors import HealerError
from healer.fixing.report import FixOptions, FixReport
from healer.interrupt import terminated_as_interrupt
from healer.llm.offline import network_offline
from healer.render.fix_json import fix_document
from healer.render.fix_text import render_report
from healer.render.json_document import dumps
from healer.service import Healer
from healer.workspace import open_workspace

if TYPE_CHECKING:
    import argparse


def execute(args: argparse.Namespace) -> int:
    if args.dry_run and not args.apply:
        raise HealerError("--dry-run goes with --apply (without --apply, nothing is changed anyway)")
    if args.apply_weakening and args.apply != "all":
        raise HealerError("--apply-weakening goes with --apply all: it adds the fixes that pass by changing the checks")
    workspace = open_workspace()
    reporter = CliReporter(None if args.json else display_for(sys.stdout), progress=None if args.json else "healer fix")
    healer = Healer(workspace, via="cli", reporter=reporter, environ=os.environ, offline=args.offline)
    options = FixOptions(
        stages=tuple(args.stages),
        apply=args.apply,
        apply_weakening=args.apply_weakening,
        dry_run=args.dry_run,
        offline=healer.offline_reason(flag=args.offline),
        rounds=args.rounds,
        jobs=args.jobs,
        cache="off" if args.no_cache else "use",
        workflow=args.workflow,
        agents_offline=network_offline(flag=args.offline),
    )
    with terminated_as_interrupt():
        report = healer.fix(options)
    emit_report(report, as_json=args.json, show_all=args.show_all)
    return report.exit_code


def emit_report(report: FixReport, *, as_json: bool, show_all: bool, hints: bool = True) -> None:
    if as_json:
        sys.stdout.write(dumps(fix_document(report)) + "\n")
    else:
        colour = is_terminal(sys.stdout) and "NO_COLOR" not in os.environ
        sys.stdout.write(render_report(report, colour=colour, show_all=show_all, hints=hints))
    sys.stdout.flush()
