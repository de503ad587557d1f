"""`healer ci --fix --suggest --escalate` against the fake GitHub API, with a real repository and ruff stage:
the suggestion lands on the pull request's line, what no fixer settles becomes one issue, never two."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from healer.ci.provider import detect_job
from healer.ci.run import CiOptions, prepare, run_ci
from healer.patch.diff import unified_diff
from healer.patch.patch import FileEdit
from healer.service import Healer
from healer.workspace import open_workspace
from tests.ci.test_artifact import state
from tests.conftest import Repo
from tests.github.fake_github import FakeGitHub, fake_github
from tests.github.fake_issues import FakeIssues, add_issues
from tests.github.fake_pulls import FakePull, add_pull

LINT = '[stages.lint]\nrun = "ruff check --no-fix --no-cache ."\ninputs = ["*.py"]\nparser = "ruff"\n'
BASE = "def f() -> int:\n    return 1\n\n\ndef g() -> int:\n    return 2\n"
HEAD = "import os\n\n\n" + BASE + "\n\ndef h() -> int:\n    return undefined_name\n"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with fake_github() as server:
        yield server


def pull_request(repo: Repo, fake: FakeGitHub, tmp_path: Path) -> dict[str, str]:
    """A pull request adding an unused import (a rule fixes it) and an undefined name (nothing does)."""
    repo.config(LINT)
    repo.write("app.py", BASE)
    repo.commit("base")
    repo.write("app.py", HEAD)
    repo.commit("head")
    head = repo.git("rev-parse", "HEAD").strip()
    diff = unified_diff([FileEdit("app.py", BASE.encode(), HEAD.encode())])
    add_pull(fake, FakePull("o", "r", 7, [{"filename": "app.py", "status": "modified",
                                            "patch": diff[diff.index("@@"):].rstrip("\n")}]))  # fmt: skip
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7, "head": {"sha": head, "repo": {"full_name": "o/r"}},
                                                  "base": {"repo": {"full_name": "o/r"}}}}))  # fmt: skip
    return {
        "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "o/r", "GITHUB_SHA": head, "GITHUB_HEAD_REF": "feature",
        "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event), "GITHUB_API_URL": fake.url,
        "GITHUB_RUN_ID": "41", "GITHUB_TOKEN": "test-token",
    }  # fmt: skip


def ci(repo: Repo, environ: dict[str, str], options: CiOptions):  # type: ignore[no-untyped-def]
    job = detect_job(environ)
    return run_ci(Healer(open_workspace(repo.path), via="ci"), job, prepare(options, job, environ, repo.path))


def test_fix_suggest_and_escalate_on_a_pull_request(repo: Repo, fake: FakeGitHub, tmp_path: Path) -> None:
    environ = pull_request(repo, fake, tmp_path)
    issues = add_issues(fake, FakeIssues("o", "r"))
    before = state(repo)
    options = CiOptions(fix=True, suggest=True, escalate=True, offline="test")
    report = ci(repo, environ, options)
    assert state(repo) == before and report.exit_code == 1
    assert report.review is not None and report.review.posted and report.review.error is None, report.notices
    (review,) = fake.asked_for("POST", "/repos/o/r/pulls/7/reviews")
    body = review.json()
    assert body["commit_id"] == environ["GITHUB_SHA"] and body["event"] == "COMMENT"
    (comment,) = body["comments"]
    assert comment["path"] == "app.py" and "```suggestion" in comment["body"]
    assert comment["line"] == 1  # the unused import, on the pull request's own line 1
    assert report.escalation is not None and report.escalation.error is None
    opened = [a for a in report.escalation.actions if a.action == "opened"]
    assert len(opened) == 1 and len(issues.issues) == 1
    assert "undefined_name" in issues.issues[0]["body"] and "import os" not in issues.issues[0]["title"]

    again = ci(repo, environ, options)
    assert again.review is not None and not again.review.posted and again.review.skipped
    assert len(fake.asked_for("POST", "/repos/o/r/pulls/7/reviews")) == 1
    assert [a.action for a in again.escalation.actions] == ["updated"] and len(issues.issues) == 1  # type: ignore[union-attr]

    repo.write("app.py", BASE)
    repo.commit("fixed by hand")
    environ["GITHUB_SHA"] = repo.git("rev-parse", "HEAD").strip()
    done = ci(repo, {k: v for k, v in environ.items() if k != "GITHUB_EVENT_PATH"}, CiOptions(escalate=True))
    assert done.exit_code == 0
    assert [a.action for a in done.escalation.actions] == ["closed"]  # type: ignore[union-attr]
    assert issues.issues[0]["state"] == "closed"


def test_a_token_that_may_not_write_is_a_notice(repo: Repo, fake: FakeGitHub, tmp_path: Path) -> None:
    environ = pull_request(repo, fake, tmp_path)
    add_issues(fake, FakeIssues("o", "r", read_only=True))
    report = ci(repo, environ, CiOptions(fix=True, escalate=True, offline="test"))
    assert report.exit_code == 1 and report.series is not None
    assert any("may not write issues" in notice for notice in report.notices)


def test_no_token_stops_before_anything_runs(repo: Repo, fake: FakeGitHub, tmp_path: Path) -> None:
    environ = pull_request(repo, fake, tmp_path)
    del environ["GITHUB_TOKEN"]
    environ["PATH"] = str(tmp_path)  # no `gh` either
    with pytest.raises(Exception, match="no GitHub token"):
        prepare(CiOptions(fix=True, suggest=True), detect_job(environ), environ, repo.path)
    assert fake.asked == []
