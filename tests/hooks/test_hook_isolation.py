"""What git sets for a hook (GIT_INDEX_FILE, GIT_DIR) never reaches the stages, and copies cannot find the repository."""

from __future__ import annotations

from ..conftest import Repo, RunHealer
from .helpers import run_git

# A test suite that makes a repository of its own and commits in it, as many do.
OWN_REPO = """\
[stages.own]
run = ["sh", "-c", "d=$(mktemp -d) && cd $d && git init -q && echo x > other.txt && git add other.txt && git -c user.name=t -c user.email=t@t commit -qm t"]
"""

# A careless stage that runs git where it stands.
TAGGER = """\
[stages.tagger]
run = ["sh", "-c", "git tag from-a-stage 2>/dev/null; git config --local stage.wrote yes 2>/dev/null; true"]
"""


def test_a_stage_with_its_own_repository_cannot_touch_the_commit(repo: Repo, healer: RunHealer) -> None:
    repo.config(OWN_REPO)
    repo.write("app.txt", "one\n")
    repo.commit("start")
    assert healer("install", "--hook", "pre-commit").code == 0
    repo.write("app.txt", "two\n")
    # `commit -a` makes git point GIT_INDEX_FILE at .git/index.lock for the hook.
    done = run_git(repo.path, "commit", "-q", "-a", "-m", "second")
    assert done.returncode == 0, done.stdout + done.stderr
    assert repo.git("ls-tree", "--name-only", "HEAD").split() == ["app.txt", "healer.toml"]
    assert repo.git("status", "--porcelain") == ""


def test_a_stage_in_the_shadow_tree_cannot_find_the_repository(repo: Repo, healer: RunHealer) -> None:
    repo.config(TAGGER)
    repo.write("app.txt", "one\n")
    repo.commit("start")
    assert healer("install", "--hook", "pre-commit").code == 0
    repo.write("app.txt", "two\n")
    repo.git("add", "app.txt")
    repo.write("app.txt", "three, not staged\n")  # the index differs: the check runs in the shadow tree
    done = run_git(repo.path, "commit", "-q", "-m", "second")
    assert done.returncode == 0, done.stdout + done.stderr
    assert repo.git("tag") == ""
    assert "stage.wrote" not in repo.git("config", "--local", "--list")


def test_stage_env_drops_gits_location_variables() -> None:
    from healer.config.settings import Stage
    from healer.pipeline.environment import InCopy, stage_env

    base = {"PATH": "/bin", "GIT_INDEX_FILE": "/r/.git/index.lock", "GIT_DIR": "/r/.git", "GIT_AUTHOR_NAME": "a"}
    env = stage_env(Stage("s", "true"), base, copy=InCopy("/r/.git/healer/shadow"))
    assert "GIT_INDEX_FILE" not in env and "GIT_DIR" not in env
    assert env["GIT_AUTHOR_NAME"] == "a" and env["GIT_CEILING_DIRECTORIES"] == "/r/.git/healer"
