"""Routes of the fake GitHub API for a repository's issues, their comments and labels.

The issues list behaves as GitHub's: filtered by `labels` and `state`, paged
with `Link` headers, and holding pull requests too (with a `pull_request` key).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.github.fake_github import Answer, Asked, FakeGitHub, paginated


@dataclass
class FakeIssues:
    owner: str
    name: str
    issues: list[dict[str, Any]] = field(default_factory=list)
    comments: dict[int, list[str]] = field(default_factory=dict)
    labels: set[str] = field(default_factory=set)
    read_only: bool = False
    """A token without issues: write: every write is refused with 403."""
    labels_locked: bool = False
    """Labels cannot be created (422), as when an organisation's policy forbids it."""

    @property
    def base(self) -> str:
        return f"/repos/{self.owner}/{self.name}"

    def add(self, body: str, *, state: str = "open", labels: tuple[str, ...] = ("healer",), pull: bool = False) -> int:
        number = len(self.issues) + 1
        item: dict[str, Any] = {
            "number": number, "state": state, "title": f"issue {number}", "body": body,
            "labels": [{"name": label} for label in labels],
            "html_url": f"https://github.com/{self.owner}/{self.name}/issues/{number}",
        }  # fmt: skip
        if pull:
            item["pull_request"] = {"url": f"https://api.github.com{self.base}/pulls/{number}"}
        self.issues.append(item)
        return number

    def get(self, number: int) -> dict[str, Any]:
        return self.issues[number - 1]


def add_issues(fake: FakeGitHub, repo: FakeIssues) -> FakeIssues:
    refused = Answer(403, {"message": "Resource not accessible by integration"})

    def listing(asked: Asked, _match: re.Match[str]) -> Answer:
        state, label = asked.query.get("state", "open"), asked.query.get("labels")
        chosen = [
            item for item in repo.issues
            if (state == "all" or item["state"] == state)
            and (label is None or label in {entry["name"] for entry in item["labels"]})
        ]  # fmt: skip
        return paginated(chosen, asked, fake.url)

    def create(asked: Asked, _match: re.Match[str]) -> Answer:
        if repo.read_only:
            return refused
        body = asked.json()
        number = repo.add(body.get("body", ""), labels=tuple(body.get("labels", ())))
        repo.get(number)["title"] = body["title"]
        return Answer(201, repo.get(number))

    def edit(asked: Asked, match: re.Match[str]) -> Answer:
        if repo.read_only:
            return refused
        item = repo.get(int(match[1]))
        item.update({k: v for k, v in asked.json().items() if k in ("title", "body", "state", "state_reason")})
        return Answer(200, item)

    def comment(asked: Asked, match: re.Match[str]) -> Answer:
        if repo.read_only:
            return refused
        repo.comments.setdefault(int(match[1]), []).append(asked.json()["body"])
        return Answer(201, {"id": 1, "body": asked.json()["body"]})

    def label(_asked: Asked, match: re.Match[str]) -> Answer:
        if match[1] in repo.labels:
            return Answer(200, {"name": match[1]})
        return Answer(404, {"message": "Not Found"})

    def create_label(asked: Asked, _match: re.Match[str]) -> Answer:
        if repo.read_only:
            return refused
        if repo.labels_locked:
            return Answer(422, {"message": "Validation Failed"})
        repo.labels.add(asked.json()["name"])
        return Answer(201, asked.json())

    fake.route("GET", repo.base + "/issues", listing)
    fake.route("POST", repo.base + "/issues", create)
    fake.route("PATCH", repo.base + r"/issues/(\d+)", edit)
    fake.route("POST", repo.base + r"/issues/(\d+)/comments", comment)
    fake.route("GET", repo.base + r"/labels/([^/]+)", label)
    fake.route("POST", repo.base + "/labels", create_label)
    return repo
