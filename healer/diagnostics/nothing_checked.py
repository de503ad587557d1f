"""What tools say when they found nothing to check, and exited as if everything passed.

A formatter pointed at a folder it excludes (black skips anything under
`.git/`, isort too, silently) or at the wrong path reports success having
read no file. A stage like that must not count as a pass, nor be cached as one:
the runner reports it as a stage that could not check anything.
"""

from __future__ import annotations

import re

SAID = re.compile(
    r"^.*(?:"
    r"No Python files are present to be formatted"  # black
    r"|No Python files found under the given path"  # ruff check, ruff format
    r"|There are no \.py\[i\] files in directory"  # mypy
    r"|No files matching the pattern"  # prettier, eslint
    r"|No source files found"  # pyright
    r").*$",
    re.MULTILINE,
)


def nothing_checked(output: str) -> str | None:
    """The line in which the tool says it checked nothing, or None."""
    found = SAID.search(output)
    return found.group(0).strip() if found else None
