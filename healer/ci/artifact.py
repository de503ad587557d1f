"""Verified fixes as commits nobody's branch points at, and as the `git format-patch` file CI publishes.

The commits are built with a private index file (GIT_INDEX_FILE) from the
checked-out commit's tree, so neither the working tree, nor the index, nor any
ref moves: only objects are added to the repository's object store, where git
prunes them if nobody keeps them. One commit per fix, in order, so a reader
can `git am` the file and drop the fixes they do not want.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from healer.patch.patch import Patch
from healer.snapshot.git import GitError, git

IDENTITY = {
    "GIT_AUTHOR_NAME": "healer",
    "GIT_AUTHOR_EMAIL": "healer@localhost",
    "GIT_COMMITTER_NAME": "healer",
    "GIT_COMMITTER_EMAIL": "healer@localhost",
}
"""Who the fix commits are by: the CI runner may have no git identity, and these commits are healer's."""


@dataclass(frozen=True)
class PatchSeries:
    base: str
    commits: tuple[str, ...]
    fixes: tuple[str, ...]
    """The ids of the patches that became commits, in order."""
    skipped: tuple[tuple[str, str], ...]
    """(patch id, why) for patches that could not be laid on the series (a file differs from the commit)."""
    data: bytes
    """The `git format-patch --binary --stdout` of the series (empty without commits); bytes, as files may be."""

    @property
    def tip(self) -> str | None:
        return self.commits[-1] if self.commits else None


def _blob(root: Path, commit: str, path: str) -> tuple[str, bytes] | None:
    """(mode, content) of `path` in `commit`, or None when it is not there."""
    listed = git(["ls-tree", "-z", commit, "--", path], root).split(b"\0")[0]
    if not listed:
        return None
    meta, _, _ = listed.partition(b"\t")
    mode, kind, sha = meta.decode().split()
    if kind != "blob":
        return None
    return mode, git(["cat-file", "blob", sha], root)


def _message(patch: Patch) -> str:
    lines = [patch.title.strip().splitlines()[0][:200] or f"healer fix {patch.id}", ""]
    lines.append(f"Verified by healer: the {patch.stage} check passes with it (fix {patch.id}, {patch.origin}).")
    if patch.fingerprints:
        lines.append(f"Failures: {', '.join(patch.fingerprints[:10])}")
    return "\n".join(lines) + "\n"


def _commit(root: Path, parent: str, patch: Patch, index: str) -> str | None:
    """A commit of `patch` on `parent`, or None when a file it edits is not as the patch found it there."""
    env = {**IDENTITY, "GIT_INDEX_FILE": index}
    git(["read-tree", parent], root, env=env)
    lines: list[str] = []
    for edit in patch.edits:
        found = _blob(root, parent, edit.path)
        if (found[1] if found else None) != edit.before:
            return None
        if edit.after is None:
            lines.append(f"0 {'0' * 40}\t{edit.path}")
            continue
        sha = _hash(root, edit.after)
        lines.append(f"{found[0] if found else '100644'} {sha}\t{edit.path}")
    _update_index(root, env, "".join(line + "\n" for line in lines).encode())
    tree = git(["write-tree"], root, env=env).decode().strip()
    return git(["commit-tree", tree, "-p", parent, "-m", _message(patch)], root, env=env).decode().strip()


def _hash(root: Path, content: bytes) -> str:
    # The git helper takes no standard input; these two calls need it.
    done = subprocess.run(
        ["git", "hash-object", "-w", "--stdin"], cwd=root, input=content, capture_output=True, check=False
    )
    if done.returncode != 0:
        raise GitError(f"git hash-object failed in {root}: {done.stderr.decode('utf-8', 'replace').strip()}")
    return done.stdout.decode().strip()


def _update_index(root: Path, env: dict[str, str], info: bytes) -> None:
    done = subprocess.run(
        ["git", "update-index", "--index-info"], cwd=root, input=info, capture_output=True, check=False,
        env={**os.environ, **env},
    )  # fmt: skip
    if done.returncode != 0:
        raise GitError(f"git update-index failed in {root}: {done.stderr.decode('utf-8', 'replace').strip()}")


def build_series(root: Path, base: str, patches: Sequence[Patch], *, after: PatchSeries | None = None) -> PatchSeries:
    """Each patch as one commit on the previous one, starting at `base` (or at the tip of the series `after`,
    which the new one then continues); patches that do not fit are skipped."""
    base_sha = after.base if after else git(["rev-parse", "--verify", f"{base}^{{commit}}"], root).decode().strip()
    commits = list(after.commits) if after else []
    fixes = list(after.fixes) if after else []
    skipped = list(after.skipped) if after else []
    with tempfile.TemporaryDirectory(prefix="healer-series-") as scratch:
        index = str(Path(scratch) / "index")
        tip = commits[-1] if commits else base_sha
        for patch in patches:
            made = _commit(root, tip, patch, index)
            if made is None:
                skipped.append((patch.id, f"a file it edits differs from {tip[:12]}, the commit it would go on"))
                continue
            commits.append(made)
            fixes.append(patch.id)
            tip = made
    data = b""
    if commits:
        data = git(["format-patch", "--binary", "--stdout", f"{base_sha}..{commits[-1]}"], root, env=IDENTITY)
    return PatchSeries(base_sha, tuple(commits), tuple(fixes), tuple(skipped), data)
