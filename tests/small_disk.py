"""A real, small file system for tests of full and read-only disks: a tmpfs mounted in the test's own folder.

Mounting needs root (CI runs the suite as root). Without it the test is
skipped with the reason, except under CI, where a skip would hide that the
test never ran: there it fails.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHUNK = 1 << 20


@contextmanager
def small_disk(folder: Path, size: str = "16m") -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        said = done.stderr.strip().splitlines()
        problem = (said[0] if said else f"mount exited with {done.returncode}") if done.returncode else None
    except FileNotFoundError:
        problem = "mount is not installed"
    if problem is not None:
        reason = f"cannot mount a {size} tmpfs at {folder} ({problem}); the test needs root"
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"{reason}, and under CI it must run, not be skipped")
        pytest.skip(reason)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)


def fill(disk: Path, leave: int = 0) -> Path:
    """Take all the disk's free space but `leave` bytes, with one file."""
    filler = disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        block = b"\0" * CHUNK
        while True:
            try:
                os.write(descriptor, block)
            except OSError:
                if len(block) == 1:
                    break
                block = block[: len(block) // 2]  # the last pages, in smaller pieces
    finally:
        os.close(descriptor)
    written = filler.stat().st_size
    os.truncate(filler, max(0, written - leave))
    return filler


def free_bytes(disk: Path) -> int:
    info = os.statvfs(disk)
    return info.f_bavail * info.f_frsize


def remount_read_only(disk: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True, capture_output=True, timeout=30)
