"""A snapshot's content as paths and git blob ids."""

from __future__ import annotations

import os
from pathlib import Path


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


class Manifest:
    """The content a check looks at: each path's git blob id, known or hashed on demand.

    `known` comes from git (index or tree entries, exact and free); `dirty` paths
    (modified or untracked in a working tree) are hashed from disk when asked.
    """

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
