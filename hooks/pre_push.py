"""What a push sends: the refs git passes to pre-push, and the snapshot of each commit they bring to the remote."""

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

    @property
    def name(self) -> str:
        return self.local_ref.removeprefix("refs/heads/").removeprefix("refs/tags/")


class PushedCommits(NamedTuple):
    """The commits one ref brings to the remote, oldest first, each as a snapshot to check."""

    ref: str
    snapshots: tuple[Snapshot, ...]
    new: int
    """How many commits the ref brings; more than `snapshots` holds when a policy or another ref covers some."""


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
    names, and that push must still be checked: the local branch's commits are.
    """
    local = env.get("PRE_COMMIT_LOCAL_BRANCH")
    remote = env.get("PRE_COMMIT_REMOTE_BRANCH", "")
    to_ref = env.get("PRE_COMMIT_TO_REF")
    if not to_ref and local:
        to_ref = git(["rev-parse", "--verify", "-q", f"{local}^{{commit}}"], root, check=False).decode().strip()
    if not to_ref:
        return []
    return [PushedRef(local or "HEAD", to_ref, remote, env.get("PRE_COMMIT_FROM_REF") or ZERO)]


def _known_remote_sha(root: Path, ref: PushedRef) -> str | None:
    return ref.remote_sha if ref.remote_sha != ZERO and commit_exists(root, ref.remote_sha) else None


def _on_remote(remote: str | None) -> list[str]:
    # What the remote-tracking refs say the remote already has; a push to a URL has no name to narrow them by.
    return [f"--remotes={remote}"] if remote and not _is_url(remote) else ["--remotes"]


def new_commits(root: Path, ref: PushedRef, remote: str | None) -> list[str]:
    """The commits `ref` brings that the remote does not have yet, oldest first (parents before children).

    What the remote's end of the ref held (for a force push, the history being
    replaced) and everything on the remote's tracking refs count as there.
    """
    old = _known_remote_sha(root, ref)
    exclude = [old] if old else []
    out = git(["rev-list", "--topo-order", "--reverse", ref.local_sha, "--not", *exclude, *_on_remote(remote)], root)
    return [sha.decode() for sha in out.split()]


def base_for(root: Path, ref: PushedRef, remote: str | None, new: list[str]) -> str | None:
    """What the remote already has of this ref's history: the commit every pushed commit is compared with."""
    old = _known_remote_sha(root, ref)
    if old is not None:
        return old
    if not new:
        return ref.local_sha
    # A new branch: compare with the newest commit the remote already has in its history.
    parents = git(["rev-list", "--parents", "-n", "1", new[0]], root).split()[1:]
    return parents[0].decode() if parents else None


def _is_url(remote: str) -> bool:
    return "://" in remote or os.sep in remote or ":" in remote


def push_snapshots(
    root: Path, refs: list[PushedRef], remote: str | None, policy: str = "every-commit"
) -> list[PushedCommits]:
    """Per pushed ref (deletions have nothing to check), the snapshots of the commits to check.

    A commit two refs bring (a branch and its tag) is checked once, with the
    first; with `policy` "tips" only the newest commit of each ref is.
    """
    pushed = []
    seen: set[str] = set()
    for ref in refs:
        if ref.deletes:
            continue
        if not commit_exists(root, ref.local_sha):
            raise HealerError(f"pre-push: {ref.local_ref} points at {ref.local_sha[:12]}, which is not a commit here")
        new = new_commits(root, ref, remote)
        base = base_for(root, ref, remote, new)
        wanted = new[-1:] if policy == "tips" else new
        snapshots = tuple(
            commit_snapshot(root, sha, base, f"{ref.name} at {sha[:9]}") for sha in wanted if sha not in seen
        )
        seen.update(wanted)
        pushed.append(PushedCommits(ref.name, snapshots, len(new)))
    return pushed
