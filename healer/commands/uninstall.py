"""`healer uninstall`: remove healer's git hooks and put back what they replaced."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from healer.commands.install import describe
from healer.hooks.install import uninstall
from healer.hooks.shim import HOOKS
from healer.snapshot.git import repo_root

if TYPE_CHECKING:
    import argparse


def execute(args: argparse.Namespace) -> int:
    root = repo_root(Path.cwd())
    for outcome in uninstall(root, args.hooks or HOOKS):
        print(describe(outcome))
    return 0
