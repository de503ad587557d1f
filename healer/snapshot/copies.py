"""Where healer's copies of a repository's content live: outside the repository, in the user's cache folder.

The shadow tree (checks of staged or pushed content) and the sandboxes (where
fixes are made and verified) are full checkouts. They used to sit in the git
directory, and there tools see them as inside `.git/`: black, ruff's
excludes, isort, prettier and eslint skip every file there, find nothing to
check and pass. A folder of its own in the user's cache folder, one per
repository (keyed by its git directory), is a path no tool's default exclude
matches. Each folder says whose it is (`OWNER`), so copies of a repository
that is gone, or that healer has not used for a while, can be swept away.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from healer.errors import HealerError

OWNER = "OWNER"
"""In each repository's folder: the git state folder it belongs to, so a sweep knows whether it still exists."""
IDLE_DAYS = 30.0
"""Copies not used for this long are removed by `sweep` (made again, in full, when needed)."""


def cache_root() -> Path:
    """`HEALER_COPIES` if set, else `copies` in the platform's per-user cache folder for healer."""
    override = os.environ.get("HEALER_COPIES")
    if override:
        return Path(override).expanduser()
    if sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    elif sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "healer" / "copies"


def base_for(root: Path) -> Path:
    """The cache root, unless it lies inside this repository's work tree (a home folder under version control):
    then a folder of the temporary directory, which is just as far from any tool's excludes."""
    base = cache_root()
    try:
        base.resolve().relative_to(root.resolve())
    except ValueError:
        return base
    private = Path(tempfile.gettempdir()) / f"healer-{os.getuid()}"
    private.mkdir(mode=0o700, exist_ok=True)
    info = private.lstat()
    if private.is_symlink() or info.st_uid != os.getuid() or info.st_mode & 0o077:
        # Another user could read or plant files in it: never check anything out there.
        raise HealerError(f"{private} is not a private folder of this user; set HEALER_COPIES to a folder of yours")
    return private / "copies"


def copies_of(root: Path, state_dir: Path) -> Path:
    """The folder holding this repository's copies (made, and claimed with `OWNER`, if it is new)."""
    owner = str(state_dir.resolve())
    key = hashlib.sha256(owner.encode()).hexdigest()[:12]
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in root.name)[:40] or "repo"
    folder = base_for(root) / f"{name}-{key}"
    claim = folder / OWNER
    if not claim.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        # Per thread, not only per process: two verifications may claim a new folder at once.
        temporary = folder / f".{OWNER}.{os.getpid()}.{threading.get_ident()}"
        temporary.write_text(owner + "\n")
        os.replace(temporary, claim)
        _forget_old_copies(state_dir)
    return folder


def _forget_old_copies(state_dir: Path) -> None:
    """Remove the copies an older healer kept in the git directory: nothing uses them any more."""
    try:
        entries = list(state_dir.iterdir())
    except OSError:
        return
    for entry in entries:
        stem = entry.name.split(".", 1)[0]
        if not (stem == "shadow" or (stem.startswith("sandbox-") and stem[len("sandbox-") :].isdigit())):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name != stem and entry.name.endswith((".index", ".tree", ".lock")):
            entry.unlink(missing_ok=True)


def sweep(now: float | None = None, idle_days: float = IDLE_DAYS) -> list[Path]:
    """Remove the copies of repositories that no longer exist, or that healer has not used for `idle_days`."""
    now = time.time() if now is None else now
    root = cache_root()
    removed: list[Path] = []
    try:
        folders = [entry for entry in root.iterdir() if entry.is_dir() and not entry.is_symlink()]
    except OSError:
        return removed
    for folder in folders:
        try:
            owner = Path((folder / OWNER).read_text().strip())
            used = max((entry.stat().st_mtime for entry in folder.iterdir()), default=0.0)
        except OSError:
            continue  # not one of healer's, or being made right now
        if owner.exists() and now - used < idle_days * 86_400:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed
