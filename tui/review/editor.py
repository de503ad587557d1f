"""`e`: the reviewer's editor on the fix's result for one file, in a temporary file.

The editor is $VISUAL, else $EDITOR, else vi, split like a shell would (so
"code --wait" works). The temporary file keeps the file's suffix, so the editor
highlights it; it is removed afterwards whatever happens.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import NamedTuple


class Edited(NamedTuple):
    content: bytes | None
    """The new content; None when the edit was abandoned."""
    message: str


def editor_command() -> list[str]:
    chosen = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        return shlex.split(chosen) or ["vi"]
    except ValueError:
        return [chosen]


def edit_content(content: bytes, path: str) -> Edited:
    command = editor_command()
    descriptor, name = tempfile.mkstemp(prefix="healer-edit-", suffix=Path(path).suffix)
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        try:
            code = subprocess.call([*command, str(temporary)])
        except OSError as error:
            return Edited(None, f"cannot start the editor {command[0]!r}: {error.strerror}; set $EDITOR")
        if code != 0:
            return Edited(None, f"the editor exited with status {code}; the edit was discarded")
        edited = temporary.read_bytes()
    finally:
        temporary.unlink(missing_ok=True)
    if edited == content:
        return Edited(None, "no change made in the editor")
    return Edited(edited, f"{path}: your edit replaces the fix's result; it is no longer verified")
