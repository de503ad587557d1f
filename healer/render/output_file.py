"""Writing a document a command was asked for (SARIF, a patch file, the job summary) to a path the user gave."""

from __future__ import annotations

from pathlib import Path

from healer.errors import HealerError
from healer.patch.files import write


def write_output(path: Path, data: bytes, *, append: bool = False) -> None:
    """`data` to `path`, replaced atomically (or appended: GitHub's step summary collects every step's);
    a one-line error naming the path when it cannot be written."""
    try:
        if append:
            with path.open("ab") as stream:
                stream.write(data)
        else:
            target = path.absolute()
            write(target.parent, target.name, data, None)
    except OSError as error:
        raise HealerError(f"cannot write {path}: {error.strerror or error}") from None
