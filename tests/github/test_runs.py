"""Runs, jobs and logs through the fake API: run ids and URLs, filters, redirects, zip and plain logs, refusals."""

from __future__ import annotations

import pytest

from healer.errors import HealerError
from healer.github.api import GitHub, GitHubError
from healer.github.repository import Repo
from healer.github.runs import (
    RunRef,
    connect,
    get_run,
    job_logs,
    jobs,
    latest_failed,
    list_runs,
    parse_run,
    require_finished,
)
from healer.github.token import NO_TOKEN
from tests.conftest import Repo as GitRepo
from tests.github.fake_actions import LINT_STEPS, TEST_STEPS, Actions, fixture, job_json, logs_zip, run_json
from tests.github.fake_github import Answer, FakeGitHub, fake_github

SHOP = Repo("octo", "shop")
SHA = "4f6d7c1e9b2a3d5c8e0f1a2b3c4d5e6f7a8b9c0d"


def actions(fake: FakeGitHub) -> Actions:
    found = Actions(fake).install()
    found.runs = [
        run_json(3, sha="c" * 40, conclusion=None, status="in_progress"),
        run_json(2, sha=SHA),
        run_json(1, sha="a" * 40, conclusion="success"),
        run_json(9, sha="d" * 40, branch="other"),
    ]
    found.jobs[2] = [job_json(21, "lint", LINT_STEPS, run_id=2), job_json(22, "test / unit", TEST_STEPS, run_id=2)]
    return found


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("123", RunRef(123)),
        ("https://github.com/octo/shop/actions/runs/123", RunRef(123)),
        ("https://github.com/Octo/Shop/actions/runs/123/job/456", RunRef(123, 456)),
        ("https://github.com/octo/shop/actions/runs/123/attempts/2", RunRef(123, None, 2)),
        ("https://ghe.example.com/octo/shop/actions/runs/7/job/8?pr=3#step:5:12", RunRef(7, 8)),
    ],
)
def test_run_ids_and_urls(text: str, ref: RunRef) -> None:
    assert parse_run(text, SHOP) == ref


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("https://github.com/other/fork/actions/runs/5", "is of other/fork, and this clone is of octo/shop"),
        ("https://github.com/octo/shop/pull/5", "is not a workflow run"),
        ("latest", "is not a workflow run"),
    ],
)
def test_what_is_not_a_run_of_this_repository(text: str, words: str) -> None:
    with pytest.raises(HealerError, match=words) as caught:
        parse_run(text, SHOP)
    assert "\n" not in str(caught.value)


def test_listing_filters_and_the_rate_limit() -> None:
    with fake_github() as fake:
        actions(fake)
        client = GitHub("test-token", fake.url)
        runs, limit = list_runs(client, SHOP, branch="main", limit=10)
        assert [run.id for run in runs] == [3, 2, 1]
        assert limit is not None and limit.limit == 5000 and limit.remaining > 4990
        assert "requests left, resets at" in limit.describe()
        assert runs[1].duration == 151.0 and runs[1].workflow == "CI" and runs[0].finished is False
        failed = latest_failed(client, SHOP, branch="main", head_sha=None)
        assert failed is not None and failed.id == 2
        assert fake.asked_for("GET", "/repos/octo/shop/actions/runs")[-1].query["status"] == "failure"
        assert latest_failed(client, SHOP, branch="main", head_sha="a" * 40) is None
        with pytest.raises(HealerError, match=r"run 3 \(CI\) is still in progress: pull it once it has finished"):
            require_finished(get_run(client, SHOP, RunRef(3)))
        with pytest.raises(GitHubError, match="GitHub has no workflow run 404 of octo/shop"):
            get_run(client, SHOP, RunRef(404))


def test_plain_job_logs_through_a_redirect_without_the_token() -> None:
    with fake_github() as fake:
        found = actions(fake)
        found.job_logs[21] = fixture("lint_job.txt")
        client = GitHub("test-token", fake.url)
        run = get_run(client, SHOP, RunRef(2))
        listed = jobs(client, SHOP, run)
        assert [job.name for job in listed] == ["lint", "test / unit"]
        assert fake.asked_for("GET", "/repos/octo/shop/actions/runs/2/jobs")[0].query["filter"] == "latest"
        assert [step.name for step in listed[0].failed_steps] == ["Lint"]
        (log,) = job_logs(client, SHOP, run, listed[:1])
        assert log.source == "job log"
        assert [step.command for step in log.steps if step.failed] == ["ruff check ."]
        assert "authorization" not in fake.asked_for("GET", "/blob/")[0].headers


def test_the_zip_when_a_job_has_no_log_of_its_own() -> None:
    with fake_github() as fake:
        found = actions(fake)
        found.job_logs[22] = 404
        found.run_logs[2] = logs_zip({"lint": fixture("lint_job.txt"), "test / unit": fixture("test_job.txt")})
        client = GitHub("test-token", fake.url)
        run = get_run(client, SHOP, RunRef(2))
        (log,) = job_logs(client, SHOP, run, jobs(client, SHOP, run)[1:])
        assert log.source == "run logs zip" and log.job.name == "test / unit"
        assert [step.command for step in log.steps if step.failed] == ["python -m pytest -q tests"]


def test_a_zip_with_a_file_per_step() -> None:
    with fake_github() as fake:
        found = actions(fake)
        found.job_logs[21] = 404
        numbers = [(1, "Set up job"), (2, "Run actions_checkout@v4"), (3, "Set up Python"), (4, "Install"), (5, "Lint")]
        found.run_logs[2] = logs_zip({"lint": fixture("lint_job.txt")}, top=False, steps={"lint": numbers})
        client = GitHub("test-token", fake.url)
        run = get_run(client, SHOP, RunRef(2))
        (log,) = job_logs(client, SHOP, run, jobs(client, SHOP, run)[:1])
        failed = [step for step in log.steps if step.failed]
        assert [(step.number, step.name, step.command) for step in failed] == [(5, "Lint", "ruff check .")]


@pytest.mark.parametrize("zip_status", [410, 404])
def test_expired_logs_are_one_line(zip_status: int) -> None:
    with fake_github() as fake:
        found = actions(fake)
        found.job_logs[21] = 410
        client = GitHub("test-token", fake.url)
        run = get_run(client, SHOP, RunRef(2))
        with pytest.raises(HealerError, match="the logs of run 2 are gone: GitHub keeps them"):
            job_logs(client, SHOP, run, jobs(client, SHOP, run)[:1])
        found.job_logs[21] = 404
        found.run_logs[2] = zip_status
        with pytest.raises(HealerError, match="the logs of run 2 are gone"):
            job_logs(client, SHOP, run, jobs(client, SHOP, run)[:1])


def test_a_token_without_the_actions_scope() -> None:
    with fake_github() as fake:
        fake.route(
            "GET", r"/repos/octo/shop/actions/runs",
            lambda _a, _m: Answer(403, {"message": "Resource not accessible by personal access token"},
                                  {"x-accepted-github-permissions": "actions=read"}),
        )  # fmt: skip
        with pytest.raises(GitHubError) as caught:
            list_runs(GitHub("test-token", fake.url), SHOP, branch="main")
        text = str(caught.value)
        assert "workflow runs of octo/shop" in text and text.endswith("it needs actions=read") and "\n" not in text


def test_connect_needs_a_token_and_a_github_remote(repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    bare = {"PATH": "/usr/bin:/bin"}
    with pytest.raises(HealerError, match=NO_TOKEN.split(":")[0]):
        connect(repo.path, bare)
    with pytest.raises(HealerError, match="no remote"):
        connect(repo.path, {**bare, "GH_TOKEN": "t"})
    repo.git("remote", "add", "origin", "git@github.com:octo/shop.git")
    connection = connect(repo.path, {**bare, "GH_TOKEN": "t", "GITHUB_API_URL": "http://127.0.0.1:9/"})
    assert connection.repo == SHOP and connection.token_source == "GH_TOKEN"
    assert connection.client.api_url == "http://127.0.0.1:9" and "'t'" not in repr(connection)
