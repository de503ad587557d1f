"""`healer ci pull` end to end: the real CLI, a real repository with real stages, the fake GitHub API.

The repository has a lint stage (ruff) whose failure the CI log also shows, so "reproduced" is ruff
failing here for real; a tests stage (pytest) whose CI failure does not happen here; and a CI step
(a licence script) no stage runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.conftest import Repo, RunHealer
from tests.github.fake_actions import (
    LICENCE_STEPS,
    LINT_STEPS,
    TEST_STEPS,
    Actions,
    fixture,
    job_json,
    logs_zip,
    run_json,
)
from tests.github.fake_github import Answer, FakeGitHub, fake_github

TOKEN = "test-token"
CONFIG = '[stages.lint]\nrun = "ruff check ."\n[stages.tests]\nrun = "python -m pytest -q tests"\n'


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with fake_github(TOKEN) as server:
        yield server


@pytest.fixture
def shop(repo: Repo) -> Repo:
    repo.config(CONFIG)
    repo.write("app.py", "import os\n\n\ndef total(prices):\n    return sum(prices)\n")
    repo.write("tests/test_app.py", "import time\n\n\ndef test_latency():\n    started = time.monotonic()\n"
               "    time.sleep(0.01)\n    assert time.monotonic() - started < 5\n")  # fmt: skip
    repo.commit("shop")
    repo.git("remote", "add", "origin", "https://github.com/octo/shop.git")
    return repo


def head(repo: Repo) -> str:
    return repo.git("rev-parse", "HEAD").strip()


def failed_run(fake: FakeGitHub, sha: str, *, plain: bool = True) -> Actions:
    actions = Actions(fake).install()
    actions.runs = [run_json(7, sha=sha), run_json(6, sha=sha, conclusion="success")]
    actions.jobs[7] = [
        job_json(71, "lint", LINT_STEPS, run_id=7),
        job_json(72, "test (3.12)", TEST_STEPS, run_id=7),
        job_json(73, "licences", LICENCE_STEPS, run_id=7),
        job_json(74, "build", [(1, "Set up job", "success")], run_id=7),
    ]
    texts = {"lint": fixture("lint_job.txt"), "test (3.12)": fixture("test_job.txt"),
             "licences": fixture("licences_job.txt")}  # fmt: skip
    if plain:
        actions.job_logs.update({71: texts["lint"], 72: texts["test (3.12)"], 73: texts["licences"]})
    else:
        actions.run_logs[7] = logs_zip(texts)
    return actions


def env(fake: FakeGitHub, **more: str) -> dict[str, str]:
    return {"GITHUB_API_URL": fake.url, "GITHUB_TOKEN": TOKEN, "GH_TOKEN": "", **more}


def status_after(repo: Repo) -> str:
    return repo.git("status", "--porcelain", "--untracked-files=all")


def test_reproduced_not_reproduced_and_unmapped(shop: Repo, healer: RunHealer, fake: FakeGitHub) -> None:
    failed_run(fake, head(shop))
    before = status_after(shop)
    result = healer("ci", "pull", env=env(fake))
    assert result.code == 1, result.err
    out = result.out
    lines = out.splitlines()
    assert (
        lines[0] == f"CI run 7 (push, failure) of {head(shop)[:7]} on main: https://github.com/octo/shop/actions/runs/7"
    )
    # First what CI says, each failed step mapped to the stage that runs its command...
    at = lines.index("--- lint › step 5 'Lint': ruff check .")
    assert lines[at + 1 : at + 3] == [
        "  app.py:1:8: `os` imported but unused [F401]",
        "  runs stage lint here (matched by command)",
    ]
    assert "  tests/test_app.py:9: assert 0.0731 < 0.05 [AssertionError]" in lines
    assert "  not mapped to a stage: no local stage runs `./scripts/check-licences.sh --strict`" in out
    # ...then the local rerun, as `healer run` shows it, then what became of each failure.
    rerun = next(n for n, line in enumerate(lines) if line.startswith("lint FAILED in "))
    verdict = lines.index("lint › Lint: reproduced here (lint): lint fails here with the same diagnostics")
    assert at < rerun < verdict
    assert any(
        line.startswith("test (3.12) › Test: NOT reproduced here (tests): tests passes here on the same commit: flaky")
        for line in lines
    )
    assert "  | E       assert 0.0731 < 0.05" in lines[verdict:]  # the CI log's end, without its colours
    assert "CI: 3 failed steps: 1 reproduced here, 1 NOT reproduced here, 1 not mapped to a stage" in out
    assert "\x1b" not in out and TOKEN not in out + result.err
    assert status_after(shop) == before  # nothing written to the repository


def test_the_json_document(shop: Repo, healer: RunHealer, fake: FakeGitHub) -> None:
    failed_run(fake, head(shop))
    result = healer("ci", "pull", "--json", env=env(fake))
    assert result.code == 1, result.err
    document = json.loads(result.out)
    assert document["schema"] == "healer.ci-pull/1" and document["repository"] == "octo/shop"
    assert document["run"]["id"] == 7 and document["same_commit"] is True and document["outcome"] == "reproduced"
    assert document["log_source"] == "job log"
    rows = {f["job"]: f for f in document["failures"]}
    assert set(rows) == {"lint", "test (3.12)", "licences"}
    lint = rows["lint"]
    assert (lint["status"], lint["stages"], lint["matched_by"], lint["exit_code"]) == (
        "reproduced",
        ["lint"],
        "command",
        1,
    )
    assert [(d["file"], d["code"]) for d in lint["diagnostics"]] == [("app.py", "F401")]
    tests = rows["test (3.12)"]
    assert tests["status"] == "not-reproduced" and tests["log_excerpt"][-1].startswith("1 failed, 1 passed")
    assert any(d["node_id"] == "tests/test_app.py::test_latency" for d in tests["diagnostics"])
    assert rows["licences"]["status"] == "unmapped" and rows["licences"]["stages"] == []
    assert {stage["name"] for stage in document["local_run"]["stages"]} == {"lint", "tests"}
    assert document["fix"] is None


def test_logs_from_the_zip(shop: Repo, healer: RunHealer, fake: FakeGitHub) -> None:
    failed_run(fake, head(shop), plain=False)
    result = healer("ci", "pull", "--commit", "--json", env=env(fake))
    document = json.loads(result.out)
    assert result.code == 1 and document["log_source"] == "run logs zip"
    assert fake.asked_for("GET", "/repos/octo/shop/actions/runs")[0].query["head_sha"] == head(shop)
    assert sorted(f["status"] for f in document["failures"]) == ["not-reproduced", "reproduced", "unmapped"]
    assert len(fake.asked_for("GET", "/repos/octo/shop/actions/runs/7/logs")) == 1  # one zip for every job


def test_a_run_of_another_commit_and_one_job_by_url(shop: Repo, healer: RunHealer, fake: FakeGitHub) -> None:
    failed_run(fake, "4f6d7c1e9b2a3d5c8e0f1a2b3c4d5e6f7a8b9c0d")
    url = "https://github.com/octo/shop/actions/runs/7/job/72"
    result = healer("ci", "pull", url, env=env(fake))
    assert result.code == 0, result.err
    assert "note: the run checked commit 4f6d7c1 and HEAD is" in result.out
    assert "tests passes here, on HEAD" in result.out and "the run checked 4f6d7c1: fixed since" in result.out
    assert "CI: 1 failed step: 1 NOT reproduced here" in result.out
    assert "--- lint" not in result.out and fake.asked_for("GET", "/repos/octo/shop/actions/jobs/71") == []


def test_fix_hands_the_reproduced_stage_to_the_fix_loop(shop: Repo, healer: RunHealer, fake: FakeGitHub) -> None:
    failed_run(fake, head(shop))
    result = healer("ci", "pull", "--fix", "--json", env=env(fake))
    document = json.loads(result.out)
    assert document["fix"]["schema"] == "healer.fix/1"
    first = document["fix"]["rounds"][0]["run"]["stages"]
    assert [stage["name"] for stage in first] == ["lint"]  # only what reproduced
    assert document["fix"]["applied"] == [] and "import os" in (shop.path / "app.py").read_text()
    applied = healer("ci", "pull", "--fix", "--apply", "safe", env=env(fake))
    assert applied.code == 0, applied.out + applied.err
    assert "import os" not in (shop.path / "app.py").read_text()


def test_no_rerun_runs_nothing(shop: Repo, healer: RunHealer, fake: FakeGitHub) -> None:
    failed_run(fake, head(shop))
    result = healer("ci", "pull", "--no-rerun", "--json", env=env(fake))
    document = json.loads(result.out)
    assert result.code == 0 and document["local_run"] is None
    assert sorted(f["status"] for f in document["failures"]) == ["not-rerun", "not-rerun", "unmapped"]


def test_nothing_failed(shop: Repo, healer: RunHealer, fake: FakeGitHub) -> None:
    Actions(fake).install().runs = [run_json(6, sha=head(shop), conclusion="success")]
    result = healer("ci", "pull", env=env(fake))
    assert (
        result.code == 0
        and result.out == "healer: no failed workflow run of branch main in octo/shop: nothing to pull\n"
    )


def one_line(result_err: str) -> str:
    lines = result_err.strip().splitlines()
    assert len(lines) == 1, result_err
    return lines[0]


def test_a_run_still_in_progress(shop: Repo, healer: RunHealer, fake: FakeGitHub) -> None:
    Actions(fake).install().runs = [run_json(8, sha=head(shop), conclusion=None, status="in_progress")]
    result = healer("ci", "pull", "8", env=env(fake))
    assert result.code == 2
    assert one_line(result.err) == (
        "healer: run 8 (CI) is still in progress: pull it once it has finished (`healer ci status` shows where it is)"
    )


def test_expired_logs(shop: Repo, healer: RunHealer, fake: FakeGitHub) -> None:
    actions = failed_run(fake, head(shop))
    actions.job_logs[71] = 410
    result = healer("ci", "pull", env=env(fake))
    assert result.code == 2 and "the logs of run 7 are gone" in one_line(result.err)


@pytest.mark.parametrize(
    ("variables", "words"),
    [
        ({"GITHUB_TOKEN": "", "PATH": "/usr/bin:/bin"}, "no GitHub token: set GITHUB_TOKEN or GH_TOKEN"),
        ({"GITHUB_TOKEN": "wrong"}, "GitHub refused the token for the workflow runs of octo/shop (Bad credentials)"),
        ({"HEALER_OFFLINE": "1"}, "asks GitHub's API, and this command is offline (HEALER_OFFLINE is set)"),
    ],
)
def test_token_and_offline_refusals(
    shop: Repo, healer: RunHealer, fake: FakeGitHub, variables: dict[str, str], words: str
) -> None:
    failed_run(fake, head(shop))
    result = healer("ci", "pull", env={**env(fake), **variables})
    assert result.code == 2 and words in one_line(result.err)
    assert "wrong" not in result.err.replace("GitHub refused", "")


def test_scope_and_rate_limit(shop: Repo, healer: RunHealer, fake: FakeGitHub) -> None:
    fake.route(
        "GET", r"/repos/octo/shop/actions/runs/7/jobs",
        lambda _a, _m: Answer(403, {"message": "Resource not accessible by integration"},
                              {"x-accepted-github-permissions": "actions=read"}),
    )  # fmt: skip
    failed_run(fake, head(shop))
    result = healer("ci", "pull", env=env(fake))
    assert result.code == 2 and one_line(result.err).endswith("it needs actions=read")
    fake.rate_remaining = 0
    result = healer("ci", "pull", env=env(fake))
    assert result.code == 2 and "GitHub's API rate limit is used up; it resets at" in one_line(result.err)


def test_usage_errors_ask_nothing(shop: Repo, healer: RunHealer, fake: FakeGitHub) -> None:
    failed_run(fake, head(shop))
    other = healer("ci", "pull", "https://github.com/someone/fork/actions/runs/7", env=env(fake))
    assert other.code == 2 and "run 7 is of someone/fork, and this clone is of octo/shop" in one_line(other.err)
    assert healer("ci", "pull", "--apply", "safe", env=env(fake)).code == 2
    assert healer("ci", "pull", "7", "--commit", env=env(fake)).code == 2
    assert not [asked for asked in fake.asked if "/actions/" in asked.path and "runs/7" in asked.path]
