"""`healer hook pre-commit|pre-push`: exactly the content being committed or pushed, and nothing else touched."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from healer.snapshot.copies import copies_of

from ..conftest import Repo, RunHealer, git

# Fails when any tracked-looking .txt file in the checked folder contains BAD.
NO_BAD = (
    '[stages.nobad]\nrun = ["sh", "-c", "if grep -rl --exclude-dir=.git BAD --include=*.txt .; then exit 1; fi"]\n'
    'inputs = ["*.txt"]\n'
    '[stages.where]\nrun = ["sh", "-c", "pwd; ls"]\ninputs = ["*.md"]\n'
)


def state(repo: Repo) -> tuple[object, ...]:
    """Everything a check must leave alone: work tree bytes and modes, the index, the stash."""
    files = {}
    for path in sorted(repo.path.rglob("*")):
        relative = path.relative_to(repo.path)
        if relative.parts[0] == ".git" or path.is_dir():
            continue
        files[str(relative)] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode)
    index = hashlib.sha256((repo.path / ".git" / "index").read_bytes()).hexdigest()
    return files, index, repo.git("stash", "list")


def staged_repo(repo: Repo) -> None:
    repo.config(NO_BAD)
    repo.write("a.txt", "good\n")
    repo.write("README.md", "readme\n")
    repo.commit("start")


def test_staged_content_is_checked_not_the_working_tree(repo: Repo, healer: RunHealer) -> None:
    staged_repo(repo)
    repo.write("a.txt", "BAD\n")
    repo.git("add", "a.txt")
    repo.write("a.txt", "fixed but not staged\n")  # the pre-commit framework would check this
    before = state(repo)
    result = healer("hook", "pre-commit")
    assert result.code == 1
    assert "commit blocked" in result.err and "nobad" in result.err
    assert state(repo) == before
    # And the other way round: bad only in the working tree, good staged content passes.
    repo.write("a.txt", "fine\n")
    repo.git("add", "a.txt")
    repo.write("a.txt", "BAD but unstaged\n")
    assert healer("hook", "pre-commit").code == 0


def test_only_stages_whose_inputs_are_staged_run(repo: Repo, healer: RunHealer) -> None:
    staged_repo(repo)
    repo.write("a.txt", "still good\n")
    repo.git("add", "a.txt")
    document = json.loads(healer("hook", "pre-commit", "--json").out)
    statuses = {stage["name"]: (stage["status"], stage["reason"]) for stage in document["stages"]}
    assert statuses["nobad"] == ("passed", None)
    assert statuses["where"] == ("skipped", "none of its inputs changed")
    assert document["outcome"] == "passed"


def test_nothing_staged_runs_nothing(repo: Repo, healer: RunHealer) -> None:
    staged_repo(repo)
    document = json.loads(healer("hook", "pre-commit", "--json").out)
    assert {stage["status"] for stage in document["stages"]} == {"skipped"}
    assert document["exit_code"] == 0


def test_in_place_when_the_index_matches_the_tree_else_in_the_shadow(repo: Repo, healer: RunHealer) -> None:
    staged_repo(repo)
    repo.write("README.md", "changed\n")
    repo.git("add", "README.md")
    here = json.loads(healer("hook", "pre-commit", "--json").out)
    where = next(stage for stage in here["stages"] if stage["name"] == "where")
    assert where["output_tail"][0] == str(repo.path)
    repo.write("README.md", "changed twice\n")
    repo.git("add", "README.md")  # new staged content: no cached result to reuse
    repo.write("README.md", "changed again, unstaged\n")
    repo.write("untracked.md", "not part of the commit\n")
    there = json.loads(healer("hook", "pre-commit", "--json").out)
    where = next(stage for stage in there["stages"] if stage["name"] == "where")
    shadow = copies_of(repo.path, repo.path / ".git" / "healer") / "shadow"
    assert where["output_tail"][0] == str(shadow)
    assert "untracked.md" not in where["output_tail"]
    assert (shadow / "README.md").read_text() == "changed twice\n"


def test_first_commit_of_a_new_repository(repo: Repo, healer: RunHealer) -> None:
    repo.config(NO_BAD)
    repo.write("a.txt", "BAD\n")
    repo.git("add", "-A")
    assert healer("hook", "pre-commit").code == 1


def test_healer_skip(repo: Repo, healer: RunHealer) -> None:
    staged_repo(repo)
    repo.write("a.txt", "BAD\n")
    repo.git("add", "a.txt")
    result = healer("hook", "pre-commit", env={"HEALER_SKIP": "1"})
    assert result.code == 0 and "skipped (HEALER_SKIP=1)" in result.err


def test_unmerged_index_is_a_clear_error(repo: Repo, healer: RunHealer) -> None:
    staged_repo(repo)
    repo.git("checkout", "-q", "-b", "other")
    repo.write("a.txt", "other side\n")
    repo.commit("other")
    repo.git("checkout", "-q", "main")
    repo.write("a.txt", "main side\n")
    repo.commit("main")
    subprocess.run(["git", "merge", "-q", "other"], cwd=repo.path, capture_output=True)
    result = healer("hook", "pre-commit")
    assert result.code == 2 and "unmerged paths" in result.err


def remote_for(repo: Repo, tmp_path: Path) -> Path:
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    repo.git("remote", "add", "origin", str(bare))
    repo.git("push", "-q", "origin", "main")
    return bare


def push_lines(repo: Repo, *branches: str) -> str:
    zero = "0" * 40
    lines = []
    for branch in branches:
        sha = repo.git("rev-parse", branch).strip()
        remote = subprocess.run(
            ["git", "rev-parse", "-q", "--verify", f"refs/remotes/origin/{branch}"],
            cwd=repo.path, capture_output=True, text=True,
        ).stdout.strip() or zero  # fmt: skip
        lines.append(f"refs/heads/{branch} {sha} refs/heads/{branch} {remote}\n")
    return "".join(lines)


def hook(repo: Repo, name: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "healer", "hook", name, *args], cwd=repo.path, input=stdin,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_push_checks_the_commit_not_a_staged_fix(repo: Repo, tmp_path: Path) -> None:
    """The pre-commit framework checks the working tree here and lets the bad commit out."""
    staged_repo(repo)
    remote_for(repo, tmp_path)
    repo.write("a.txt", "BAD\n")
    repo.commit("bad")
    repo.write("a.txt", "fixed\n")
    repo.git("add", "a.txt")  # the fix is only staged
    before = state(repo)
    done = hook(repo, "pre-push", "origin", "url", stdin=push_lines(repo, "main"))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "push blocked" in done.stderr and "main at" in done.stderr
    assert state(repo) == before


def test_two_new_branches_at_once_and_the_second_is_bad(repo: Repo, tmp_path: Path) -> None:
    staged_repo(repo)
    remote_for(repo, tmp_path)
    repo.git("checkout", "-q", "-b", "good")
    repo.write("b.txt", "fine\n")
    repo.commit("good")
    repo.git("checkout", "-q", "-b", "bad", "main")
    repo.write("c.txt", "BAD\n")
    repo.commit("bad")
    repo.git("checkout", "-q", "main")
    done = hook(repo, "pre-push", "origin", "url", stdin=push_lines(repo, "good", "bad"))
    assert done.returncode == 1
    assert "bad at" in done.stderr and "good at" not in done.stderr.split("blocked:")[1]


def test_new_branch_is_compared_with_what_the_remote_has(repo: Repo, tmp_path: Path) -> None:
    staged_repo(repo)
    remote_for(repo, tmp_path)
    repo.git("checkout", "-q", "-b", "docs")
    repo.write("README.md", "more docs\n")
    repo.commit("docs only")
    done = hook(repo, "pre-push", "origin", "url", stdin=push_lines(repo, "docs") + "\n")
    assert done.returncode == 0
    # Only the README changed since what origin has: the .txt stage is not even run.
    assert "nobad skipped: none of its inputs changed" in done.stdout


def test_deletions_are_skipped(repo: Repo, tmp_path: Path) -> None:
    staged_repo(repo)
    remote_for(repo, tmp_path)
    zero = "0" * 40
    done = hook(repo, "pre-push", "origin", "url", stdin=f"(delete) {zero} refs/heads/old {'1' * 40}\n")
    assert done.returncode == 0 and "only deletions" in done.stderr


def test_a_real_push_through_a_hook(repo: Repo, tmp_path: Path) -> None:
    staged_repo(repo)
    remote_for(repo, tmp_path)
    hook_file = repo.path / ".git" / "hooks" / "pre-push"
    hook_file.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m healer hook pre-push "$@"\n')
    hook_file.chmod(0o755)
    repo.write("a.txt", "BAD\n")
    repo.commit("bad")
    pushed = subprocess.run(["git", "push", "origin", "main"], cwd=repo.path, capture_output=True, text=True)
    assert pushed.returncode != 0 and "push blocked" in pushed.stderr
    repo.write("a.txt", "good again\n")
    repo.git("commit", "-q", "-a", "--amend", "-m", "fixed")  # a fix on top would still push the bad commit
    pushed = subprocess.run(["git", "push", "origin", "main"], cwd=repo.path, capture_output=True, text=True)
    assert pushed.returncode == 0, pushed.stderr


def test_malformed_pre_push_input(repo: Repo) -> None:
    staged_repo(repo)
    done = hook(repo, "pre-push", "origin", "url", stdin="garbage line\n")
    assert done.returncode == 2 and "line 1 of standard input" in done.stderr


def test_hook_in_ci_without_terminal(repo: Repo, healer: RunHealer) -> None:
    staged_repo(repo)
    repo.write("a.txt", "BAD\n")
    repo.git("add", "a.txt")
    result = healer("hook", "pre-commit", env={"CI": "true", "TERM": "dumb", "GIT_DIR": str(repo.path / ".git")})
    assert result.code == 1
    assert "\x1b" not in result.out + result.err
    assert "nobad FAILED" in result.out


def test_pre_push_under_the_pre_commit_framework_environment(repo: Repo, tmp_path: Path) -> None:
    """The framework passes the push in PRE_COMMIT_* variables, and none of FROM/TO for a new history."""
    staged_repo(repo)
    remote_for(repo, tmp_path)
    repo.git("checkout", "-q", "--orphan", "fresh")
    repo.write("a.txt", "BAD\n")
    repo.commit("a new root commit")
    env = {**os.environ, "PRE_COMMIT": "1", "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/fresh",
           "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/fresh", "PRE_COMMIT_REMOTE_NAME": "origin"}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "healer", "hook", "pre-push"], cwd=repo.path, env=env, input="",
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1 and "fresh at" in done.stderr


def test_pre_push_without_any_refs_says_so(repo: Repo) -> None:
    staged_repo(repo)
    done = hook(repo, "pre-push", "origin", "url", stdin="")
    assert done.returncode == 2 and "no refs to check" in done.stderr
