"""The names a diagnostic is about: an undefined name, an unused import, in the words of each tool.

Several tools report one mistake from different sides: `slugify` typed
`sulgify` is ruff's F821 (undefined `sulgify`) and F401 (`slugify` now unused)
and pytest's NameError. Read together, the unused import is what the undefined
name should have been, and removing it would make the right fix impossible.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from healer.diagnostics.diagnostic import Diagnostic

_UNDEFINED = (
    re.compile(r"Undefined name `(?P<name>\w+)`"),  # ruff
    re.compile(r"undefined name '(?P<name>\w+)'"),  # flake8
    re.compile(r'^Name "(?P<name>\w+)" is not defined'),  # mypy
    re.compile(r'^"(?P<name>\w+)" is not defined'),  # pyright
    re.compile(r"^name '(?P<name>\w+)' is not defined"),  # NameError
)
_UNUSED = (
    re.compile(r"^`(?P<name>[\w.]+(?: as \w+)?)` imported but unused"),  # ruff F401
    re.compile(r"^'(?P<name>[\w.]+(?: as \w+)?)' imported but unused"),  # flake8 / pyflakes F401
)


def undefined_name(message: str) -> str | None:
    """The name a tool says is not defined, or None."""
    for pattern in _UNDEFINED:
        match = pattern.search(message)
        if match:
            return match["name"]
    return None


def unused_import(message: str) -> str | None:
    """The name an unused import binds (`.slugify.slugify` binds `slugify`, `x as y` binds `y`), or None."""
    for pattern in _UNUSED:
        match = pattern.search(message)
        if match:
            imported = match["name"]
            return imported.rpartition(" as ")[2] if " as " in imported else imported.rpartition(".")[2]
    return None


def one_slip_apart(a: str, b: str) -> bool:
    """Whether `b` is `a` with one typing slip: a letter changed, added, dropped, or two swapped.

    Names of three letters or fewer are too short to tell a slip from another name.
    """
    if a == b or min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        differ = [i for i in range(len(a)) if a[i] != b[i]]
        if len(differ) == 1:
            return True
        first, second = differ[0], differ[-1]
        return len(differ) == 2 and second == first + 1 and a[first] == b[second] and a[second] == b[first]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def typo_targets(diagnostics: Iterable[Diagnostic], file: str | None) -> dict[str, str]:
    """In `file`: each unused import's name that an undefined name there is one slip from -> that undefined name."""
    here: Sequence[Diagnostic] = [d for d in diagnostics if d.file == file]
    undefined = {name for d in here if (name := undefined_name(d.message)) is not None}
    targets: dict[str, str] = {}
    for diagnostic in here:
        name = unused_import(diagnostic.message)
        if name is None:
            continue
        slip = next((wrong for wrong in sorted(undefined) if one_slip_apart(name, wrong)), None)
        if slip is not None:
            targets[name] = slip
    return targets
