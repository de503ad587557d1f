"""A real `git push` through the installed hook checks every commit it brings to the remote, not only the tips."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import Repo, RunHealer, git
from .helpers import run_git

NO_BAD = (
    '[stages.nobad]\nrun = ["sh", "-c", "if grep -rl --exclude-dir=.git BAD --include=*.txt .; then exit 1; fi"]\n'
    'inputs = ["*.txt"]\n'
)


@pytest.fixture
def pushed(repo: Repo, healer: RunHealer, tmp_path: Path) -> Path:
    """A repository whose `main` is on a bare "origin", with only healer's pre-push hook installed."""
    repo.config(NO_BAD)
    repo.write("a.txt", "good\n")
    repo.write("README.md", "readme\n")
    repo.commit("start")
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    repo.git("remote", "add", "origin", str(bare))
    repo.git("push", "-q", "origin", "main")
    assert healer("install", "--hook", "pre-push").code == 0
    return bare


def commit(repo: Repo, name: str, text: str, message: str) -> str:
    repo.write(name, text)
    repo.commit(message)
    return repo.git("rev-parse", "HEAD").strip()


def on_remote(bare: Path, ref: str) -> str:
    return run_git(bare, "rev-parse", "-q", "--verify", ref).stdout.strip()


def test_a_bad_commit_fixed_by_a_later_one_blocks_the_push(repo: Repo, pushed: Path) -> None:
    before = on_remote(pushed, "main")
    bad = commit(repo, "a.txt", "BAD\n", "bad")
    commit(repo, "a.txt", "good again\n", "fix")
    commit(repo, "README.md", "more\n", "docs")
    done = run_git(repo.path, "push", "origin", "main")
    assert done.returncode != 0, done.stdout + done.stderr
    assert f"main at {bad[:9]} fails nobad" in done.stderr
    assert "main brings 3 commits the remote does not have; checking each one" in done.stdout
    assert on_remote(pushed, "main") == before


def test_a_bad_commit_under_a_good_tip_that_does_not_touch_it(repo: Repo, pushed: Path) -> None:
    bad = commit(repo, "a.txt", "BAD\n", "bad")
    commit(repo, "README.md", "more\n", "docs on top")
    done = run_git(repo.path, "push", "origin", "main")
    assert done.returncode != 0 and f"main at {bad[:9]} fails nobad" in done.stderr
    # The push stops at the first failing commit of a ref: the one on top is not checked.
    assert done.stdout.count("healer: checking main at") == 1


def test_force_push_checks_the_rewritten_history(repo: Repo, pushed: Path) -> None:
    commit(repo, "a.txt", "good, v2\n", "pushed")
    assert run_git(repo.path, "push", "-q", "origin", "main").returncode == 0
    repo.git("reset", "-q", "--hard", "HEAD~1")
    bad = commit(repo, "a.txt", "BAD\n", "rewritten, bad")
    commit(repo, "a.txt", "good, v3\n", "rewritten, fixed")
    done = run_git(repo.path, "push", "--force", "origin", "main")
    assert done.returncode != 0 and f"main at {bad[:9]} fails nobad" in done.stderr
    assert "rewritten" not in run_git(pushed, "log", "--format=%s", "main").stdout


def test_several_refs_at_once_each_ref_s_own_commits(repo: Repo, pushed: Path) -> None:
    repo.git("checkout", "-q", "-b", "good")
    commit(repo, "b.txt", "fine\n", "good 1")
    commit(repo, "b.txt", "fine too\n", "good 2")
    repo.git("checkout", "-q", "-b", "bad", "main")
    bad = commit(repo, "c.txt", "BAD\n", "bad")
    commit(repo, "c.txt", "repaired\n", "repaired")
    repo.git("checkout", "-q", "main")
    done = run_git(repo.path, "push", "origin", "good", "bad")
    assert done.returncode != 0, done.stdout + done.stderr
    verdict = done.stderr.split("blocked:")[1]
    assert f"bad at {bad[:9]} fails nobad" in verdict and "good at" not in verdict
    assert done.stdout.count("healer: checking good at") == 2
    # git sends all refs or none.
    assert on_remote(pushed, "refs/heads/good") == ""
    assert run_git(repo.path, "push", "-q", "origin", "good").returncode == 0


def test_a_new_branch_is_checked_from_where_it_leaves_the_remote(repo: Repo, pushed: Path) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    bad = commit(repo, "a.txt", "BAD\n", "bad")
    commit(repo, "a.txt", "fixed\n", "fixed")
    done = run_git(repo.path, "push", "origin", "feature")
    assert done.returncode != 0 and f"feature at {bad[:9]} fails nobad" in done.stderr
    # `start`, already on the remote, is not checked again.
    assert done.stdout.count("healer: checking feature at") == 1


def test_a_new_branch_at_a_commit_the_remote_has_checks_nothing(repo: Repo, pushed: Path) -> None:
    repo.git("branch", "copy", "main")
    done = run_git(repo.path, "push", "origin", "copy")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "nothing new to check" in done.stderr
    assert on_remote(pushed, "refs/heads/copy") == repo.git("rev-parse", "main").strip()


def test_a_deletion_checks_nothing(repo: Repo, pushed: Path) -> None:
    repo.git("branch", "old", "main")
    assert run_git(repo.path, "push", "-q", "origin", "old").returncode == 0
    commit(repo, "a.txt", "BAD\n", "bad, not pushed")
    done = run_git(repo.path, "push", "origin", "--delete", "old")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "only deletions" in done.stderr and on_remote(pushed, "refs/heads/old") == ""


def test_an_annotated_tag_brings_its_commits(repo: Repo, pushed: Path) -> None:
    bad = commit(repo, "a.txt", "BAD\n", "bad")
    commit(repo, "a.txt", "fixed\n", "fixed")
    repo.git("tag", "-a", "-m", "release", "v1")
    done = run_git(repo.path, "push", "origin", "v1")
    assert done.returncode != 0 and f"v1 at {bad[:9]} fails nobad" in done.stderr
    # A tag on a commit the remote already has brings nothing new.
    repo.git("tag", "v0", "origin/main")
    done = run_git(repo.path, "push", "origin", "v0")
    assert done.returncode == 0 and "nothing new to check" in done.stderr


def test_repeated_content_costs_nothing(repo: Repo, pushed: Path) -> None:
    commit(repo, "a.txt", "one\n", "one")
    commit(repo, "README.md", "docs\n", "docs only: the .txt content of `one` again")
    commit(repo, "a.txt", "two\n", "two")
    commit(repo, "a.txt", "one\n", "back to one")
    done = run_git(repo.path, "push", "origin", "main")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("healer: checking main at") == 4
    assert done.stdout.count("nobad passed in") == 2
    assert done.stdout.count("nobad passed (cached)") == 2


def test_pre_push_tips_checks_only_each_ref_s_newest_commit(repo: Repo, pushed: Path) -> None:
    repo.config('pre_push = "tips"\n' + NO_BAD)
    repo.commit("tips only")
    commit(repo, "a.txt", "BAD\n", "bad")
    commit(repo, "a.txt", "fixed later\n", "fixed")
    done = run_git(repo.path, "push", "origin", "main")
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'checking the newest (pre_push = "tips")' in done.stdout
    assert done.stdout.count("healer: checking main at") == 1


def test_an_unknown_pre_push_policy_is_a_configuration_error(repo: Repo, healer: RunHealer) -> None:
    repo.config('pre_push = "every"\n' + NO_BAD)
    done = healer("run")
    assert done.code == 2
    assert "pre_push" in done.err and "one of every-commit, tips" in done.err and "healer.toml:1:" in done.err
