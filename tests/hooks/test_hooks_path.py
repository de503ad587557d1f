"""core.hooksPath pointing into the tracked tree: `healer install` warns, and `--hooks-path` keeps it clean."""

from __future__ import annotations

from ..conftest import Repo, RunHealer
from .helpers import RECORDING_HOOK, executable, log_lines, run_git


def tracked_hooks(repo: Repo) -> None:
    """A project that keeps its hooks in the repository, as many do, and points git at them."""
    repo.config('[stages.words]\nrun = ["sh", "-c", "! grep -q forbidden app.txt"]\n')
    repo.write("app.txt", "fine\n")
    executable(repo.path / "githooks" / "pre-commit", RECORDING_HOOK)
    executable(repo.path / "githooks" / "commit-msg", RECORDING_HOOK)
    # A sibling the hooks source through `dirname "$0"`, as project hook folders often do.
    executable(
        repo.path / "githooks" / "post-commit",
        '#!/bin/sh\n. "$(dirname "$0")/common.sh"\necho "post $COMMON" >> "${HOOK_LOG:?}"\n',
    )
    (repo.path / "githooks" / "common.sh").write_text("COMMON=found\n")
    repo.commit("start")
    repo.git("config", "core.hooksPath", "githooks")


def test_install_into_a_tracked_hooks_folder_warns_and_offers_hooks_path(repo: Repo, healer: RunHealer) -> None:
    tracked_hooks(repo)
    done = healer("install", "--hook", "pre-commit")
    assert done.code == 0, done.err
    [warning] = [line for line in done.err.splitlines() if "warning" in line]
    assert warning.startswith("healer: warning: git runs hooks from githooks (core.hooksPath), inside the work tree")
    assert "will show in `git status`" in warning and "`healer install --hooks-path .git/hooks`" in warning


def test_hooks_path_keeps_the_tracked_tree_clean_and_every_hook_running(repo: Repo, healer: RunHealer) -> None:
    tracked_hooks(repo)
    log = repo.path / ".git" / "hook.log"
    done = healer("install", "--hooks-path", ".git/hooks")
    assert done.code == 0, done.err
    assert "warning" not in done.err
    hooks = (repo.path / ".git" / "hooks").resolve()
    assert repo.git("config", "core.hooksPath").strip() == str(hooks)
    assert f"core.hooksPath: now {hooks} in this clone's configuration (was githooks)" in done.out
    assert repo.git("status", "--porcelain") == ""
    repo.write("app.txt", "still fine\n")
    repo.git("add", "app.txt")
    committed = run_git(repo.path, "commit", "-q", "-m", "through every hook", env={"HOOK_LOG": str(log)})
    assert committed.returncode == 0, committed.stdout + committed.stderr
    assert "healer: checking the staged changes" in committed.stderr  # git gives hooks' output to stderr
    ran = log_lines(log)
    assert ran[0].startswith("previous ") and ran[0].split()[2] == "pre-commit"  # the tracked hook, first
    assert any(line.split()[2:3] == ["commit-msg"] for line in ran if line.startswith("previous "))
    assert "post found" in ran  # run where it is: its siblings are found
    repo.write("app.txt", "forbidden\n")
    repo.git("add", "app.txt")
    blocked = run_git(repo.path, "commit", "-q", "-m", "bad", env={"HOOK_LOG": str(log)})
    assert blocked.returncode == 1 and "commit blocked" in blocked.stderr
    assert repo.git("status", "--porcelain") == "M  app.txt\n"

    undone = healer("uninstall")
    assert undone.code == 0, undone.err
    assert "core.hooksPath: back to githooks" in undone.out
    assert repo.git("config", "core.hooksPath").strip() == "githooks"
    assert sorted(p.name for p in hooks.iterdir() if not p.name.endswith(".sample")) == []
    assert run_git(repo.path, "config", "--get", "healer.hooksPathBefore").stdout == ""
