"""Shared fixes through a git ref on the repository's own remote: `refs/healer/kb`.

The ref's commit has a flat tree, one file per shared fix named by its content id (healer.kb.share), so a
push is a union: fetch the ref, add the new files to its tree, commit that tree on top of the fetched
commit and push. Two people pushing at once: the second push is refused as not a fast-forward, fetches
again and merges again (the same name is the same content, so no merge can conflict).

Everything goes through git's object store and two private refs: the tree is written by `git mktree` (no
index at all, not even a private one), the commit by `git commit-tree`, and fetching writes only
`refs/healer/remotes/<remote>/kb` (never FETCH_HEAD). No branch, no index, no working tree, no stash is touched, and
the push skips the pre-push hook (healer's own would check the pipeline for a ref that holds no code).
The commit carries a fixed identity, not the pusher's: shared fixes say nothing of who shared them.
"""

from __future__ import annotations

import os
import random
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from healer.kb.share import Received, Sent, ShareError
from healer.snapshot.git import GitError, git

REF = "refs/healer/kb"


def tracking(remote: str) -> str:
    """Where a remote's ref is fetched to: healer's own, outside refs/heads and refs/remotes."""
    return f"refs/healer/remotes/{remote}/kb"


ATTEMPTS = 5
"""Pushes tried when others push at the same moment (each retry fetches and merges again)."""

IDENTITY = {
    "GIT_AUTHOR_NAME": "healer",
    "GIT_AUTHOR_EMAIL": "healer@localhost",
    "GIT_COMMITTER_NAME": "healer",
    "GIT_COMMITTER_EMAIL": "healer@localhost",
}
RACE_SIGNS = ("cannot lock ref", "failed to update ref", "incorrect old value")
"""How servers say that another push held or moved the ref at that moment (git's own, GitHub, GitLab)."""
QUIET = ("-c", "gc.auto=0", "-c", "maintenance.auto=false")
"""A fetch or push must not start a repack of someone's repository."""


def repository_identity(root: Path) -> str:
    """The same for every clone of a repository: its root commit's id (the smallest, with several roots)."""
    try:
        roots = git(["rev-list", "--max-parents=0", "HEAD"], root).decode().split()
    except GitError:
        raise ShareError(
            f"{root} has no commits yet: fixes are shared per repository, known by its first commit"
        ) from None
    return min(roots)


class GitShare:
    """The shared fixes of the repository at `root`, on its remote `remote`."""

    def __init__(self, root: Path, remote: str) -> None:
        self.root = root
        self.remote = remote
        self.where = f"{remote} ({REF})"
        self.tracking = tracking(remote)

    def check(self) -> None:
        """ShareError (one line) when the remote is not there, before anything is read or written."""
        names = git(["remote"], self.root).decode("utf-8", "surrogateescape").split()
        if self.remote not in names:
            known = f"its remotes: {', '.join(names)}" if names else "it has none"
            raise ShareError(
                f"{self.root} has no git remote {self.remote!r} ({known}); add one with `git remote add`, name "
                "another with --remote, or share through the remote cache with --via remote-cache"
            )

    # -- reading ---------------------------------------------------------------------

    def fetch(self) -> str | None:
        """The remote's commit of the ref, fetched into `tracking(remote)`; None when nothing was ever pushed there."""
        self.check()
        done = _run(
            [*QUIET, "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules",
             self.remote, f"+{REF}:{self.tracking}"],
            self.root,
        )  # fmt: skip
        if done.returncode != 0:
            error = done.stderr.decode("utf-8", "replace")
            if "couldn't find remote ref" in error:
                git(["update-ref", "-d", self.tracking], self.root, check=False)  # gone there: forget it here
                return None
            raise ShareError(f"cannot fetch {REF} from {self.remote}: {_last_line(error, done.returncode)}")
        return git(["rev-parse", "--verify", "-q", f"{self.tracking}^{{commit}}"], self.root).decode().strip()

    def _tree(self, commit: str) -> list[tuple[str, str, str, str]]:
        """(mode, type, object, name) of each entry of the commit's tree."""
        out = git(["ls-tree", "-z", "--full-tree", commit], self.root).decode("utf-8", "surrogateescape")
        entries = []
        for item in out.split("\0"):
            if item:
                meta, name = item.split("\t", 1)
                mode, kind, sha = meta.split(" ")
                entries.append((mode, kind, sha, name))
        return entries

    def receive(self) -> Received | None:
        commit = self.fetch()
        if commit is None:
            return None
        unreadable: dict[str, str] = {}
        blobs: list[tuple[str, str]] = []
        for mode, kind, sha, name in self._tree(commit):
            if kind == "blob" and mode == "100644":
                blobs.append((name, sha))
            else:
                unreadable[name] = f"not a plain file ({kind} {mode})"
        files = dict(zip([name for name, _ in blobs], self._blobs([sha for _, sha in blobs]), strict=True))
        return Received(files, unreadable)

    def _blobs(self, shas: Sequence[str]) -> list[bytes]:
        """The contents of these blobs, read by one `git cat-file --batch`."""
        if not shas:
            return []
        done = _run(["cat-file", "--batch"], self.root, stdin=("\n".join(shas) + "\n").encode())
        if done.returncode != 0:
            raise ShareError(
                f"cannot read {REF}: {_last_line(done.stderr.decode('utf-8', 'replace'), done.returncode)}"
            )
        out, at, contents = done.stdout, 0, []
        for _ in shas:
            end = out.index(b"\n", at)
            header = out[at:end].split(b" ")
            if len(header) != 3:
                raise ShareError(f"cannot read {REF}: git cat-file said {out[at:end]!r}")
            size = int(header[2])
            contents.append(out[end + 1 : end + 1 + size])
            at = end + 1 + size + 1
        return contents

    # -- writing ---------------------------------------------------------------------

    def send(self, files: Mapping[str, bytes]) -> Sent:
        blobs = self._write_blobs(files)
        for attempt in range(1, ATTEMPTS + 1):
            base = self.fetch()
            there = {name: (mode, kind, sha) for mode, kind, sha, name in self._tree(base)} if base else {}
            new = {name: sha for name, sha in blobs.items() if name not in there}
            if not new:
                return Sent(0, len(files), len(there), attempt)
            tree = self._make_tree({**there, **{name: ("100644", "blob", sha) for name, sha in new.items()}})
            parents = ["-p", base] if base else []
            message = f"healer kb push: {len(new)} new, {len(there) + len(new)} fixes"
            commit = git(["commit-tree", tree, *parents, "-m", message], self.root, env=IDENTITY).decode().strip()
            done = _run(
                [*QUIET, "push", "--quiet", "--porcelain", "--no-verify", self.remote, f"{commit}:{REF}"], self.root
            )
            if done.returncode == 0:
                git(["update-ref", self.tracking, commit], self.root)
                return Sent(len(new), len(files) - len(new), len(there) + len(new), attempt)
            report = done.stdout.decode("utf-8", "replace")
            error = done.stderr.decode("utf-8", "replace")
            if not _lost_race(report, error):  # refused for another reason: no retry will help
                refusal = [line.split("\t")[-1] for line in report.splitlines() if line.startswith("!")]
                detail = refusal[0] if refusal else _last_line(error or report, done.returncode)
                raise ShareError(f"cannot push {REF} to {self.remote}: {detail}")
            time.sleep(random.uniform(0.02, 0.1) * attempt)  # two losers retrying in step would meet again
        raise ShareError(
            f"cannot push {REF} to {self.remote}: others pushed at the same time {ATTEMPTS} times in a row; try again"
        )

    def _write_blobs(self, files: Mapping[str, bytes]) -> dict[str, str]:
        """Each file written into the object store (one `git hash-object`): name -> blob id."""
        names = sorted(files)
        if not names:
            return {}
        with tempfile.TemporaryDirectory(prefix="healer-kb-") as folder:
            paths = []
            for number, name in enumerate(names):
                path = Path(folder) / str(number)
                path.write_bytes(files[name])
                paths.append(str(path))
            out = _run(
                ["hash-object", "-w", "--no-filters", "--stdin-paths"],
                self.root,
                stdin=("\n".join(paths) + "\n").encode(),
            )
        if out.returncode != 0:
            raise ShareError(
                f"cannot write to the object store: {_last_line(out.stderr.decode('utf-8', 'replace'), out.returncode)}"
            )
        return dict(zip(names, out.stdout.decode().split(), strict=True))

    def _make_tree(self, entries: Mapping[str, tuple[str, str, str]]) -> str:
        lines = "".join(f"{mode} {kind} {sha}\t{name}\0" for name, (mode, kind, sha) in sorted(entries.items()))
        done = _run(["mktree", "-z"], self.root, stdin=lines.encode("utf-8", "surrogateescape"))
        if done.returncode != 0:
            raise ShareError(
                f"cannot write the tree of {REF}: {_last_line(done.stderr.decode('utf-8', 'replace'), done.returncode)}"
            )
        return done.stdout.decode().strip()


def _run(args: Sequence[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """git with input, its failure left to the caller (a missing remote ref is an answer, not an error)."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            env=env,
            input=stdin if stdin is not None else b"",
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None


def _lost_race(report: str, error: str) -> bool:
    """Another push moved the ref first: not a fast-forward any more, or the remote's ref was locked by it."""
    if "[rejected]" in report:
        return True
    said = report + error
    return "[remote rejected]" in report and any(sign in said for sign in RACE_SIGNS)


def _last_line(text: str, code: int) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else f"exit code {code}"
