"""Writing a document a command was asked for (SARIF, a patch file, the job summary) to a path the user gave."""

from __future__ import annotations

import os
from pathlib import Path

from healer.errors import HealerError
from healer.patch.files import write


def check_writable(target: str | Path, *, what: str) -> None:
    """Before a run that may take minutes: the mistakes in a document's path that are sure to fail later."""
    parent = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(parent):
        raise HealerError(f"cannot write the {what} to {target}: the folder {parent} does not exist")
    if os.path.isdir(target):
        raise HealerError(f"cannot write the {what} to {target}: it is a folder")


def write_output(path: Path, data: bytes, *, what: str, append: bool = False) -> None:
    """`data` to `path`, whole or not at all (or appended: GitHub's step summary collects every step's);
    a one-line error naming the path when it cannot be written."""
    check_writable(path, what=what)
    try:
        if append:
            with path.open("ab") as stream:
                stream.write(data)
        else:
            target = path.absolute()
            write(target.parent, target.name, data, None)
    except OSError as error:
        raise HealerError(f"cannot write the {what} to {path}: {error.strerror or error}") from None
