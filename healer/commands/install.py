"""`healer install`: write healer's git hooks (see healer.hooks.install), or with --agent a coding agent's stop
hook (healer.hooks.agents)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from healer.hooks import agents
from healer.hooks.agents import Outcome as AgentOutcome
from healer.hooks.install import Outcome, install
from healer.hooks.location import hooks_directory, husky_legacy
from healer.hooks.relocate import in_work_tree, move_hooks
from healer.hooks.shim import HOOKS
from healer.snapshot.git import repo_root

if TYPE_CHECKING:
    import argparse


def describe(outcome: Outcome) -> str:
    detail = f"; {outcome.detail}" if outcome.detail else ""
    return f"{outcome.hook}: {outcome.status} {outcome.path}{detail}"


def _shown(root: Path, folder: Path) -> str:
    try:
        return str(folder.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(folder)


def describe_agent(outcome: AgentOutcome) -> str:
    detail = f" ({outcome.detail})" if outcome.detail else ""
    return f"{outcome.agent}: {outcome.status} {outcome.path}{detail}"


def _install_agents(root: Path, names: list[str]) -> None:
    for outcome in agents.install(root, names):
        print(describe_agent(outcome))
        note = agents.AGENTS[outcome.agent].note
        if note and outcome.status != "unchanged":
            print(f"healer: note: {note}", file=sys.stderr)
    if shutil.which("healer") is None:
        print(
            "healer: note: the agents run `healer` from PATH, and there is none on this PATH; install healer where "
            "the agent finds it (pipx, uv tool) or start the agent with healer's virtualenv active",
            file=sys.stderr,
        )


def execute(args: argparse.Namespace) -> int:
    root = repo_root(Path.cwd())
    if args.agents:
        _install_agents(root, args.agents)
        if not args.hooks and args.hooks_path is None:
            return 0  # only the agents' hooks were asked for
    if args.hooks_path is not None:
        moved = move_hooks(root, hooks_directory(root), args.hooks_path)
        if moved is not None:
            kept = f"; still run from there: {', '.join(moved.linked)}" if moved.linked else ""
            print(f"core.hooksPath: now {moved.folder} in this clone's configuration (was {moved.before}){kept}")
            if moved.woken:
                print(
                    f"healer: note: {', '.join(moved.woken)} in {moved.folder} did not run before and will now",
                    file=sys.stderr,
                )
    else:
        folder = hooks_directory(root)
        if in_work_tree(root, folder) and not husky_legacy(folder):
            shown = _shown(root, folder)
            print(
                f"healer: warning: git runs hooks from {shown} (core.hooksPath), inside the work tree: the hooks "
                f"healer writes there, and any it moves aside, will show in `git status` and could be committed; "
                f"`healer install --hooks-path .git/hooks` installs them in the git directory instead, and the hooks "
                f"of {shown} still run",
                file=sys.stderr,
            )
    outcomes = install(root, args.hooks or HOOKS)
    for outcome in outcomes:
        if outcome.status == "refused":
            print(f"healer: {outcome.hook}: {outcome.detail}", file=sys.stderr)
        else:
            print(describe(outcome))
    return 2 if any(outcome.status == "refused" for outcome in outcomes) else 0
