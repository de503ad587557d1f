"""Verified fixes as a pull-request review against the fake API: suggested changes on the lines inside the
pull request's diff, the rest in the body, nothing twice on a rerun, and GitHub's refusals as one line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from healer.github.api import GitHub
from healer.github.repository import Repo
from healer.github.reviews import SuggestedFix, post_suggestions
from healer.patch.diff import unified_diff
from healer.patch.patch import FileEdit
from tests.github.fake_github import FakeGitHub, fake_github
from tests.github.fake_pulls import FakePull, add_pull

REPO = Repo("o", "r")
SHA = "0123456789abcdef0123456789abcdef01234567"
BASE = [f"v{n} = {n}\n" for n in range(1, 31)]
HEAD = [*BASE[:2], "import os\n", *BASE[3:]]
"""The pull request changes line 3 only: its diff's one hunk covers RIGHT-side lines 1 to 6."""


def _text(lines: list[str]) -> bytes:
    return "".join(lines).encode()


def _hunks_only(diff: str) -> str:
    """A file's diff as GitHub's `patch` field holds it: from the first hunk on, no file headers."""
    return diff[diff.index("@@") :].rstrip("\n")


def _fix(name: str, lines: list[str], path: str = "src/x.py", before: list[str] = HEAD) -> SuggestedFix:
    diff = unified_diff([FileEdit(path, _text(before), _text(lines))])
    return SuggestedFix(id=f"id-{name}", title=f"ruff F401 in {path} ({name})", diff=diff)


def _pull(fake: FakeGitHub, *, read_only: bool = False, stale_lines: bool = False) -> FakePull:
    patch = _hunks_only(unified_diff([FileEdit("src/x.py", _text(BASE), _text(HEAD))]))
    files = [{"filename": "src/x.py", "status": "modified", "patch": patch}]
    files += [{"filename": f"docs/page{n}.md", "status": "added", "patch": "@@ -0,0 +1 @@\n+x"} for n in range(120)]
    return add_pull(fake, FakePull("o", "r", 7, files, read_only=read_only, stale_lines=stale_lines))


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with fake_github() as server:
        yield server


def test_changed_lines_inside_the_diff_become_suggestions(fake: FakeGitHub) -> None:
    pull = _pull(fake)
    one_line = _fix("one", [*HEAD[:2], "import sys\n", *HEAD[3:]])
    two_lines = _fix("two", [*HEAD[:3], "v4 = 40\n", "v5 = 50\n", *HEAD[5:]])
    outcome = post_suggestions(GitHub("test-token", fake.url), REPO, 7, SHA, [one_line, two_lines])
    assert outcome.posted and outcome.error is None and not outcome.fell_back
    assert (outcome.suggestions, outcome.in_body) == (2, 0)
    assert outcome.fixes == ("id-one", "id-two") and outcome.url == pull.reviews[0]["html_url"]
    assert len(fake.asked_for("GET", "/repos/o/r/pulls/7/files")) == 2  # 121 files: two pages
    (sent,) = [asked.json() for asked in fake.asked_for("POST", "/repos/o/r/pulls/7/reviews")]
    assert sent["event"] == "COMMENT" and sent["commit_id"] == SHA
    first, second = sent["comments"]
    assert (first["path"], first["line"], first["side"]) == ("src/x.py", 3, "RIGHT") and "start_line" not in first
    assert first["body"].endswith("```suggestion\nimport sys\n```")
    assert (second["start_line"], second["line"], second["start_side"]) == (4, 5, "RIGHT")
    assert "```suggestion\nv4 = 40\nv5 = 50\n```" in second["body"]
    assert f"<!-- healer:fix={one_line.digest} -->" in first["body"] and one_line.title in first["body"]
    assert "```diff" not in sent["body"] and f"<!-- healer:fix={two_lines.digest} -->" in sent["body"]


def test_a_hunk_outside_the_diff_goes_into_the_body(fake: FakeGitHub) -> None:
    _pull(fake)
    lines = [*HEAD[:2], "import sys\n", *HEAD[3:24], "v25 = 250\n", *HEAD[25:]]
    fix = _fix("both", lines)
    other_file = _fix("other", ["a = 1\n"], path="src/untouched.py", before=["a=1\n"])
    outcome = post_suggestions(GitHub("test-token", fake.url), REPO, 7, SHA, [fix, other_file])
    assert (outcome.suggestions, outcome.in_body) == (1, 2)
    (sent,) = [asked.json() for asked in fake.asked_for("POST", "/repos/o/r/pulls/7/reviews")]
    assert [c["line"] for c in sent["comments"]] == [3]
    body = sent["body"]
    assert "```diff\n--- a/src/x.py\n+++ b/src/x.py\n@@ -22,7 +22,7 @@" in body and "+v25 = 250" in body
    assert "+a = 1" in body and "--- a/src/untouched.py" in body
    assert "1 suggested change, a diff below" in body


def test_an_insertion_anchors_on_the_line_before_it(fake: FakeGitHub) -> None:
    _pull(fake)
    fix = _fix("insert", [*HEAD[:5], "v5b = 5.5\n", *HEAD[5:]])
    assert post_suggestions(GitHub("test-token", fake.url), REPO, 7, SHA, [fix]).suggestions == 1
    (comment,) = fake.asked_for("POST", "/repos/o/r/pulls/7/reviews")[0].json()["comments"]
    assert comment["line"] == 5 and "start_line" not in comment
    assert comment["body"].endswith("```suggestion\nv5 = 5\nv5b = 5.5\n```")


def test_a_rerun_posts_only_what_is_new(fake: FakeGitHub) -> None:
    _pull(fake)
    client = GitHub("test-token", fake.url)
    inside = _fix("inside", [*HEAD[:2], "import sys\n", *HEAD[3:]])
    outside = _fix("outside", [*HEAD[:24], "v25 = 250\n", *HEAD[25:]])
    assert post_suggestions(client, REPO, 7, SHA, [inside, outside]).posted
    again = post_suggestions(client, REPO, 7, SHA, [inside, outside])
    assert not again.posted and again.skipped == ("id-inside", "id-outside") and again.error is None
    assert len(fake.asked_for("POST", "/repos/o/r/pulls/7/reviews")) == 1
    # Found by the markers alone: the body-only fix in the review's body, the other in its line comment too.
    new = _fix("new", [*HEAD[:3], "v4 = 40\n", *HEAD[4:]])
    third = post_suggestions(client, REPO, 7, SHA, [inside, new])
    assert third.fixes == ("id-new",) and third.skipped == ("id-inside",)
    last = fake.asked_for("POST", "/repos/o/r/pulls/7/reviews")[-1].json()
    assert [c["line"] for c in last["comments"]] == [4] and inside.digest not in last["body"]


def test_lines_github_cannot_resolve_fall_back_to_the_body(fake: FakeGitHub) -> None:
    _pull(fake, stale_lines=True)
    fix = _fix("moved", [*HEAD[:2], "import sys\n", *HEAD[3:]])
    outcome = post_suggestions(GitHub("test-token", fake.url), REPO, 7, SHA, [fix])
    assert outcome.posted and outcome.fell_back and (outcome.suggestions, outcome.in_body) == (0, 1)
    refused, accepted = [asked.json() for asked in fake.asked_for("POST", "/repos/o/r/pulls/7/reviews")]
    assert refused["comments"] and "comments" not in accepted
    assert "```diff\n--- a/src/x.py" in accepted["body"] and f"healer:fix={fix.digest}" in accepted["body"]


def test_a_fork_token_that_may_not_write_is_one_line(fake: FakeGitHub) -> None:
    _pull(fake, read_only=True)
    fix = _fix("fork", [*HEAD[:2], "import sys\n", *HEAD[3:]])
    outcome = post_suggestions(GitHub("test-token", fake.url), REPO, 7, SHA, [fix])
    assert not outcome.posted and outcome.error is not None and "\n" not in outcome.error
    assert "pull-requests: write" in outcome.error and "patch file" in outcome.error


def test_a_removed_line_that_looks_like_a_file_header(fake: FakeGitHub) -> None:
    before = ["-- create the table\n", "select 1;\n", "-- done\n"]
    after = ["select 1;\n", "-- done\n"]
    patch = _hunks_only(unified_diff([FileEdit("q.sql", None, _text(before))]))
    add_pull(fake, FakePull("o", "r", 8, [{"filename": "q.sql", "status": "added", "patch": patch}]))
    fix = SuggestedFix("sql", "drop the comment", unified_diff([FileEdit("q.sql", _text(before), _text(after))]))
    assert "\n--- create the table\n" in fix.diff
    outcome = post_suggestions(GitHub("test-token", fake.url), REPO, 8, SHA, [fix])
    (comment,) = fake.asked_for("POST", "/repos/o/r/pulls/8/reviews")[0].json()["comments"]
    assert outcome.suggestions == 1 and comment["line"] == 1 and comment["body"].endswith("```suggestion\n```")


def test_lines_that_moved_under_the_fix_go_to_the_body(fake: FakeGitHub) -> None:
    """A merge commit checked out: the base added lines above, so the fix's line numbers are not the head's."""
    _pull(fake)
    merged = ["# added on the base branch\n", "# and another line\n", *HEAD]
    fix = _fix("shifted", [*merged[:4], "import sys\n", *merged[5:]], before=merged)
    outcome = post_suggestions(GitHub("test-token", fake.url), REPO, 7, SHA, [fix])
    assert (outcome.suggestions, outcome.in_body) == (0, 1)
    sent = fake.asked_for("POST", "/repos/o/r/pulls/7/reviews")[0].json()
    assert "comments" not in sent and "+import sys" in sent["body"]
