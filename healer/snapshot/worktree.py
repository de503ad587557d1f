"""The working tree as a manifest, read through git's stat cache without writing anything."""

from __future__ import annotations

import os
from pathlib import Path

from healer.snapshot.git import git
from healer.snapshot.manifest import Manifest


def read_worktree(root: Path, *, submodules: bool = True, untracked: bool = True) -> Manifest:
    """List the working tree in one git call, without refreshing or writing the index.

    Initialised submodules are listed too, their paths prefixed with the
    submodule's: their files are content a stage can read, and a dirty
    submodule must change the cache key as much as a dirty file does.
    """
    others = ["-o"] if untracked else []  # without: tracked files only, `dirty` being the modified ones
    out = git(["ls-files", "-z", "-t", "-s", "-m", *others, "-d", "--exclude-standard", "--full-name"], root)
    known: dict[str, str] = {}
    dirty: set[str] = set()
    removed: set[str] = set()
    submodule_paths: list[str] = []
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
            if path not in submodule_paths:
                submodule_paths.append(path)
        elif tag == b"R":
            removed.add(path)
        elif tag == b"C" or stage != b"0":
            dirty.add(path)
        else:
            known[path] = sha.decode()
    for path in dirty | removed:
        known.pop(path, None)
    dirty -= removed
    for path in submodule_paths if submodules else ():
        if (root / path / ".git").exists():
            inner = read_worktree(root / path, untracked=untracked)
            known.update({f"{path}/{name}": content for name, content in inner.known.items()})
            dirty.update(f"{path}/{name}" for name in inner.dirty)
    return Manifest(root=root, known=known, dirty=dirty)
