"""`healer ci pull [RUN]`: a failed GitHub Actions run's failures, reproduced here by the matching stages."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from healer.ci.pull import fetch, reproduce
from healer.commands.display import CliReporter, display_for, is_terminal
from healer.errors import HealerError
from healer.fixing.report import FixOptions
from healer.github.runs import connect
from healer.interrupt import terminated_as_interrupt
from healer.llm.offline import network_offline
from healer.render.ci_pull import pull_document, pulled_text, verdict_text
from healer.render.fix_text import render_report
from healer.render.json_document import dumps
from healer.service import Healer
from healer.workspace import open_workspace

if TYPE_CHECKING:
    import argparse


def execute(args: argparse.Namespace) -> int:
    if args.apply and not args.fix:
        raise HealerError("--apply goes with --fix: without the fix loop there is nothing to apply")
    if args.fix and args.no_rerun:
        raise HealerError("--fix needs the failures reproduced here: it cannot go with --no-rerun")
    if args.run and args.commit:
        raise HealerError("RUN names the run already: --commit goes without it")
    offline = network_offline(flag=False)
    if offline is not None:
        raise HealerError(f"healer ci pull asks GitHub's API, and this command is offline ({offline})")
    workspace = open_workspace()
    connection = connect(Path(workspace.root), os.environ)
    reporter = CliReporter(None if args.json else display_for(sys.stdout), progress=None if args.json else "healer fix")
    healer = Healer(workspace, via="cli", reporter=reporter, environ=os.environ)
    options = None
    if args.fix:
        options = FixOptions(
            apply=args.apply, offline=healer.offline_reason(flag=args.offline), trigger="ci-pull",
            agents_offline=network_offline(flag=args.offline),
        )  # fmt: skip
    with terminated_as_interrupt():
        pulled = fetch(healer, connection, run=args.run, commit=args.commit)
        if not args.json:
            # What CI says comes first, then the local rerun shows as `healer run` does, then the verdicts.
            sys.stdout.write("\n".join(pulled_text(pulled)) + "\n")
            sys.stdout.flush()
        result = reproduce(healer, pulled, rerun=not args.no_rerun, fix=options)
    if args.json:
        sys.stdout.write(dumps(pull_document(result)) + "\n")
    else:
        if result.run is not None:
            sys.stdout.write("\n".join(verdict_text(result)) + "\n")
        if result.fix is not None:
            colour = is_terminal(sys.stdout) and "NO_COLOR" not in os.environ
            sys.stdout.write(render_report(result.fix, colour=colour, show_all=False))
    sys.stdout.flush()
    return result.exit_code
