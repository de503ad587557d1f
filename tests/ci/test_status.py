"""`healer ci status`: the branch's last runs in one screen, the rate limit and refusals in one line each."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.conftest import Repo, RunHealer
from tests.github.fake_actions import Actions, run_json
from tests.github.fake_github import FakeGitHub, fake_github

TOKEN = "test-token"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with fake_github(TOKEN) as server:
        actions = Actions(server).install()
        actions.runs = [
            run_json(12, sha="b" * 40, conclusion=None, status="in_progress", name="Docs"),
            run_json(11, sha="a" * 40, event="pull_request"),
            run_json(10, sha="9" * 40, conclusion="success"),
            run_json(5, sha="8" * 40, branch="release"),
        ]
        yield server


@pytest.fixture
def clone(repo: Repo) -> Repo:
    repo.write("README", "shop\n")
    repo.commit()
    repo.git("remote", "add", "origin", "git@github.com:octo/shop.git")
    return repo


def env(fake: FakeGitHub, **more: str) -> dict[str, str]:
    return {"GITHUB_API_URL": fake.url, "GITHUB_TOKEN": TOKEN, "GH_TOKEN": "", **more}


def test_the_last_runs_of_the_branch(clone: Repo, healer: RunHealer, fake: FakeGitHub) -> None:
    result = healer("ci", "status", env=env(fake))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "the last 3 workflow runs of octo/shop on main:"
    assert lines[1].split()[:6] == ["…", "Docs", "push", "in", "progress", "bbbbbbb"]
    assert lines[2].split()[:5] == ["✗", "CI", "pull_request", "completed/failure", "aaaaaaa"]
    assert lines[2].endswith("2m31s  https://github.com/octo/shop/actions/runs/11")
    assert lines[3].startswith("  ✓  CI")
    assert lines[4].startswith("GitHub API: ") and "of 5000 requests left, resets at" in lines[4]
    assert len(lines) == 5 and TOKEN not in result.out + result.err
    assert fake.asked_for("GET", "/repos/octo/shop/actions/runs")[0].query["branch"] == "main"


def test_json_another_branch_and_a_limit(clone: Repo, healer: RunHealer, fake: FakeGitHub) -> None:
    result = healer("ci", "status", "--json", "--branch", "release", "-n", "1", env=env(fake))
    document = json.loads(result.out)
    assert document["schema"] == "healer.ci-status/1" and document["branch"] == "release"
    assert [(run["id"], run["conclusion"], run["duration"]) for run in document["runs"]] == [(5, "failure", 151.0)]
    assert document["rate_limit"]["limit"] == 5000
    none = healer("ci", "status", "--branch", "nowhere", env=env(fake))
    assert none.code == 0 and none.out.startswith("no workflow runs of branch nowhere in octo/shop\n")


@pytest.mark.parametrize(
    ("variables", "words"),
    [
        ({"GITHUB_TOKEN": "", "PATH": "/usr/bin:/bin"}, "healer: no GitHub token: set GITHUB_TOKEN or GH_TOKEN"),
        ({"GITHUB_TOKEN": "wrong"}, "healer: GitHub refused the token for the workflow runs of octo/shop"),
        ({"HEALER_OFFLINE": "1"}, "healer: healer ci status asks GitHub's API, and this command is offline"),
    ],
)
def test_refusals_are_one_line(
    clone: Repo, healer: RunHealer, fake: FakeGitHub, variables: dict[str, str], words: str
) -> None:
    result = healer("ci", "status", env={**env(fake), **variables})
    assert result.code == 2 and result.out == ""
    assert len(result.err.splitlines()) == 1 and result.err.startswith(words)


def test_rate_limit_and_a_detached_head(clone: Repo, healer: RunHealer, fake: FakeGitHub) -> None:
    fake.rate_remaining = 0
    result = healer("ci", "status", env=env(fake))
    assert result.code == 2 and len(result.err.splitlines()) == 1
    assert "GitHub's API rate limit is used up; it resets at" in result.err
    clone.git("checkout", "-q", "--detach")
    detached = healer("ci", "status", env=env(fake))
    assert detached.code == 2 and "HEAD is detached: name the branch" in detached.err
