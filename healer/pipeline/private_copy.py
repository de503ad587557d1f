"""A throwaway copy of the checked content, for a stage that rewrites files (`isolate = true`).

A pre-commit fixer hook (`trailing-whitespace`, `end-of-file-fixer`) checks by
rewriting: it fails when it changed something. Run where the working tree is
checked in place, it would rewrite the user's files. Such a stage runs in a
private copy of the same files instead (outside the work tree, as healer's
other copies are, so tools' excludes see ordinary paths), and what it rewrote
there is its finding: the stage fails naming the files, and the user's files
stay as they were. The copy is removed when the stage ends.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from healer.snapshot.copies import base_for
from healer.snapshot.manifest import Manifest, hash_path


@contextmanager
def private_copy(root: Path, content: Manifest) -> Iterator[Path]:
    """A new folder holding `content`'s files (symlinks as links, modes kept), removed afterwards."""
    base = base_for(root)
    base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="isolated-", dir=base))
    try:
        for path in content.paths():
            source = root / path
            if content.known.get(path, "").startswith("commit:") or not os.path.lexists(source):
                continue  # a submodule is a folder of its own; a deleted file is not content
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_symlink():
                os.symlink(os.readlink(source), target)
            elif source.is_file():
                shutil.copy2(source, target)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def rewritten(folder: Path, root: Path, content: Manifest) -> list[str]:
    """The files of `content` whose copy in `folder` differs now from the file in `root` it was copied from.

    Compared with the files themselves, not the manifest's ids: in a verification copy the candidate's files
    differ from the ids the manifest was made with.
    """
    changed: list[str] = []
    for path in content.paths():
        if content.known.get(path, "").startswith("commit:") or not os.path.lexists(root / path):
            continue
        if hash_path(folder / path) != hash_path(root / path):
            changed.append(path)
    return changed
