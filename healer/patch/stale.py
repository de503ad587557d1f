"""Is a fix still applicable: does every file it touches still hold the content the fix was made from?

The same comparison `apply_patch` makes before writing, asked ahead of time so
the list can say "stale" before the reviewer spends time on a fix that a branch
switch, a deleted file or their own save has overtaken.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from healer.errors import HealerError
from healer.patch import files
from healer.patch.patch import Patch


def stale_reason(patch: Patch, root: Path) -> str | None:
    for edit in patch.edits:
        if edit.before == edit.after:
            continue
        try:
            now = files.current(root, edit.path)
        except HealerError as error:
            return str(error)
        except OSError as error:
            return f"cannot read {edit.path}: {error.strerror}"
        if now == edit.before:
            continue
        if now is None:
            return f"{edit.path} was deleted since the fix was made"
        if edit.before is None:
            return f"{edit.path} was created since the fix was made"
        return f"{edit.path} changed since the fix was made"
    return None


def stale_reasons(patches: Iterable[tuple[int, Patch]], root: Path) -> dict[int, str | None]:
    """Keyed like `patches`: each fix's reason to be stale, or None."""
    return {key: stale_reason(patch, root) for key, patch in patches}
