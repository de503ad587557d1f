"""The working-tree manifest: exact content ids, read without writing anything in the repository."""

from __future__ import annotations

import hashlib
import os
import subprocess

from healer.snapshot.manifest import blob_hash
from healer.snapshot.worktree import read_worktree

from ..conftest import Repo


def git_hash(repo: Repo, path: str) -> str:
    return repo.git("hash-object", "--no-filters", path).strip()


def test_blob_hash_matches_git(repo: Repo) -> None:
    repo.write("a.txt", "hello\n")
    assert blob_hash(b"hello\n") == git_hash(repo, "a.txt")


def test_manifest_covers_clean_modified_untracked_deleted_and_ignored(repo: Repo) -> None:
    repo.write(".gitignore", "ignored.txt\n")
    repo.write("clean.txt", "clean\n")
    repo.write("modified.txt", "before\n")
    repo.write("deleted.txt", "bye\n")
    repo.commit()
    repo.write("modified.txt", "after\n")
    (repo.path / "deleted.txt").unlink()
    repo.write("new/untracked.txt", "new\n")
    repo.write("ignored.txt", "ignored\n")
    tree = read_worktree(repo.path)
    assert tree.paths() == [".gitignore", "clean.txt", "modified.txt", "new/untracked.txt"]
    for path in tree.paths():
        assert tree.content_id(path) == git_hash(repo, path)
    assert tree.content_id("deleted.txt") is None


def test_works_in_a_repository_without_commits(repo: Repo) -> None:
    repo.write("a.py", "x = 1\n")
    repo.git("add", "a.py")
    repo.write("b.py", "y = 2\n")
    tree = read_worktree(repo.path)
    assert tree.paths() == ["a.py", "b.py"]
    assert tree.content_id("a.py") == git_hash(repo, "a.py")


def test_staged_but_then_modified_file_uses_working_tree_content(repo: Repo) -> None:
    repo.write("a.txt", "one\n")
    repo.commit()
    repo.write("a.txt", "two\n")
    repo.git("add", "a.txt")
    repo.write("a.txt", "three\n")
    assert read_worktree(repo.path).content_id("a.txt") == blob_hash(b"three\n")


def test_symlink_is_hashed_by_its_target(repo: Repo) -> None:
    repo.write("target.txt", "t\n")
    os.symlink("target.txt", repo.path / "link")
    tree = read_worktree(repo.path)
    assert tree.content_id("link") == blob_hash(b"target.txt")


def test_same_size_same_second_edit_is_seen(repo: Repo) -> None:
    """git's racy-clean handling: a same-length rewrite right after the index was written."""
    path = repo.write("a.txt", "aaaa\n")
    repo.commit()
    stat = path.stat()
    path.write_text("bbbb\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert read_worktree(repo.path).content_id("a.txt") == blob_hash(b"bbbb\n")


def test_reading_never_writes_the_index(repo: Repo) -> None:
    for i in range(20):
        repo.write(f"f{i}.txt", f"{i}\n")
    repo.commit()
    index = repo.path / ".git" / "index"
    # Make the index's stat cache stale, which `git status` would "refresh" by rewriting it.
    for i in range(20):
        os.utime(repo.path / f"f{i}.txt", (1_000_000_000, 1_000_000_000))
    before = (hashlib.sha256(index.read_bytes()).hexdigest(), index.stat().st_mtime_ns)
    read_worktree(repo.path)
    after = (hashlib.sha256(index.read_bytes()).hexdigest(), index.stat().st_mtime_ns)
    assert before == after
    status = subprocess.run(["git", "stash", "list"], cwd=repo.path, capture_output=True, text=True, check=True)
    assert status.stdout == ""
