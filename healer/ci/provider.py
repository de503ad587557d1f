"""Which CI system runs healer, and what it says about the job: one small interface, GitHub Actions first.

A provider reads only the environment and the files the CI system points at
(GitHub's event payload); it never asks the network. GitLab CI can follow as
one more `Provider` in `PROVIDERS` (CI_SERVER_URL, CI_MERGE_REQUEST_IID, ...).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from healer.github.api import DEFAULT_API
from healer.github.repository import Repo, parse_slug


@dataclass(frozen=True)
class CiJob:
    """What the CI system says about the job healer runs in (every field may be unknown)."""

    provider: str
    """"github", or "local" outside any known CI system."""
    repo: Repo | None = None
    sha: str | None = None
    branch: str | None = None
    """The branch the job checked out (for a pull request, its head branch)."""
    event: str | None = None
    pull: int | None = None
    pull_head_sha: str | None = None
    base_sha: str | None = None
    """A pull request's base (the event's pull_request.base.sha): its findings are pre-existing with --new-only."""
    fork: bool = False
    """The pull request comes from another repository: its token may only read."""
    server_url: str = "https://github.com"
    api_url: str = DEFAULT_API
    run_url: str | None = None
    summary_path: Path | None = None

    @property
    def commit(self) -> str | None:
        """The commit the pipeline checks: a pull request's head, else the job's commit."""
        return self.pull_head_sha or self.sha


class Provider(Protocol):
    name: str

    def detect(self, environ: Mapping[str, str]) -> CiJob | None:
        """The job, or None when this provider's CI system does not run this process."""
        ...


def _event(environ: Mapping[str, str]) -> dict[str, object]:
    path = environ.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}  # the payload only adds facts; without it the job is still known
    return document if isinstance(document, dict) else {}


def _get(document: object, *keys: str) -> object:
    for key in keys:
        if not isinstance(document, dict):
            return None
        document = document.get(key)
    return document


class GitHubActions:
    name = "github"

    def detect(self, environ: Mapping[str, str]) -> CiJob | None:
        if environ.get("GITHUB_ACTIONS") != "true":
            return None
        event = _event(environ)
        pull = _get(event, "pull_request")
        number = _get(pull, "number")
        head_sha = _get(pull, "head", "sha")
        base_sha = _get(pull, "base", "sha")
        head_repo = _get(pull, "head", "repo", "full_name")
        base_repo = _get(pull, "base", "repo", "full_name")
        server = environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
        repo = parse_slug(environ.get("GITHUB_REPOSITORY", ""))
        run_id = environ.get("GITHUB_RUN_ID")
        summary = environ.get("GITHUB_STEP_SUMMARY")
        return CiJob(
            provider=self.name,
            repo=repo,
            sha=environ.get("GITHUB_SHA") or None,
            branch=environ.get("GITHUB_HEAD_REF") or environ.get("GITHUB_REF_NAME") or None,
            event=environ.get("GITHUB_EVENT_NAME") or None,
            pull=number if isinstance(number, int) else None,
            pull_head_sha=head_sha if isinstance(head_sha, str) else None,
            base_sha=base_sha if isinstance(base_sha, str) else None,
            fork=isinstance(head_repo, str) and isinstance(base_repo, str) and head_repo != base_repo,
            server_url=server,
            api_url=environ.get("GITHUB_API_URL", DEFAULT_API).rstrip("/"),
            run_url=f"{server}/{repo.slug}/actions/runs/{run_id}" if repo and run_id else None,
            summary_path=Path(summary) if summary else None,
        )


PROVIDERS: tuple[Provider, ...] = (GitHubActions(),)


def detect_job(environ: Mapping[str, str]) -> CiJob:
    """The CI job this process runs in; outside every known CI system a "local" job that knows nothing."""
    for provider in PROVIDERS:
        job = provider.detect(environ)
        if job is not None:
            return job
    return CiJob(provider="local", repo=parse_slug(environ.get("GITHUB_REPOSITORY", "")))
