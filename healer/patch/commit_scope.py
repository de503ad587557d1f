"""Which files a fix staged into a commit being made may touch: only those the commit already changes.

A fix staged into any other file would put a change in the commit that the
user never staged (a file that was already broken in HEAD, reformatted on the
way); that file is reported, and left as it is.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from healer.snapshot.git import git
from healer.snapshot.tree import commit_exists


def outside_commit(root: Path, paths: Sequence[str]) -> str | None:
    """The first of `paths` whose staged content is the same as HEAD's (or that is not staged at all), or None.

    git runs a hook with GIT_INDEX_FILE pointing at the index it commits from, and these commands read that one.
    """
    env = {"GIT_LITERAL_PATHSPECS": "1"}
    if commit_exists(root, "HEAD"):
        out = git(["diff-index", "--cached", "--name-only", "-z", "--no-renames", "HEAD", "--", *paths], root, env=env)
    else:
        out = git(["ls-files", "--cached", "-z", "--", *paths], root, env=env)  # the first commit holds the index
    changed = {os.fsdecode(path) for path in out.split(b"\0") if path}
    return next((path for path in paths if path not in changed), None)
