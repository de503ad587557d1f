"""`healer history`: this repository's recent runs and fixes, from the knowledge base."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from healer.kb.database import KnowledgeBase
from healer.kb.history import recent_fixes, recent_runs
from healer.render.history import describe_activity
from healer.render.rows import plain
from healer.snapshot.git import repo_root

if TYPE_CHECKING:
    import argparse

HISTORY_SCHEMA = "healer.history/1"


def knowledge_base() -> KnowledgeBase:
    """The knowledge base, saying on standard error what happened to it (a damaged file moved aside)."""
    return KnowledgeBase(notify=lambda text: print(f"healer: {text}", file=sys.stderr))


def this_repo(all_repos: bool) -> str | None:
    """The current repository's root as the knowledge base tags rows (resolved), or None for every repository."""
    return None if all_repos else str(repo_root(Path.cwd()).resolve())


def execute(args: argparse.Namespace) -> int:
    repo = this_repo(args.all_repos)
    with knowledge_base().required() as store:
        runs = recent_runs(store, repo, args.limit)
        fixes = recent_fixes(store, repo, args.limit)
    if args.json:
        document = {"schema": HISTORY_SCHEMA, "repo": repo, "runs": plain(runs), "fixes": plain(fixes)}
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print("\n".join(describe_activity(runs, fixes, args.all_repos)))
    sys.stdout.flush()
    return 0
