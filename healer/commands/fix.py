"""`healer fix`: propose, verify and, when asked, apply fixes to the working tree."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from healer.commands.display import display_for, is_terminal
from healer.commands.run import open_store, terminated_as_interrupt
from healer.fixes.session import FixOptions, FixReport, fix_workspace
from healer.llm.setup import offline_reason
from healer.workspace import open_workspace

if TYPE_CHECKING:
    import argparse

    from healer.kb.store import Store


def execute(args: argparse.Namespace) -> int:
    if args.dry_run and not args.apply:
        from healer.errors import HealerError

        raise HealerError("--dry-run goes with --apply (without --apply, nothing is changed anyway)")
    workspace = open_workspace()
    quiet = args.json
    sink = (lambda _event: None) if quiet else display_for(sys.stdout)

    def progress(message: str) -> None:
        if not quiet:
            print(f"healer fix: {message}", flush=True)

    notices: list[str] = []

    def store() -> Store | None:
        return None if args.no_cache else open_store(notices)

    options = FixOptions(
        stages=tuple(args.stages),
        apply=args.apply,
        dry_run=args.dry_run,
        offline=offline_reason(workspace.config, flag=args.offline),
        rounds=args.rounds,
        jobs=args.jobs,
        use_cache=not args.no_cache,
        prepend_path=tuple(getattr(args, "prepend_path", ()) or ()),
    )
    with terminated_as_interrupt():
        report = fix_workspace(workspace, options, sink=sink, progress=progress, open_store=store)
    emit_report(report, as_json=args.json, show_all=args.show_all)
    return report.exit_code


def emit_report(report: FixReport, *, as_json: bool, show_all: bool, hints: bool = True) -> None:
    if as_json:
        from healer.render.fix_json import fix_document
        from healer.render.json_document import dumps

        sys.stdout.write(dumps(fix_document(report)) + "\n")
    else:
        from healer.render.fix_text import render_report

        colour = is_terminal(sys.stdout) and "NO_COLOR" not in os.environ
        sys.stdout.write(render_report(report, colour=colour, show_all=show_all, hints=hints))
    sys.stdout.flush()
