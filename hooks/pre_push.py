"""What a push sends: the refs git passes to pre-push, and the snapshot of each pushed commit."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from healer.errors import HealerError
from healer.snapshot.git import git
from healer.snapshot.snapshot import Snapshot, commit_snapshot
from healer.snapshot.tree import ZERO, commit_exists


class PushedRef(NamedTuple):
    local_ref: str
    local_sha: str
    remote_ref: str
    remote_sha: str

    @property
    def deletes(self) -> bool:
        return self.local_sha == ZERO


def parse_refs(text: str) -> list[PushedRef]:
    """The lines git writes to pre-push's standard input: `<local ref> <sha> <remote ref> <sha>`."""
    refs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 4:
            raise HealerError(f"pre-push: line {number} of standard input is not '<ref> <sha> <ref> <sha>': {line!r}")
        refs.append(PushedRef(*parts))
    return refs


def refs_from_framework(root: Path, env: Mapping[str, str]) -> list[PushedRef]:
    """Under the pre-commit framework, pre-push hooks get the push in environment variables.

    The framework sets PRE_COMMIT_FROM_REF/TO_REF only when both ends are known;
    for a branch whose history is new to the remote it sets only the branch
    names, and that push must still be checked: the local branch's tip is.
    """
    local = env.get("PRE_COMMIT_LOCAL_BRANCH")
    remote = env.get("PRE_COMMIT_REMOTE_BRANCH", "")
    to_ref = env.get("PRE_COMMIT_TO_REF")
    if not to_ref and local:
        to_ref = git(["rev-parse", "--verify", "-q", f"{local}^{{commit}}"], root, check=False).decode().strip()
    if not to_ref:
        return []
    return [PushedRef(local or "HEAD", to_ref, remote, env.get("PRE_COMMIT_FROM_REF") or ZERO)]


def base_for(root: Path, ref: PushedRef, remote: str | None) -> str | None:
    """What the remote already has of this ref's history: the commit to compare the push with."""
    if ref.remote_sha != ZERO and commit_exists(root, ref.remote_sha):
        return ref.remote_sha
    # A new branch: compare with the newest commit the remote already has in its history.
    exclude = [f"--remotes={remote}"] if remote and not _is_url(remote) else ["--remotes"]
    new = git(["rev-list", "--topo-order", "--reverse", ref.local_sha, "--not", *exclude], root).split()
    if not new:
        return ref.local_sha  # every commit is already there: nothing new to check
    parents = git(["rev-list", "--parents", "-n", "1", new[0].decode()], root).split()[1:]
    return parents[0].decode() if parents else None


def _is_url(remote: str) -> bool:
    return "://" in remote or os.sep in remote or ":" in remote


def push_snapshots(root: Path, refs: list[PushedRef], remote: str | None) -> list[Snapshot]:
    snapshots = []
    for ref in refs:
        if ref.deletes:
            continue
        if not commit_exists(root, ref.local_sha):
            raise HealerError(f"pre-push: {ref.local_ref} points at {ref.local_sha[:12]}, which is not a commit here")
        name = ref.local_ref.removeprefix("refs/heads/")
        snapshots.append(
            commit_snapshot(root, ref.local_sha, base_for(root, ref, remote), f"{name} at {ref.local_sha[:9]}")
        )
    return snapshots
