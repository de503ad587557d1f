"""Routes of the fake GitHub API for one pull request: its files, its reviews and their line comments.

The review endpoint checks line comments as GitHub does: each must name a
file of the pull request and RIGHT-side lines inside one hunk of its diff, or
the whole review is refused with 422 "Line could not be resolved".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.github.fake_github import Answer, Asked, FakeGitHub, paginated

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)


@dataclass
class FakePull:
    owner: str
    name: str
    number: int
    files: list[dict[str, Any]]
    """As GET .../pulls/N/files lists them: filename, status, patch (hunks only, no file headers)."""
    reviews: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    read_only: bool = False
    """A fork's token: every write is refused with 403."""
    stale_lines: bool = False
    """Refuse every line comment (the pull request moved on under the review)."""

    @property
    def base(self) -> str:
        return f"/repos/{self.owner}/{self.name}/pulls/{self.number}"

    def ranges(self, path: str) -> list[tuple[int, int]]:
        for item in self.files:
            if item["filename"] == path and item.get("patch"):
                found = [(int(m[1]), int(m[2] or 1)) for m in _HUNK.finditer(item["patch"])]
                return [(start, start + length - 1) for start, length in found if length]
        return []

    def resolvable(self, comment: dict[str, Any]) -> bool:
        end = comment.get("line")
        start = comment.get("start_line", end)
        if comment.get("side", "RIGHT") != "RIGHT" or not isinstance(end, int) or not isinstance(start, int):
            return False
        return any(first <= start <= end <= last for first, last in self.ranges(str(comment.get("path"))))


def add_pull(fake: FakeGitHub, pull: FakePull) -> FakePull:
    def post_review(asked: Asked, _match: re.Match[str]) -> Answer:
        if pull.read_only:
            return Answer(403, {"message": "Resource not accessible by integration"})
        body = asked.json()
        comments = body.get("comments") or []
        if comments and (pull.stale_lines or not all(pull.resolvable(c) for c in comments)):
            return Answer(422, {"message": "Unprocessable Entity", "errors": ["Line could not be resolved"]})
        number = len(pull.reviews) + 1
        review = {
            "id": number, "body": body.get("body", ""), "commit_id": body.get("commit_id"), "state": "COMMENTED",
            "html_url": f"https://github.com/{pull.owner}/{pull.name}/pull/{pull.number}#pullrequestreview-{number}",
            "user": {"login": "github-actions[bot]"},
        }  # fmt: skip
        pull.reviews.append(review)
        for comment in comments:
            pull.comments.append({"id": len(pull.comments) + 1, "pull_request_review_id": number, **comment})
        return Answer(200, review)

    fake.route("GET", pull.base + "/files", lambda asked, _m: paginated(pull.files, asked, fake.url))
    fake.route("GET", pull.base + "/reviews", lambda asked, _m: paginated(pull.reviews, asked, fake.url))
    fake.route("GET", pull.base + "/comments", lambda asked, _m: paginated(pull.comments, asked, fake.url))
    fake.route("POST", pull.base + "/reviews", post_review)
    return pull
