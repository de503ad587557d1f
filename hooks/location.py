"""Where git looks for a repository's hooks, and who else manages that folder."""

from __future__ import annotations

from pathlib import Path

from healer.snapshot.git import git


def hooks_directory(root: Path) -> Path:
    """The hooks folder git uses for the work tree at `root`, as an absolute path.

    `git rev-parse --git-path hooks` honours core.hooksPath (a relative one is relative to the
    work tree root, where git runs hooks), linked worktrees (their hooks are the main
    repository's) and submodules (`.git/modules/NAME/hooks`).
    """
    out = git(["rev-parse", "--git-path", "hooks"], root).decode("utf-8", "surrogateescape").strip()
    return (root / out).resolve()


def husky_script(hooks: Path, hook: str) -> Path | None:
    """The user's `.husky/HOOK` script when husky 9 owns `hooks` (core.hooksPath = .husky/_), else None.

    husky 9 writes `.husky/_/HOOK` as `. "${0%/*}/h"` and its `h` runs `.husky/HOOK` with `sh -e`;
    it rewrites the whole `_` folder (git-ignored) every time `husky` runs (the `prepare` script
    of every `npm install`), so a hook written there would vanish without a word.
    """
    if hooks.name == "_" and (hooks / "h").is_file():
        return hooks.parent / hook
    return None


def husky_legacy(hooks: Path) -> bool:
    """True for husky 5 to 8 (core.hooksPath = .husky, which holds the user's tracked scripts)."""
    return (hooks / "_" / "husky.sh").is_file() and not (hooks / "_" / "h").is_file()
