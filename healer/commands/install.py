"""`healer install`: write healer's git hooks (see healer.hooks.install)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from healer.hooks.install import Outcome, install
from healer.hooks.shim import HOOKS
from healer.snapshot.git import repo_root

if TYPE_CHECKING:
    import argparse


def describe(outcome: Outcome) -> str:
    detail = f"; {outcome.detail}" if outcome.detail else ""
    return f"{outcome.hook}: {outcome.status} {outcome.path}{detail}"


def execute(args: argparse.Namespace) -> int:
    root = repo_root(Path.cwd())
    outcomes = install(root, args.hooks or HOOKS)
    for outcome in outcomes:
        if outcome.status == "refused":
            print(f"healer: {outcome.hook}: {outcome.detail}", file=sys.stderr)
        else:
            print(describe(outcome))
    return 2 if any(outcome.status == "refused" for outcome in outcomes) else 0
