"""Thin, fast git plumbing over subprocess.

healer calls git directly instead of through GitPython on these paths: a hook
that finds nothing to do must answer in tens of milliseconds, and GitPython
costs about 100 ms to import. Every call sets GIT_OPTIONAL_LOCKS=0 so that
reading never rewrites the index (git status would otherwise refresh it).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from healer.errors import HealerError


class GitError(HealerError):
    """git failed, or is missing, or this is not a repository."""


def _env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_OPTIONAL_LOCKS"] = "0"
    env["LC_ALL"] = "C"
    env.update(extra or {})
    return env


def git(args: Sequence[str], cwd: Path, *, check: bool = True, env: Mapping[str, str] | None = None) -> bytes:
    """Run `git ARGS` in `cwd` and return its standard output; `env` adds to the environment."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            env=_env(env),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"exit code {done.returncode}"
        raise GitError(f"git {' '.join(args[:2])} failed in {cwd}: {detail}")
    return done.stdout


def _walk_up(start: Path) -> Path | None:
    """The work tree root found by looking for `.git` upwards, as git itself would.

    Spawning `git rev-parse` costs a few milliseconds that a hook answering
    "nothing to do" cannot spare. Anything unusual (GIT_DIR or GIT_WORK_TREE set,
    as inside hooks; a bare or odd layout) falls back to asking git.
    """
    if any(
        name in os.environ
        for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM")
    ):
        return None
    try:
        here = start.resolve()
    except OSError:
        return None
    for folder in (here, *here.parents):
        marker = folder / ".git"
        if (marker / "HEAD").is_file() or marker.is_file():
            return folder
        if marker.exists():
            return None
    return None


def repo_root(start: Path) -> Path:
    """The top of the work tree containing `start`."""
    found = _walk_up(start)
    if found is not None:
        return found
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel", "--git-dir"],
            cwd=start,
            env=_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    except NotADirectoryError:
        raise GitError(f"{start} is not a directory") from None
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace")
        if "not a git repository" in stderr:
            raise GitError(
                f"{start} is not inside a git repository (healer checks a git repository; run `git init` first)"
            )
        lines = stderr.strip().splitlines() or [f"exit code {done.returncode}"]
        raise GitError(f"cannot use the git repository at {start}: {lines[-1]}")
    lines = done.stdout.decode("utf-8", "surrogateescape").splitlines()
    if not lines or not lines[0]:
        raise GitError(f"{start} is inside a git directory, not a work tree")
    return Path(lines[0])


def git_dir(root: Path) -> Path:
    """The repository's private folder (`.git`, or the linked worktree's own git dir)."""
    out = git(["rev-parse", "--absolute-git-dir"], root).decode("utf-8", "surrogateescape")
    return Path(out.strip())


def has_commits(root: Path) -> bool:
    return bool(git(["rev-parse", "-q", "--verify", "HEAD^{commit}"], root, check=False).strip())
