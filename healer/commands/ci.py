"""`healer ci run|pull|status`: one dispatcher, each subcommand in a module of its own."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse


def execute(args: argparse.Namespace) -> int:
    command = importlib.import_module(f"healer.commands.ci_{args.ci_command or 'run'}")
    code: int = command.execute(args)
    return code
