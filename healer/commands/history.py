"""`healer history`: this repository's recent runs and fixes, from the knowledge base."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from healer.kb.store import Store

if TYPE_CHECKING:
    import argparse

HISTORY_SCHEMA = "healer.history/1"


def open_kb() -> Store:
    """The knowledge base; a damaged file is moved aside (the notice goes to stderr) and a new one started."""
    store = Store()
    for notice in store.notices:
        print(f"healer: {notice}", file=sys.stderr)
    return store


def this_repo(all_repos: bool) -> str | None:
    """The current repository's root as the knowledge base tags rows (resolved), or None for every repository."""
    if all_repos:
        return None
    from healer.snapshot.git import repo_root

    return str(repo_root(Path.cwd()).resolve())


def when(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(seconds))


def describe(runs: list[dict[str, Any]], fixes: list[dict[str, Any]], all_repos: bool) -> list[str]:
    lines = ["runs:" if runs else "no runs recorded yet"]
    for run in runs:
        failed = f"  failed: {', '.join(run['failed_stages'])}" if run["failed_stages"] else ""
        where = f"  {run['repo']}" if all_repos else ""
        lines.append(
            f"  {when(run['started'])}  {run['trigger']:<10}  {run['snapshot']:<8}  {run['outcome']:<11}"
            f"  {run['duration']:7.1f}s{failed}{where}"
        )
    lines.append("fixes:" if fixes else "no fixes applied yet")
    for fix in fixes:
        where = f"  {fix['repo']}" if all_repos else ""
        lines.append(f"  {when(fix['time'])}  {fix['decision']:<8}  {fix['patch_id']}  {fix['title'] or '?'}{where}")
    return lines


def execute(args: argparse.Namespace) -> int:
    from healer.kb.history import recent_fixes, recent_runs

    repo = this_repo(args.all_repos)
    with open_kb() as store:
        runs = recent_runs(store, repo, args.limit)
        fixes = recent_fixes(store, repo, args.limit)
    if args.json:
        import json

        document = {"schema": HISTORY_SCHEMA, "repo": repo, "runs": runs, "fixes": fixes}
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print("\n".join(describe(runs, fixes, args.all_repos)))
    sys.stdout.flush()
    return 0
