"""The hooks in a monorepo: only the projects whose folder a commit or a push changes are checked."""

from __future__ import annotations

import json
import shutil

import pytest

from ..config.test_workspaces import monorepo
from ..conftest import Repo, RunHealer
from .helpers import run_git

ALL = ("core:lint", "core:test", "util:lint", "util:test", "api:lint", "api:test")


def hook_statuses(text: str) -> dict[str, tuple[str, str | None]]:
    document = json.loads(text)
    return {stage["name"]: (stage["status"], stage.get("reason")) for stage in document["stages"]}


def started(repo: Repo) -> None:
    monorepo(repo)
    repo.commit("three projects")


def test_a_commit_touching_one_project_runs_only_its_stages(repo: Repo, healer: RunHealer) -> None:
    started(repo)
    repo.write("services/api/app.py", "VALUE = 1\n")
    repo.git("add", "-A")
    done = healer("hook", "pre-commit", "--json")
    assert done.code == 0, done.err
    seen = hook_statuses(done.out)
    assert seen["api:lint"][0] == "passed" and seen["api:test"][0] == "passed"
    for name in ("core:lint", "core:test"):
        assert seen[name] == ("skipped", "nothing changed in packages/core")
    for name in ("util:lint", "util:test"):
        assert seen[name] == ("skipped", "nothing changed in packages/util")
    notices = json.loads(done.out)["notices"]
    assert "project core (packages/core): nothing changed there; its 2 stages left out" in notices
    assert "project util (packages/util): nothing changed there; its 2 stages left out" in notices
    said = healer("hook", "pre-commit")
    assert (said.out + said.err).count("nothing changed there") == 2, said.out


def test_a_change_at_the_root_runs_every_project(repo: Repo, healer: RunHealer) -> None:
    started(repo)
    repo.write("uv.lock", "version = 1\n")
    repo.git("add", "-A")
    done = healer("hook", "pre-commit", "--json")
    assert done.code == 0, done.err
    assert {name: status for name, (status, _why) in hook_statuses(done.out).items()} == dict.fromkeys(ALL, "passed")
    assert not any("nothing changed there" in notice for notice in json.loads(done.out)["notices"])


def test_a_failing_project_the_commit_does_not_touch_does_not_block_it(repo: Repo, healer: RunHealer) -> None:
    started(repo)
    repo.write("packages/util/broken.py", "import os\n")  # ruff F401, committed past the hook
    repo.commit("util is broken")
    assert healer("install", "--hook", "pre-commit").code == 0
    repo.write("packages/core/more.py", "VALUE = 2\n")
    repo.git("add", "-A")
    allowed = run_git(repo.path, "commit", "-q", "-m", "core only")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "project util (packages/util): nothing changed there" in allowed.stdout + allowed.stderr
    repo.write("packages/util/other.py", "VALUE = 3\n")
    repo.git("add", "-A")
    blocked = run_git(repo.path, "commit", "-q", "-m", "util too")
    assert blocked.returncode == 1
    assert "util:lint" in blocked.stderr and "core:lint" not in blocked.stderr.split("blocked:")[-1]


def test_a_push_checks_only_the_projects_its_commits_change(repo: Repo, healer: RunHealer) -> None:
    started(repo)
    origin = repo.path.parent / "origin.git"
    run_git(repo.path.parent, "init", "-q", "--bare", str(origin))
    repo.git("remote", "add", "origin", str(origin))
    repo.git("push", "-q", "origin", "main")
    assert healer("install", "--hook", "pre-push").code == 0
    repo.write("packages/util/more.py", "VALUE = 1\n")
    repo.commit("util")
    pushed = run_git(repo.path, "push", "origin", "main")
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert "project core (packages/core): nothing changed there" in pushed.stdout + pushed.stderr
    assert "project api (services/api): nothing changed there" in pushed.stdout + pushed.stderr
    assert "util:test passed" in pushed.stdout + pushed.stderr


def test_a_project_result_is_reused_by_the_next_commit_that_changes_another(repo: Repo, healer: RunHealer) -> None:
    started(repo)
    assert healer("run").code == 0  # every project's results cached for this content
    repo.write("uv.lock", "version = 1\n")
    repo.write("packages/core/more.py", "VALUE = 2\n")
    repo.git("add", "-A")
    first = json.loads(healer("hook", "pre-commit", "--json").out)
    assert all(stage["status"] == "passed" and not stage["cached"] for stage in first["stages"])
    repo.commit("root and core")
    repo.write("packages/core/more.py", "VALUE = 3\n")
    repo.write("services/api/more.py", "VALUE = 3\n")
    repo.git("add", "-A")
    second = {stage["name"]: stage for stage in json.loads(healer("hook", "pre-commit", "--json").out)["stages"]}
    assert second["util:test"]["status"] == "skipped"
    assert not second["core:test"]["cached"] and not second["api:test"]["cached"]
    # util's result for the last commit's content stays valid: a full run takes it from the cache.
    repo.commit("core and api")
    rerun = {stage["name"]: stage for stage in json.loads(healer("run", "--json").out)["stages"]}
    assert rerun["util:lint"]["cached"] and rerun["util:test"]["cached"]


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_an_npm_workspace_commit_runs_only_the_package_it_changes(repo: Repo, healer: RunHealer) -> None:
    repo.write("package.json", '{"name": "root", "private": true, "workspaces": ["apps/*", "libs/*"]}\n')
    for folder in ("apps/web", "libs/ui"):
        name = folder.rsplit("/", 1)[-1]
        repo.write(
            f"{folder}/package.json",
            json.dumps({"name": name, "scripts": {"test": "node -e \"require('./index.js')\""}}) + "\n",
        )
        repo.write(f"{folder}/index.js", "module.exports = 1;\n")
    repo.commit("two packages")
    shown = healer("stages")
    assert "project web (apps/web, detected): 1 stage" in shown.out, shown.out
    repo.write("libs/ui/index.js", "module.exports = 2;\n")
    repo.git("add", "-A")
    done = healer("hook", "pre-commit", "--json")
    assert done.code == 0, done.err
    seen = hook_statuses(done.out)
    assert seen == {"web:test": ("skipped", "nothing changed in apps/web"), "ui:test": ("passed", None)}
    repo.write("libs/ui/index.js", "throw new Error('broken');\n")
    repo.git("add", "-A")
    blocked = healer("hook", "pre-commit", "--json")
    assert blocked.code == 1
    assert hook_statuses(blocked.out)["ui:test"][0] == "failed"
