"""Install and remove healer's git hooks, keeping whatever hook was there before.

For each hook, in the folder git uses (see `location.hooks_directory`):

- no hook yet: write the shim (`shim.render`);
- another hook: move it, untouched (same bytes, mode and name; a symlink stays a symlink), to
  `healer-previous/NAME` and write the shim, which runs it first;
- healer's shim, unchanged: nothing to do (or, installed from another interpreter, rewrite it);
- healer's shim with local edits, or a kept hook left over from an earlier install: refuse
  rather than guess, naming the file;
- the pre-commit framework's script with healer's shim as its `NAME.legacy` (`pre-commit install`
  ran after `healer install` and moved the shim there): healer already runs, nothing to do;
- husky 9 (core.hooksPath = .husky/_): append one line to `.husky/NAME` (see `husky.py`).

`uninstall` undoes exactly that, and leaves alone (saying so) anything that is not healer's.
Nothing here prints; the commands turn outcomes into lines.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from healer.errors import HealerError

from . import husky, shim
from .location import hooks_directory, husky_legacy, husky_script


class Outcome(NamedTuple):
    hook: str
    path: Path
    status: str
    """installed, updated, unchanged, refused (install); removed, absent, left (uninstall)."""
    detail: str = ""


def _read(path: Path) -> bytes | None:
    """The hook's bytes (through a symlink), or None when there is none (or a dangling link)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise HealerError(f"{path} is a directory, not a hook") from None


def _write(path: Path, data: bytes, mode: int = 0o755) -> None:
    """Write atomically (temporary file + rename) with `mode`."""
    temporary = path.with_name(f".{path.name}.healer-tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.chmod(temporary, mode)
    os.replace(temporary, path)


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _install_one(hooks: Path, hook: str, python: str, root: Path) -> Outcome:
    path = hooks / hook
    kept = hooks / shim.PREVIOUS_DIR / hook
    legacy = hooks / f"{hook}.legacy"
    wanted = shim.render(hook, python).encode()
    current = _read(path)
    found = shim.read_shim(current) if current is not None else None
    if found is not None and found.hook == hook:
        if not found.pristine:
            return Outcome(
                hook, path, "refused",
                f"{path} is healer's hook but was changed after `healer install`; undo the change or "
                f"delete the file{_kept_note(kept)}, then install again",
            )  # fmt: skip
        if found.python == python and found.current:
            return Outcome(hook, path, "unchanged", "already installed")
        _write(path, wanted)
        if found.python == python:
            return Outcome(hook, path, "updated", "rewritten as this version of healer writes it")
        return Outcome(hook, path, "updated", f"now runs {python} (was {found.python})")
    if current is not None and shim.is_framework_script(current):
        under = _read(legacy)
        if under is not None and shim.read_shim(under) is not None:
            return Outcome(hook, path, "unchanged", f"already runs as pre-commit's {legacy.name} hook")
    if os.path.lexists(kept):
        return Outcome(
            hook, path, "refused",
            f"{kept} holds a hook kept by an earlier `healer install` but {path} is no longer healer's; "
            "put that hook back or delete it, then install again",
        )  # fmt: skip
    hooks.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(path):
        kept.parent.mkdir(exist_ok=True)
        os.rename(path, kept)
        _write(path, wanted)
        return Outcome(hook, path, "installed", f"the hook that was there runs first (kept as {kept})")
    _write(path, wanted)
    return Outcome(hook, path, "installed")


def _kept_note(kept: Path) -> str:
    return f" (the hook it replaced is kept at {kept})" if os.path.lexists(kept) else ""


def _install_husky(script: Path, hook: str, root: Path) -> Outcome:
    data = husky.read(script)
    shown = _relative(script, root)
    if data is not None and husky.has_line(data, hook):
        return Outcome(hook, script, "unchanged", f"already in {shown}")
    new = husky.with_line(data or b"", hook)
    mode = (script.stat().st_mode & 0o7777) if data is not None else 0o644
    _write(script, new, mode)
    detail = (
        f"added `{husky.line(hook).split('  #')[0]}` to {shown}: husky rewrites .husky/_ on every install, "
        "so healer is called from your script (healer must be on PATH when git runs hooks)"
    )
    if data is not None and husky.ends_early(data):
        detail += f"; note: {shown} may exec or exit before the last line, move the line up if so"
    return Outcome(hook, script, "installed", detail)


def _uninstall_husky(script: Path, hook: str, root: Path) -> Outcome:
    data = husky.read(script)
    if data is None or not husky.has_line(data, hook):
        return Outcome(hook, script, "absent", f"not installed (no healer line in {_relative(script, root)})")
    rest = husky.without_line(data, hook)
    if rest:
        _write(script, rest, script.stat().st_mode & 0o7777)
    else:
        script.unlink()
    return Outcome(hook, script, "removed", f"removed healer's line from {_relative(script, root)}")


def _uninstall_one(hooks: Path, hook: str) -> Outcome:
    path = hooks / hook
    kept = hooks / shim.PREVIOUS_DIR / hook
    legacy = hooks / f"{hook}.legacy"
    current = _read(path)
    found = shim.read_shim(current) if current is not None else None
    if found is not None:
        if not found.pristine:
            return Outcome(
                hook, path, "left",
                f"left alone: {path} was changed after `healer install`{_kept_note(kept)}",
            )  # fmt: skip
        path.unlink()
        if os.path.lexists(kept):
            os.rename(kept, path)
            _remove_empty(kept.parent)
            return Outcome(hook, path, "removed", "put back the hook it had replaced")
        return Outcome(hook, path, "removed")
    under = _read(legacy)
    below = shim.read_shim(under) if under is not None else None
    if current is not None and shim.is_framework_script(current) and below is not None and below.pristine:
        # `pre-commit install` ran after `healer install` and moved the shim to NAME.legacy.
        legacy.unlink()
        detail = f"removed healer from pre-commit's {legacy.name}"
        if os.path.lexists(kept):
            kept_data = _read(kept)
            if kept_data is not None and shim.is_framework_script(kept_data):
                kept.unlink()  # an older copy of the script pre-commit has since rewritten
            else:
                os.rename(kept, legacy)  # where pre-commit runs the hook that was there before
                detail += f" and put the hook healer had replaced in its place ({legacy.name})"
            _remove_empty(kept.parent)
        return Outcome(hook, legacy, "removed", detail)
    if os.path.lexists(kept):
        return Outcome(
            hook, path, "left",
            f"left alone: {path} is not healer's hook (changed after install); "
            f"the hook healer had replaced is still at {kept}",
        )  # fmt: skip
    return Outcome(hook, path, "absent", "not installed")


def _remove_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()


def _husky_check(hooks: Path, hook: str) -> None:
    if husky_legacy(hooks):
        raise HealerError(
            f"{hooks} is managed by husky 5-8 and holds your tracked hook scripts; add the line "
            f'`healer hook {hook} "$@"` to {hooks / hook} yourself (or upgrade to husky 9)'
        )


def _usable_folder(folder: Path) -> None:
    if os.path.lexists(folder) and not folder.is_dir():
        raise HealerError(
            f"{folder} is a file, not a folder: git looks for hooks there (core.hooksPath, or the git directory's "
            "hooks); move the file away, then install again"
        )


def install(root: Path, hooks: Iterable[str] = shim.HOOKS, python: str | None = None) -> list[Outcome]:
    """Install healer's hooks for the work tree at `root`, calling `python` (default: this interpreter)."""
    folder = hooks_directory(root)
    _usable_folder(folder)
    interpreter = python or _interpreter()
    outcomes = []
    for hook in hooks:
        _husky_check(folder, hook)
        script = husky_script(folder, hook)
        try:
            if script is not None:
                outcomes.append(_install_husky(script, hook, root))
            else:
                outcomes.append(_install_one(folder, hook, interpreter, root))
        except OSError as error:
            raise HealerError(f"cannot install the {hook} hook in {folder}: {error.strerror or error}") from None
    return outcomes


def uninstall(root: Path, hooks: Iterable[str] = shim.HOOKS) -> list[Outcome]:
    """Remove healer's hooks for the work tree at `root`, putting back what they replaced."""
    folder = hooks_directory(root)
    _usable_folder(folder)
    outcomes = []
    for hook in hooks:
        script = husky_script(folder, hook)
        try:
            if script is not None:
                outcomes.append(_uninstall_husky(script, hook, root))
            else:
                outcomes.append(_uninstall_one(folder, hook))
        except OSError as error:
            raise HealerError(f"cannot remove the {hook} hook from {folder}: {error.strerror or error}") from None
    return outcomes


def installed(folder: Path) -> list[str]:
    """The hooks in `folder` that are healer's shims."""
    found = []
    for hook in shim.HOOKS:
        try:
            data = _read(folder / hook)
        except HealerError:
            continue
        if data is not None and shim.read_shim(data) is not None:
            found.append(hook)
    return found


def _interpreter() -> str:
    """The absolute path of this interpreter, as started (a venv's python, not its base)."""
    executable = sys.executable
    if not executable or not os.path.isabs(executable):
        raise HealerError("cannot tell which Python runs healer (sys.executable is empty); reinstall healer")
    return executable
