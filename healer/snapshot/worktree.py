"""The working tree as a manifest of paths to content hashes, read through git's stat cache."""

from __future__ import annotations

import os
from pathlib import Path

from healer.snapshot.git import git


def blob_hash(data: bytes) -> str:
    """The git blob id of `data`, so clean files and dirty files hash alike."""
    import hashlib  # only for modified or untracked files; clean ones come hashed from git

    digest = hashlib.sha1(b"blob %d\0" % len(data), usedforsecurity=False)
    digest.update(data)
    return digest.hexdigest()


def hash_path(path: Path) -> str | None:
    """The blob id of a file as it is on disk now (symlinks by their target), None if gone."""
    try:
        if path.is_symlink():
            return blob_hash(os.fsencode(os.readlink(path)))
        return blob_hash(path.read_bytes())
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


class WorkTree:
    """Tracked files with their index hashes, plus the paths whose content must be hashed."""

    def __init__(self, root: Path, known: dict[str, str], dirty: set[str]) -> None:
        self.root = root
        self.known = known
        """Path to blob id, for files whose working-tree content equals the index."""
        self.dirty = dirty
        """Modified, unmerged and untracked (not ignored) files: hashed on demand."""
        self._hashed: dict[str, str | None] = {}
        self._paths: list[str] | None = None

    def paths(self) -> list[str]:
        if self._paths is None:
            self._paths = sorted(self.known.keys() | self.dirty)
        return self._paths

    def content_id(self, path: str) -> str | None:
        """The blob id of `path` in the working tree, None if it does not exist."""
        if path in self.known:
            return self.known[path]
        if path not in self._hashed:
            self._hashed[path] = hash_path(self.root / path)
        return self._hashed[path]


def read_worktree(root: Path) -> WorkTree:
    """List the working tree in one git call, without refreshing or writing the index.

    Initialised submodules are listed too, their paths prefixed with the
    submodule's: their files are content a stage can read, and a dirty
    submodule must change the cache key as much as a dirty file does.
    """
    out = git(["ls-files", "-z", "-t", "-s", "-m", "-o", "-d", "--exclude-standard", "--full-name"], root)
    known: dict[str, str] = {}
    dirty: set[str] = set()
    removed: set[str] = set()
    submodules: list[str] = []
    for record in out.split(b"\0"):
        if not record:
            continue
        tag = record[:1]
        if tag == b"?":
            path = os.fsdecode(record[2:])
            if not path.endswith("/"):  # a nested repository git lists as a folder
                dirty.add(path)
            continue
        meta, _, raw_path = record[2:].partition(b"\t")
        path = os.fsdecode(raw_path)
        mode, sha, stage = meta.split(b" ")
        if mode == b"160000":
            known[path] = "commit:" + sha.decode()
            if path not in submodules:
                submodules.append(path)
        elif tag == b"R":
            removed.add(path)
        elif tag == b"C" or stage != b"0":
            dirty.add(path)
        else:
            known[path] = sha.decode()
    for path in dirty | removed:
        known.pop(path, None)
    dirty -= removed
    for path in submodules:
        if (root / path / ".git").exists():
            inner = read_worktree(root / path)
            known.update({f"{path}/{name}": content for name, content in inner.known.items()})
            dirty.update(f"{path}/{name}" for name in inner.dirty)
    return WorkTree(root=root, known=known, dirty=dirty)
