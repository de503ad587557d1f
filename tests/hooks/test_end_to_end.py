"""The real chain: `healer install`, then git runs the shim, which runs this healer's `hook` command."""

from __future__ import annotations

from ..conftest import Repo, RunHealer
from .helpers import run_git

CONFIG = """\
[stages.words]
run = ["sh", "-c", "! grep -q forbidden app.txt"]
"""


def test_commit_is_blocked_by_a_failing_stage_and_allowed_once_fixed(repo: Repo, healer: RunHealer) -> None:
    repo.config(CONFIG)
    repo.write("app.txt", "fine\n")
    repo.commit("start")
    assert healer("install").code == 0
    repo.write("app.txt", "forbidden\n")
    repo.git("add", "app.txt")
    blocked = run_git(repo.path, "commit", "-q", "-m", "bad")
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert repo.git("rev-list", "--count", "HEAD").strip() == "1"
    skipped = run_git(repo.path, "commit", "-q", "-m", "skipped", env={"HEALER_SKIP": "1"})
    assert skipped.returncode == 0 and "HEALER_SKIP=1" in skipped.stderr
    repo.write("app.txt", "fine again\n")
    repo.git("add", "app.txt")
    allowed = run_git(repo.path, "commit", "-q", "-m", "good")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert healer("uninstall").code == 0
    assert not (repo.path / ".git" / "hooks" / "pre-commit").exists()


def test_pre_commit_checks_the_index_not_the_working_tree(repo: Repo, healer: RunHealer) -> None:
    repo.config(CONFIG)
    repo.write("app.txt", "fine\n")
    repo.commit("start")
    healer("install", "--hook", "pre-commit")
    repo.write("app.txt", "forbidden\n")  # changed but not staged: the commit holds "fine"
    done = run_git(repo.path, "commit", "-q", "--allow-empty", "-m", "staged is fine")
    assert done.returncode == 0, done.stdout + done.stderr
