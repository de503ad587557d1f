"""Git trees as snapshots: what the index would commit, what a commit holds, what changed between two."""

from __future__ import annotations

import os
from pathlib import Path

from healer.errors import HealerError
from healer.snapshot.git import GitError, git
from healer.snapshot.manifest import Manifest

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
ZERO = "0" * 40


def index_file(root: Path, git_dir: Path) -> Path:
    """The index a commit is being made from: git points hooks at it through GIT_INDEX_FILE."""
    configured = os.environ.get("GIT_INDEX_FILE")
    if configured:
        return Path(configured) if os.path.isabs(configured) else root / configured
    return git_dir / "index"


def index_tree(root: Path, git_dir: Path, scratch: Path) -> str:
    """The tree the index would commit, computed from a copy so the index itself is never written.

    `git write-tree` on the real index would refresh its cache-tree extension,
    which rewrites the index file; a copy keeps the user's index byte-identical.
    Intent-to-add entries are left out, exactly as `git commit` leaves them out.
    """
    source = index_file(root, git_dir)
    scratch.parent.mkdir(parents=True, exist_ok=True)
    copy = scratch.with_name(f"{scratch.name}.{os.getpid()}")
    try:
        data = source.read_bytes() if source.exists() else b""
    except OSError as error:
        raise HealerError(f"cannot read the index {source}: {error.strerror}") from None
    try:
        copy.write_bytes(data)
    except OSError as error:
        copy.unlink(missing_ok=True)
        raise HealerError(f"cannot copy the index to {copy}: {error.strerror}") from None
    env = {"GIT_INDEX_FILE": str(copy)}
    try:
        if not source.exists():
            return EMPTY_TREE
        return git(["write-tree"], root, env=env).decode().strip()
    except GitError as error:
        if "unmerged" in str(error):
            raise HealerError("the index has unmerged paths; resolve the conflicts before committing") from None
        raise
    finally:
        copy.unlink(missing_ok=True)


def commit_tree(root: Path, commit: str) -> str:
    return git(["rev-parse", "--verify", "-q", f"{commit}^{{tree}}"], root).decode().strip()


def tree_manifest(root: Path, tree: str, run_root: Path) -> Manifest:
    """Every blob of `tree` by path; the content is exact, so nothing needs hashing."""
    out = git(["ls-tree", "-r", "-z", "--full-tree", tree], root)
    known: dict[str, str] = {}
    for record in out.split(b"\0"):
        if not record:
            continue
        meta, _, path = record.partition(b"\t")
        _mode, kind, sha = meta.split(b" ")
        known[os.fsdecode(path)] = ("commit:" if kind == b"commit" else "") + sha.decode()
    return Manifest(root=run_root, known=known, dirty=set())


def changed_paths(root: Path, base: str | None, tree: str) -> frozenset[str]:
    """Paths whose content differs between `base` (a tree or commit) and `tree` (everything without a base)."""
    out = git(["diff-tree", "-r", "-z", "--name-only", "--no-renames", base or EMPTY_TREE, tree], root)
    return frozenset(os.fsdecode(path) for path in out.split(b"\0") if path)


def changed_since_head(root: Path, tree: str) -> frozenset[str]:
    """What a commit of `tree` would change; in a repository without commits, everything."""
    try:
        return changed_paths(root, "HEAD", tree)
    except GitError:
        if commit_exists(root, "HEAD"):
            raise
        return changed_paths(root, None, tree)


def commit_exists(root: Path, sha: str) -> bool:
    return bool(git(["rev-parse", "--verify", "-q", f"{sha}^{{commit}}"], root, check=False).strip())
