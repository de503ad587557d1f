"""Reading and replacing the user's files, each change all or nothing.

A file is replaced by writing a temporary file, syncing it, and renaming it
over the original: at every instant the path holds the whole old content or
the whole new content. The temporary file is written in healer's own scratch
folder under the git directory when that is on the work tree's file system
(a rename cannot cross file systems), so a process killed mid-write leaves
nothing in the user's view; otherwise beside the file, with a recognisable
name. Either kind is swept away by the next apply or undo.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from healer.errors import HealerError

TEMP_MARK = ".healer-tmp-"
SCRATCH = "writing"
"""The folder under healer's state folder (`<git dir>/healer`) where replacements are written before the rename."""


def current(root: Path, path: str) -> bytes | None:
    """The file's content now, None if it does not exist; a link or a folder there is an error."""
    target = root / path
    try:
        info = target.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not stat.S_ISREG(info.st_mode):
        raise HealerError(f"{path} is not a regular file any more")
    descriptor = os.open(target, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(descriptor, "rb") as handle:
        return handle.read()


def mode_of(root: Path, path: str) -> int | None:
    try:
        return stat.S_IMODE((root / path).lstat().st_mode)
    except FileNotFoundError:
        return None


def _temp_prefix(name: str) -> str:
    return f".{name}{TEMP_MARK}"


class Changed(Exception):
    """The file changed while its replacement was being written; nothing was replaced."""


def write(
    root: Path,
    path: str,
    data: bytes,
    mode: int | None,
    unchanged: Callable[[], bool] | None = None,
    *,
    scratch: Path | None = None,
) -> None:
    """Replace (or create) `path` with `data` atomically; `mode` None means a new file's default permissions.

    `unchanged` is asked after the new content is safely on disk and right
    before the rename: a save by the user while the temporary file was written
    and synced is caught, and raises Changed instead of being overwritten.
    `scratch`: the folder for the temporary file, used when it is on the same
    file system as the target.
    """
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    unique = f"{os.getpid()}-{secrets.token_hex(4)}"
    folder = scratch if scratch is not None and _same_file_system(scratch, target.parent) else None
    if folder is None:
        temporary = target.with_name(f"{_temp_prefix(target.name)}{unique}")
    else:
        temporary = folder / f"{unique}{TEMP_MARK}{target.name}"
    # 0o666 filtered by the umask, as any editor would create the file.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
    try:
        try:
            if mode is not None:
                os.fchmod(descriptor, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        if unchanged is not None and not unchanged():
            raise Changed(path)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_folder(target.parent)


def _same_file_system(scratch: Path, folder: Path) -> bool:
    try:
        scratch.mkdir(parents=True, exist_ok=True)
        return os.stat(scratch).st_dev == os.stat(folder).st_dev
    except OSError:
        return False


def sweep_scratch(scratch: Path) -> list[str]:
    """Remove what writes killed midway left in `scratch` (call with the journal's lock held: no write runs)."""
    try:
        names = [name for name in os.listdir(scratch) if TEMP_MARK in name]
    except OSError:
        return []
    for name in names:
        with contextlib.suppress(OSError):
            (scratch / name).unlink(missing_ok=True)
    return names


def remove(root: Path, path: str) -> None:
    target = root / path
    target.unlink(missing_ok=True)
    sync_folder(target.parent)


def sync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sweep(root: Path, path: str) -> None:
    """Remove temporary files an interrupted write of `path` left beside it."""
    target = root / path
    prefix = _temp_prefix(target.name)
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        if name.startswith(prefix):
            (target.parent / name).unlink(missing_ok=True)
