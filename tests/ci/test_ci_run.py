"""`healer ci`'s core: the run, the verified fixes as a series, --push only as asked, usage errors up front."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from healer.ci.provider import CiJob, detect_job
from healer.ci.run import CiOptions, prepare, run_ci
from healer.errors import HealerError
from healer.github.repository import Repo as GitHubRepo
from healer.service import Healer
from healer.workspace import open_workspace
from tests.ci.test_artifact import state
from tests.conftest import Repo, git

LINT = '[stages.lint]\nrun = "ruff check --no-fix --no-cache ."\ninputs = ["*.py"]\nparser = "ruff"\n'
UNUSED = "import os\n\n\ndef f() -> int:\n    return 1\n"


def broken(repo: Repo, tmp_path: Path) -> str:
    """A repository whose lint fails on an unused import, with a bare `origin`; HEAD's sha."""
    repo.config(LINT)
    repo.write("app.py", UNUSED)
    repo.commit("start")
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    repo.git("remote", "add", "origin", str(origin))
    repo.git("push", "-q", "origin", "main")
    return repo.git("rev-parse", "HEAD").strip()


def job(sha: str, **extra: object) -> CiJob:
    return CiJob(provider="github", repo=GitHubRepo("o", "r"), sha=sha, branch="main", **extra)  # type: ignore[arg-type]


def ci(repo: Repo, the_job: CiJob, options: CiOptions, environ: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    core = Healer(open_workspace(repo.path), via="ci")
    return run_ci(core, the_job, prepare(options, the_job, environ or {}, repo.path))


def test_fix_makes_a_verified_series_and_changes_nothing(repo: Repo, tmp_path: Path) -> None:
    sha = broken(repo, tmp_path)
    before = state(repo)
    report = ci(repo, job(sha), CiOptions(fix=True, offline="test"))
    assert state(repo) == before and (repo.path / "app.py").read_text() == UNUSED
    assert report.exit_code == 1 and report.pushed is None
    assert report.series is not None and len(report.series.commits) == 1
    assert report.series.fixes == (report.chosen[0].id,)
    assert git(tmp_path / "origin.git", "rev-parse", "main").strip() == sha


def test_push_fast_forwards_the_branch_and_leaves_the_checkout(repo: Repo, tmp_path: Path) -> None:
    sha = broken(repo, tmp_path)
    before = state(repo)
    report = ci(repo, job(sha), CiOptions(fix=True, push=True, offline="test"))
    assert report.series is not None and report.pushed == f"{report.series.tip} to main"
    origin = tmp_path / "origin.git"
    assert git(origin, "rev-parse", "main").strip() == report.series.tip
    assert git(origin, "rev-parse", "main^").strip() == sha
    assert "import os" not in git(origin, "show", "main:app.py")
    after = state(repo)
    assert after[:2] == before[:2] and after[3] == before[3]  # refs: only origin/main's remote-tracking copy


def test_push_onto_a_branch_that_moved_is_a_notice(repo: Repo, tmp_path: Path) -> None:
    sha = broken(repo, tmp_path)
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(tmp_path / "origin.git"), str(other))
    (other / "more.txt").write_text("someone else's commit\n")
    git(other, "add", "-A")
    git(other, "commit", "-q", "-m", "moved")
    git(other, "push", "-q", "origin", "main")
    moved = git(tmp_path / "origin.git", "rev-parse", "main").strip()
    report = ci(repo, job(sha), CiOptions(fix=True, push=True, offline="test"))
    assert report.pushed is None and report.exit_code == 1
    assert any("were not pushed to main" in notice for notice in report.notices)
    assert git(tmp_path / "origin.git", "rev-parse", "main").strip() == moved


def test_a_passing_run_publishes_nothing(repo: Repo, tmp_path: Path) -> None:
    sha = broken(repo, tmp_path)
    repo.write("app.py", "def f() -> int:\n    return 1\n")
    repo.commit("clean")
    report = ci(repo, job(repo.git("rev-parse", "HEAD").strip()), CiOptions(fix=True, push=True, offline="t"))
    assert report.exit_code == 0 and report.series is None and report.chosen == []
    assert git(tmp_path / "origin.git", "rev-parse", "main").strip() == sha


@pytest.mark.parametrize(
    ("options", "the_job", "environ", "words"),
    [
        (CiOptions(suggest=True), job("x", pull=3), {}, "--suggest goes with --fix"),
        (CiOptions(push=True), job("x"), {}, "--push goes with --fix"),
        (CiOptions(fix=True, escalate=True), job("x"), {"PATH": "/nonexistent"}, "no GitHub token"),
        (CiOptions(fix=True, suggest=True, network="--offline"), job("x", pull=3), {}, "need the network"),
        (CiOptions(fix=True, push=True), job("x", pull=3, pull_head_sha="f" * 40), {}, "not the merge commit"),
        (CiOptions(fix=True, push=True), CiJob(provider="github"), {}, "needs the branch"),
    ],
)
def test_usage_errors_come_before_anything_runs(
    repo: Repo, tmp_path: Path, options: CiOptions, the_job: CiJob, environ: dict[str, str], words: str
) -> None:
    broken(repo, tmp_path)
    with pytest.raises(HealerError, match=words) as caught:
        prepare(options, the_job, environ, repo.path)
    assert "\n" not in str(caught.value)


def test_flags_with_nothing_to_act_on_are_notices(repo: Repo, tmp_path: Path) -> None:
    broken(repo, tmp_path)
    done = prepare(CiOptions(fix=True, suggest=True), job("x"), {}, repo.path)
    assert not done.options.suggest and done.client is None
    assert "not for a pull request" in done.notices[0]
    fork = prepare(CiOptions(fix=True, suggest=True, push=True), job("x", pull=3, fork=True), {}, repo.path)
    assert not fork.options.suggest and not fork.options.push and len(fork.notices) == 2


def test_github_actions_job_from_the_environment(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    head = {"sha": "a" * 40, "repo": {"full_name": "someone/r"}}
    event.write_text(json.dumps({"pull_request": {"number": 7, "head": head, "base": {"repo": {"full_name": "o/r"}}}}))
    found = detect_job({
        "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "o/r", "GITHUB_SHA": "b" * 40, "GITHUB_RUN_ID": "99",
        "GITHUB_HEAD_REF": "feature", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "GITHUB_API_URL": "http://127.0.0.1:9/",
    })  # fmt: skip
    assert (found.provider, found.pull, found.commit, found.branch, found.fork) == (
        "github",
        7,
        "a" * 40,
        "feature",
        True,
    )
    assert found.run_url == "https://github.com/o/r/actions/runs/99" and found.api_url == "http://127.0.0.1:9"
    assert found.summary_path == tmp_path / "summary.md"
    event.write_bytes(b"\xff not json")
    assert detect_job({"GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": str(event)}).pull is None
    assert detect_job({}).provider == "local"


def test_rounds_build_on_each_other_until_the_fixes_pass(repo: Repo, tmp_path: Path) -> None:
    sha = broken(repo, tmp_path)
    repo.write("app.py", "import sys\n\n\ndef f() -> str:\n    return os.getcwd()\n")
    repo.commit("two failures in one file")
    sha = repo.git("rev-parse", "HEAD").strip()
    report = ci(repo, job(sha), CiOptions(fix=True, offline="test"))
    assert report.exit_code == 1 and report.series is not None
    assert len(report.series.commits) == 2, report.notices
    assert report.fixed_run is not None and report.fixed_run.outcome == "passed"
    assert (
        git(repo.path, "show", f"{report.series.tip}:app.py")
        == "import os\n\n\ndef f() -> str:\n    return os.getcwd()\n"
    )
    assert report.fixes is not None and [one.number for one in report.fixes.rounds] == [1, 2]
