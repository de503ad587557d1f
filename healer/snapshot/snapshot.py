"""The three things a check can look at: the working tree, the index, a commit."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, NamedTuple

from healer.snapshot.manifest import Manifest
from healer.snapshot.tree import (
    changed_paths,
    changed_since_head,
    commit_exists,
    commit_tree,
    index_tree,
    tree_manifest,
)
from healer.snapshot.worktree import read_worktree

Kind = Literal["worktree", "index", "commit"]


class Snapshot(NamedTuple):
    kind: Kind
    label: str
    """What is checked, for people: "the staged changes", "main at 1a2b3c4"."""
    tree: str | None
    """The git tree of an index or commit snapshot; None for the working tree."""
    touched: frozenset[str] | None
    """Paths that changed against the base (None: everything counts)."""


def worktree_snapshot() -> Snapshot:
    return Snapshot("worktree", "the working tree", None, None)


def index_snapshot(root: Path, state_dir: Path) -> Snapshot:
    """What `git commit` would record now, and what it changes against HEAD."""
    # state_dir is <git dir>/healer, so the git dir (and its default index) needs no git process.
    tree = index_tree(root, state_dir.parent, state_dir / "index.copy")
    return Snapshot("index", "the staged changes", tree, changed_since_head(root, tree))


def commit_snapshot(root: Path, commit: str, base: str | None, label: str) -> Snapshot:
    """A commit's content, and what it changes against `base` (what the remote already has)."""
    tree = commit_tree(root, commit)
    base_tree = commit_tree(root, base) if base and commit_exists(root, base) else None
    return Snapshot("commit", label, tree, changed_paths(root, base_tree, tree))


def manifest_of(snapshot: Snapshot, root: Path, run_root: Path) -> Manifest:
    if snapshot.tree is None:
        return read_worktree(run_root)
    return tree_manifest(root, snapshot.tree, run_root)


def matches_worktree(manifest: Manifest, root: Path) -> bool:
    """True when the working tree holds exactly a tree snapshot's content, so stages can run in place.

    Untracked (not ignored) files count as a difference: a test runner would
    collect an untracked test file that the commit does not contain.
    """
    current = read_worktree(root, submodules=False)
    return not current.dirty and current.known == manifest.known
