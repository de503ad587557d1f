"""Escalation against the fake API: one issue per failure fingerprint, updated or reopened on later runs and
never duplicated, closed when its stage passes without it, bounded in number, redacted, refusals in one line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from healer.github.api import GitHub
from healer.github.issues import Attempt, Escalation, escalate
from healer.github.repository import Repo
from tests.github.fake_github import FakeGitHub, fake_github
from tests.github.fake_issues import FakeIssues, add_issues

REPO = Repo("o", "r")
RUN = "https://github.com/o/r/actions/runs/42"


def _failure(fingerprint: str = "f00d", stage: str = "lint", message: str = "`os` imported but unused") -> Escalation:
    return Escalation(
        fingerprint=fingerprint, stage=stage, tool="ruff", file="src/x.py", line=3, code="F401", message=message,
        attempts=(Attempt("rule python.remove-unused-import", "verification: the tests stage failed"),),
        excerpt="##[group]Run ruff check .\nsrc/x.py:3:8: F401 `os` imported but unused\nFound 1 error.",
    )  # fmt: skip


def _marker(fingerprint: str, stage: str = "lint") -> str:
    return f"<!-- healer:fingerprint={fingerprint} -->\n<!-- healer:stage={stage} -->\nold body"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with fake_github() as server:
        yield server


def _client(fake: FakeGitHub) -> GitHub:
    return GitHub("test-token", fake.url)


def test_a_new_failure_opens_an_issue_and_the_label(fake: FakeGitHub) -> None:
    add_issues(fake, FakeIssues("o", "r"))
    outcome = escalate(_client(fake), REPO, [_failure()], passing_stages={"tests"}, run_url=RUN)
    assert outcome.error is None and outcome.count("opened") == 1 and not outcome.unlabelled
    assert outcome.actions[0].number == 1 and outcome.actions[0].url == "https://github.com/o/r/issues/1"
    assert fake.asked_for("POST", "/repos/o/r/labels")[0].json()["name"] == "healer"
    (sent,) = [asked.json() for asked in fake.asked_for("POST", "/repos/o/r/issues")]
    assert sent["labels"] == ["healer"] and sent["title"] == "healer: ruff F401 in src/x.py:3: `os` imported but unused"
    body = sent["body"]
    assert "<!-- healer:fingerprint=f00d -->" in body and "<!-- healer:stage=lint -->" in body
    assert "rule python.remove-unused-import: verification: the tests stage failed" in body
    assert "Found 1 error." in body and RUN in body and "`src/x.py:3`" in body
    assert outcome.summary() == "issues: 1 opened"


def test_a_rerun_updates_the_issue_among_150_without_a_duplicate(fake: FakeGitHub) -> None:
    repo = add_issues(fake, FakeIssues("o", "r", labels={"healer"}))
    for n in range(140):
        repo.add(_marker(f"other{n}", stage="tests"))
    repo.add(_marker("f00d"), pull=True)  # a pull request in the issues list: never taken for the issue
    repo.add("a person's issue with the label and no marker")
    for n in range(8):
        repo.add(_marker(f"more{n}", stage="tests"), state="closed")
    number = repo.add(_marker("f00d"))
    assert number == 151
    outcome = escalate(_client(fake), REPO, [_failure(message="now two unused imports")], {"build"}, RUN)
    assert [(a.action, a.number) for a in outcome.actions] == [("updated", 151)]
    assert fake.asked_for("POST", "/repos/o/r/issues") == []  # no new issue, and no comment on every push
    listed = fake.asked_for("GET", "/repos/o/r/issues")
    assert len(listed) == 2 and listed[0].query["labels"] == "healer" and listed[0].query["state"] == "all"
    (edit,) = [asked.json() for asked in fake.asked_for("PATCH", "/repos/o/r/issues/")]
    assert fake.asked_for("PATCH", "/repos/o/r/issues/151") and "now two unused imports" in edit["body"]
    assert "title" not in edit  # a person may have renamed it
    assert not repo.comments.get(151) and RUN in repo.get(151)["body"]
    assert "old body" not in repo.get(151)["body"] and repo.get(141)["body"] == _marker("f00d")


def test_a_closed_issue_is_reopened(fake: FakeGitHub) -> None:
    repo = add_issues(fake, FakeIssues("o", "r", labels={"healer"}))
    number = repo.add(_marker("f00d"), state="closed")
    outcome = escalate(_client(fake), REPO, [_failure()], set(), run_url=None)
    assert [(a.action, a.number) for a in outcome.actions] == [("reopened", number)]
    assert repo.get(number)["state"] == "open" and repo.comments[number] == ["Failing again in this run: reopened."]
    assert [a.path for a in fake.asked_for("POST", "/repos/o/r/issues")] == [f"/repos/o/r/issues/{number}/comments"]


def test_an_issue_is_closed_only_when_its_stage_passed_without_it(fake: FakeGitHub) -> None:
    repo = add_issues(fake, FakeIssues("o", "r", labels={"healer"}))
    gone = repo.add(_marker("gone", stage="lint"))
    other_stage = repo.add(_marker("elsewhere", stage="tests"))
    still = repo.add(_marker("f00d", stage="lint"))
    outcome = escalate(_client(fake), REPO, [_failure()], passing_stages={"lint"}, run_url=RUN)
    assert sorted((a.action, a.number) for a in outcome.actions) == [("closed", gone), ("updated", still)]
    assert repo.get(gone)["state"] == "closed" and repo.get(gone)["state_reason"] == "completed"
    assert repo.comments[gone] == [f"Gone in [this run]({RUN}): the `lint` stage passed. Closing."]
    assert repo.get(other_stage)["state"] == "open" and other_stage not in repo.comments


def test_at_most_limit_new_issues_a_run(fake: FakeGitHub) -> None:
    add_issues(fake, FakeIssues("o", "r", labels={"healer"}))
    failures = [_failure(f"fp{n}") for n in range(13)] + [_failure("fp0")]
    outcome = escalate(_client(fake), REPO, failures, set(), RUN, limit=10)
    assert outcome.count("opened") == 10 and outcome.left_out == 3
    assert len(fake.asked_for("POST", "/repos/o/r/issues")) == 10
    assert outcome.summary() == "issues: 10 opened; 3 more failures not escalated (limit reached)"


def test_secrets_are_redacted_from_everything_sent(fake: FakeGitHub) -> None:
    repo = add_issues(fake, FakeIssues("o", "r", labels={"healer"}))
    secret = "ghp_" + "Ab3dE" * 7 + "x"
    failure = Escalation(
        fingerprint="f00d", stage="tests", tool="pytest", file="tests/test_api.py", line=9, code=None,
        message=f"AssertionError: token={secret}", attempts=(Attempt("model m", f"it printed {secret}"),),
        excerpt=f"export GITHUB_TOKEN={secret}\n" + "noise\n" * 400 + f"Authorization: Bearer {secret}\nFAILED",
    )  # fmt: skip
    escalate(_client(fake), REPO, [failure], set(), RUN)
    escalate(_client(fake), REPO, [failure], set(), RUN)  # the update sends it all again
    sent = b"".join(asked.body for asked in fake.asked)
    assert secret.encode() not in sent and b"[REDACTED:github-token]" in sent
    body = repo.get(1)["body"]
    assert "FAILED" in body and body.count("noise") <= 150 and len(body) < 60_000


def test_without_a_label_issues_are_still_found_again(fake: FakeGitHub) -> None:
    repo = add_issues(fake, FakeIssues("o", "r", labels_locked=True))
    first = escalate(_client(fake), REPO, [_failure()], set(), RUN)
    assert first.unlabelled and first.count("opened") == 1 and repo.get(1)["labels"] == []
    second = escalate(_client(fake), REPO, [_failure()], set(), RUN)
    assert [(a.action, a.number) for a in second.actions] == [("updated", 1)] and len(repo.issues) == 1


def test_a_token_that_may_not_write_issues_is_one_line(fake: FakeGitHub) -> None:
    add_issues(fake, FakeIssues("o", "r", labels={"healer"}, read_only=True))
    outcome = escalate(_client(fake), REPO, [_failure()], set(), RUN)
    assert outcome.error == "the token may not write issues (it needs issues: write)" and not outcome.actions
