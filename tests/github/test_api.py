"""The REST client against the fake API: tokens only to the API's host, pagination, one-line errors."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from healer.github.api import GitHub, GitHubError
from healer.github.repository import find_repo, parse_remote
from healer.github.token import find_token
from tests.github.fake_github import Answer, fake_github, paginated


def test_pages_follow_link_headers() -> None:
    with fake_github() as fake:
        items = [{"id": n} for n in range(250)]
        fake.route("GET", r"/repos/o/r/things", lambda asked, _m: paginated(items, asked, fake.url, key="things"))
        client = GitHub("test-token", fake.url)
        got = list(client.pages("repos/o/r/things", what="things", key="things"))
        assert [item["id"] for item in got] == list(range(250))
        assert len(fake.asked_for("GET", "/repos/o/r/things")) == 3
        assert len(list(client.pages("repos/o/r/things", what="things", key="things", limit=120))) == 120


def test_redirect_to_another_host_drops_the_token() -> None:
    with fake_github() as fake:
        blob = f"{fake.url.replace('127.0.0.1', 'localhost')}/blob/log.txt"
        fake.route("GET", r"/repos/o/r/actions/jobs/1/logs", lambda _a, _m: Answer(302, None, {"location": blob}))
        fake.route("GET", r"/blob/log.txt", lambda _a, _m: Answer(200, raw=b"hello\n"))
        assert GitHub("test-token", fake.url).get_bytes("repos/o/r/actions/jobs/1/logs", what="the log") == b"hello\n"
        blob_request = fake.asked_for("GET", "/blob/")[0]
        assert "authorization" not in blob_request.headers


@pytest.mark.parametrize(
    ("status", "headers", "words"),
    [
        (401, {}, "refused the token"),
        (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1893456000"}, "rate limit is used up"),
        (403, {"x-accepted-github-permissions": "actions=read"}, "may not read the run (nope); it needs actions=read"),
        (404, {}, "has no the run"),
        (410, {}, "no longer has"),
        (500, {}, "answered 500"),
    ],
)
def test_refusals_are_one_line_without_the_token(status: int, headers: dict[str, str], words: str) -> None:
    with fake_github() as fake:
        fake.route("GET", r"/x", lambda _a, _m: Answer(status, {"message": "nope"}, headers))
        with pytest.raises(GitHubError) as caught:
            GitHub("test-token", fake.url).get("x", what="the run")
        text = str(caught.value)
        assert words in text and "\n" not in text and "test-token" not in text
        assert caught.value.status == status


def test_wrong_token_and_unreachable_server() -> None:
    with fake_github() as fake:
        with pytest.raises(GitHubError, match="refused the token"):
            GitHub("other", fake.url).get("x", what="x")
        fake.rate_remaining = 0
        with pytest.raises(GitHubError, match="rate limit"):
            GitHub("test-token", fake.url).get("x", what="x")
        dead = fake.url
    with pytest.raises(GitHubError, match=r"cannot reach 127\.0\.0\.1"):
        GitHub("test-token", dead, timeout=2).get("x", what="the runs")


def test_token_sources(tmp_path: Path) -> None:
    assert find_token({"GITHUB_TOKEN": "a", "GH_TOKEN": "b"}).value == "a"  # type: ignore[union-attr]
    assert find_token({"GH_TOKEN": "b"}).source == "GH_TOKEN"  # type: ignore[union-attr]
    assert find_token({"PATH": str(tmp_path)}) is None
    gh = tmp_path / "gh"
    gh.write_text('#!/bin/sh\n[ "$1 $2" = "auth token" ] && echo from-gh\n')
    gh.chmod(gh.stat().st_mode | stat.S_IEXEC)
    found = find_token({"PATH": f"{tmp_path}{os.pathsep}/usr/bin:/bin"})
    assert found is not None and found.value == "from-gh" and found.source == "gh auth token"
    assert "from-gh" not in repr(found)


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/psf/black.git",
        "git@github.com:psf/black.git",
        "ssh://git@github.com/psf/black",
        "https://user" + ":" + "x" * 12 + "@github.example.com/psf/black/",
    ],
)
def test_remote_urls(url: str) -> None:
    found = parse_remote(url)
    assert found is not None and found.slug == "psf/black"


def test_repository_from_the_environment_first() -> None:
    assert find_repo({"GITHUB_REPOSITORY": "a/b"}, "git@github.com:c/d.git").slug == "a/b"
    assert find_repo({}, "git@github.com:c/d.git").slug == "c/d"
    with pytest.raises(Exception, match="no remote"):
        find_repo({}, None)
