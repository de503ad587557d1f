"""`healer stats`: how the checks and the fixes have fared, from the knowledge base."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from healer.commands.history import knowledge_base, this_repo
from healer.kb.history import stats
from healer.render.history import describe_stats
from healer.render.rows import plain

if TYPE_CHECKING:
    import argparse

STATS_SCHEMA = "healer.stats/1"


def execute(args: argparse.Namespace) -> int:
    repo = this_repo(args.all_repos)
    with knowledge_base().required() as store:
        report = stats(store, repo)
    if args.json:
        print(json.dumps({"schema": STATS_SCHEMA, "repo": repo, **plain(report)}, indent=2, ensure_ascii=False))
    else:
        print("\n".join(describe_stats(report)))
    sys.stdout.flush()
    return 0
