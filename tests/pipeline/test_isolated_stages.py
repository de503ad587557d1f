"""A stage that checks by rewriting (`isolate = true`, what detection makes of a pre-commit fixer hook) runs in
a private copy: the user's files never change, what it would rewrite is its finding, and its own run is the fix.
Real repository, real subprocesses, the real CLI."""

from __future__ import annotations

import json
import sys

import pytest

from tests.conftest import Repo, RunHealer

# A fixer as pre-commit's trailing-whitespace is one: rewrites the files, exits 1 when it changed any.
FIXER = """\
import pathlib, subprocess, sys
changed = 0
for name in subprocess.run(["git", "ls-files", "*.txt"], capture_output=True, text=True, check=True).stdout.split():
    path = pathlib.Path(name)
    text = path.read_text()
    clean = "".join(line.rstrip() + "\\n" for line in text.splitlines())
    if clean != text:
        path.write_text(clean)
        changed += 1
sys.exit(1 if changed else 0)
"""
CONFIG = """
[stages.whitespace]
run = ["python", "fix_whitespace.py"]
fix = ["python", "fix_whitespace.py"]
isolate = true
"""


def test_the_users_files_stay_and_the_rewrite_is_the_finding(repo: Repo, healer: RunHealer) -> None:
    repo.config(CONFIG)
    repo.write("fix_whitespace.py", FIXER)
    repo.write("notes.txt", "clean\n")
    repo.commit("start")
    (repo.path / "notes.txt").write_text("dirty   \nline\n")  # unstaged, as a user's edit is

    done = healer("run", "--json", "--no-cache")

    assert done.code == 1, done.err
    stage = json.loads(done.out)["stages"][0]
    assert stage["status"] == "failed"
    assert [(d["file"], d["code"]) for d in stage["diagnostics"][:1]] == [("notes.txt", "rewrites-files")]
    assert (repo.path / "notes.txt").read_text() == "dirty   \nline\n"  # never rewritten in place
    assert repo.git("status", "--porcelain").strip() == "M notes.txt"


def test_its_own_run_is_proposed_verified_and_applied(repo: Repo, healer: RunHealer) -> None:
    repo.config(CONFIG)
    repo.write("fix_whitespace.py", FIXER)
    repo.write("notes.txt", "dirty   \nline\n")
    repo.commit("start")

    done = healer("fix", "--offline", "--apply", "all", "--json")

    report = json.loads(done.out)
    assert done.code == 0, (done.err, report["rounds"][0]["patches"])
    assert [p["origin"] for p in report["rounds"][0]["patches"]] == ["isolated.stage-fix"]
    assert (repo.path / "notes.txt").read_text() == "dirty\nline\n"
    assert healer("run").code == 0
    assert healer("undo").code == 0
    assert (repo.path / "notes.txt").read_text() == "dirty   \nline\n"


# A fixer through the real pre-commit framework (a local hook: no network), as detection writes the stage.
FRAMEWORK_FIXER = """\
import sys
changed = [name for name in sys.argv[1:] if open(name).read() != open(name).read().rstrip(" \\n") + "\\n"]
for name in changed:
    text = open(name).read()
    open(name, "w").write("".join(line.rstrip() + "\\n" for line in text.splitlines()))
sys.exit(1 if changed else 0)
"""
HOOKS = f"""\
repos:
  - repo: local
    hooks:
      - id: strip
        name: strip
        entry: {sys.executable} strip.py
        language: system
        files: \\.txt$
"""
FRAMEWORK_CONFIG = """
[stages.strip]
run = "pre-commit run strip --all-files"
fix = "pre-commit run strip --all-files"
isolate = true
"""


def test_a_pre_commit_fixer_hook_through_the_framework(
    repo: Repo, healer: RunHealer, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = {"PRE_COMMIT_HOME": str(repo.path.parent / "pre-commit-home")}
    repo.config(FRAMEWORK_CONFIG)
    repo.write(".pre-commit-config.yaml", HOOKS)
    repo.write("strip.py", FRAMEWORK_FIXER)
    repo.write("notes.txt", "dirty  \n")
    repo.commit("start")

    checked = healer("run", "--no-cache", env=home)
    assert checked.code == 1, checked.out + checked.err
    assert "notes.txt: stage 'strip' would rewrite" in checked.out
    assert (repo.path / "notes.txt").read_text() == "dirty  \n"

    fixed = healer("fix", "--offline", "--apply", "all", env=home)
    assert fixed.code == 0, fixed.out + fixed.err
    assert (repo.path / "notes.txt").read_text() == "dirty\n"


def test_in_the_hooks_shadow_tree_too(repo: Repo, healer: RunHealer) -> None:
    # The staged content differs from the working tree, so the hook checks it in the shadow copy: the fixer
    # must not rewrite the shadow either (it would stay unlike its index for the next commit).
    repo.config(CONFIG)
    repo.write("fix_whitespace.py", FIXER)
    repo.write("notes.txt", "clean\n")
    repo.commit("start")
    (repo.path / "notes.txt").write_text("dirty   \n")
    repo.git("add", "notes.txt")
    (repo.path / "notes.txt").write_text("dirty   \nmore\n")  # unstaged on top

    for _ in range(2):  # the second check finds the shadow as the first left it
        blocked = healer("hook", "pre-commit")
        assert blocked.code == 1, blocked.out + blocked.err
        assert "notes.txt: stage 'whitespace' would rewrite" in blocked.out
    assert (repo.path / "notes.txt").read_text() == "dirty   \nmore\n"
    assert repo.git("show", ":notes.txt") == "dirty   \n"
