"""Place a path a tool printed inside the repository, with POSIX separators."""

from __future__ import annotations

import ntpath
import os
import posixpath
import re
from pathlib import Path

_WINDOWS_ABSOLUTE = re.compile(r"[A-Za-z]:[\\/]|\\\\")


def relative_to_root(path: str, *, root: Path, cwd: Path) -> str:
    """`path` relative to `root` if it lies inside it, else absolute; always with `/`.

    Relative paths are taken from `cwd`, the directory the tool ran in.
    Pseudo files such as `<frozen runpy>` or `<stdin>` are kept as printed.
    """
    if path.startswith("<") or not path.strip():
        return path
    if _WINDOWS_ABSOLUTE.match(path) and os.sep == "/":
        # A Windows path seen on a POSIX machine cannot be inside this repository.
        return ntpath.normpath(path).replace("\\", "/")
    native = path.replace("\\", "/") if os.sep == "/" else path
    absolute = os.path.normpath(os.path.join(cwd, native))
    for base in _candidates(root):
        inside = _inside(absolute, base)
        if inside is not None:
            return inside
    resolved = _resolve(absolute)
    for base in _candidates(root):
        inside = _inside(resolved, base)
        if inside is not None:
            return inside
    return absolute.replace(os.sep, "/")


def _candidates(root: Path) -> list[str]:
    # The root as given and as resolved: /tmp vs /private/tmp on macOS, or a
    # symlinked checkout, must still count as inside.
    given = os.path.normpath(root)
    resolved = _resolve(given)
    return [given] if resolved == given else [given, resolved]


def _inside(absolute: str, base: str) -> str | None:
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:  # Different drives on Windows.
        return None
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    if relative == os.curdir:
        return "."
    return posixpath.join(*relative.split(os.sep))


def _resolve(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):
        return path
