"""`healer uninstall`: remove healer's git hooks and put back what they replaced, or with --agent healer's stop
hook from a coding agent's configuration."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from healer.commands.install import describe, describe_agent
from healer.hooks import agents
from healer.hooks.install import installed, uninstall
from healer.hooks.location import hooks_directory
from healer.hooks.relocate import NONE, move_back
from healer.hooks.shim import HOOKS
from healer.snapshot.git import repo_root

if TYPE_CHECKING:
    import argparse


def execute(args: argparse.Namespace) -> int:
    root = repo_root(Path.cwd())
    if args.agents:
        for found in agents.uninstall(root, args.agents):
            print(describe_agent(found))
        if not args.hooks:
            return 0  # only the agents' hooks were asked for
    for outcome in uninstall(root, args.hooks or HOOKS):
        print(describe(outcome))
    folder = hooks_directory(root)
    # `install --hooks-path` moved where git runs hooks from: put it back once none of healer's hooks is left.
    if not installed(folder):
        before = move_back(root, folder)
        if before is not None:
            print(f"core.hooksPath: {'unset again' if before == NONE else f'back to {before}'}")
    return 0
