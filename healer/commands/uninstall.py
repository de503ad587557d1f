"""`healer uninstall`: remove healer's git hooks and put back what they replaced."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from healer.commands.install import describe
from healer.hooks.install import installed, uninstall
from healer.hooks.location import hooks_directory
from healer.hooks.relocate import NONE, move_back
from healer.hooks.shim import HOOKS
from healer.snapshot.git import repo_root

if TYPE_CHECKING:
    import argparse


def execute(args: argparse.Namespace) -> int:
    root = repo_root(Path.cwd())
    for outcome in uninstall(root, args.hooks or HOOKS):
        print(describe(outcome))
    folder = hooks_directory(root)
    # `install --hooks-path` moved where git runs hooks from: put it back once none of healer's hooks is left.
    if not installed(folder):
        before = move_back(root, folder)
        if before is not None:
            print(f"core.hooksPath: {'unset again' if before == NONE else f'back to {before}'}")
    return 0
