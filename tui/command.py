"""`healer tui`: the terminal UI. Textual is imported only here, once the command is chosen."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from healer.errors import HealerError
from healer.workspace import open_workspace

if TYPE_CHECKING:
    import argparse


def execute(args: argparse.Namespace) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise HealerError("healer tui needs a terminal; without one, use `healer run` or `healer fix`")
    workspace = open_workspace()
    from healer.tui.app import HealerApp

    app = HealerApp(
        workspace,
        stages=tuple(args.stages),
        use_cache=not args.no_cache,
        watch=args.watch,
        environ=os.environ,
    )
    code = app.run()
    return 0 if code is None else code
