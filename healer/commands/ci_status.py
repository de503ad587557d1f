"""`healer ci status`: the branch's last workflow runs and their conclusions, in one screen."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from healer.errors import HealerError
from healer.github.runs import connect, list_runs
from healer.llm.offline import network_offline
from healer.render.ci_pull import status_document, status_text
from healer.render.json_document import dumps
from healer.snapshot.git import git, repo_root

if TYPE_CHECKING:
    import argparse


def execute(args: argparse.Namespace) -> int:
    offline = network_offline(flag=False)
    if offline is not None:
        raise HealerError(f"healer ci status asks GitHub's API, and this command is offline ({offline})")
    root = repo_root(Path.cwd())
    branch = args.branch or git(["symbolic-ref", "-q", "--short", "HEAD"], root, check=False).decode().strip()
    if not branch:
        raise HealerError("HEAD is detached: name the branch (healer ci status --branch NAME)")
    connection = connect(root, os.environ)
    runs, limit = list_runs(connection.client, connection.repo, branch=branch, limit=args.limit)
    if args.json:
        sys.stdout.write(dumps(status_document(connection.repo.slug, branch, runs, limit)) + "\n")
    else:
        sys.stdout.write("\n".join(status_text(connection.repo.slug, branch, runs, limit)) + "\n")
    sys.stdout.flush()
    return 0
