"""Workflow runs, their jobs and their logs, as GitHub's REST API serves them.

Endpoints (REST API 2022-11-28): GET /repos/{o}/{r}/actions/runs (?branch, ?head_sha, ?status),
/actions/runs/{id} and /actions/runs/{id}/attempts/{n}, their /jobs (`jobs`; ?filter=latest),
/actions/jobs/{id}/logs (a redirect to the plain text) and /actions/runs/{id}/logs (a redirect to
a zip: one `N_<job name>.txt` per job at its top, and a folder per job that may hold one
`N_<step name>.txt` per step and a `system.txt`; a job's `/` is `_` in those names).
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from healer.errors import HealerError
from healer.github.api import DEFAULT_API, GitHub, GitHubError
from healer.github.logs import LogStep, decode, parse_job_log, parse_step_log
from healer.github.repository import Repo, find_repo
from healer.github.token import NO_TOKEN, find_token
from healer.snapshot.git import git

FAILED = frozenset({"failure", "timed_out", "startup_failure"})
"""The conclusions of a job or step that failed (not cancelled, not skipped)."""
MAX_ZIP_BYTES = 256 * 1024 * 1024
"""A job's file in the logs zip larger than this is read only in part (healer.github.logs bounds it)."""
SEARCHED_RUNS = 100
"""How many of the newest runs are looked through for a failed one."""

_RUN_URL = re.compile(
    r"^https?://[^/]+/(?P<owner>[^/]+)/(?P<name>[^/]+)/actions/runs/(?P<id>\d+)"
    r"(?:/job/(?P<job>\d+))?(?:/attempts/(?P<attempt>\d+))?/?(?:[?#].*)?$"
)


@dataclass(frozen=True)
class RunRef:
    """Which run a user named: its id, and the job and attempt a URL may add."""

    run_id: int
    job_id: int | None = None
    attempt: int | None = None


@dataclass(frozen=True)
class Step:
    number: int
    name: str
    status: str
    conclusion: str | None


@dataclass(frozen=True)
class Job:
    id: int
    name: str
    status: str
    conclusion: str | None
    url: str
    steps: tuple[Step, ...] = ()
    started_at: str | None = None
    completed_at: str | None = None

    @property
    def failed(self) -> bool:
        return self.conclusion in FAILED

    @property
    def failed_steps(self) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.conclusion in FAILED)


@dataclass(frozen=True)
class WorkflowRun:
    id: int
    workflow: str
    title: str
    event: str
    status: str
    conclusion: str | None
    head_sha: str
    head_branch: str | None
    url: str
    attempt: int = 1
    started_at: str | None = None
    updated_at: str | None = None

    @property
    def finished(self) -> bool:
        return self.status == "completed"

    @property
    def failed(self) -> bool:
        return self.conclusion in FAILED

    @property
    def duration(self) -> float | None:
        """Seconds from its start to its last update (for a finished run: its end), when both are known."""
        began, ended = _when(self.started_at), _when(self.updated_at)
        return None if began is None or ended is None else max(0.0, ended - began)


@dataclass(frozen=True)
class RateLimit:
    remaining: int
    limit: int | None
    reset: int | None
    """When it resets, as seconds since the epoch."""

    def describe(self) -> str:
        of = f" of {self.limit}" if self.limit is not None else ""
        reset = f", resets at {time.strftime('%H:%M', time.localtime(self.reset))}" if self.reset else ""
        return f"GitHub API: {self.remaining}{of} requests left{reset}"


@dataclass(frozen=True)
class JobLog:
    """One job's log, split into steps; `source`: "job log" (plain text) or "run logs zip"."""

    job: Job
    steps: list[LogStep] = field(default_factory=list)
    source: str = "job log"
    text: str = ""


@dataclass(frozen=True)
class Connection:
    client: GitHub
    repo: Repo
    token_source: str


# -- where and who ---------------------------------------------------------------------------------


def remote_url(root: Path) -> str | None:
    """The URL of the clone's `origin` (else of its first remote), or None when it has none."""

    def ask(*args: str) -> str | None:
        out = git(args, root, check=False).decode("utf-8", "replace").strip()
        return out or None

    found = ask("remote", "get-url", "origin")
    if found is None:
        names = (ask("remote") or "").split()
        found = ask("remote", "get-url", names[0]) if names else None
    return found


def connect(root: Path, environ: Mapping[str, str]) -> Connection:
    """The API (GITHUB_API_URL, else github.com's) with the user's token, and the clone's repository;
    one line when there is no token or no GitHub repository."""
    token = find_token(environ)
    if token is None:
        raise HealerError(NO_TOKEN)
    repo = find_repo(environ, remote_url(root))
    api = environ.get("GITHUB_API_URL", "").strip() or DEFAULT_API
    return Connection(GitHub(token.value, api), repo, token.source)


def parse_run(text: str, repo: Repo) -> RunRef:
    """A run id (`123`) or a run's URL (`https://github.com/o/r/actions/runs/123[/job/456][/attempts/2]`);
    a URL of another repository than `repo` is refused in one line."""
    value = text.strip()
    if value.isdigit():
        return RunRef(int(value))
    match = _RUN_URL.match(value)
    if match is None:
        raise HealerError(
            f"{text!r} is not a workflow run: give its id (123) or its URL "
            "(https://github.com/OWNER/NAME/actions/runs/123)"
        )
    slug = f"{match['owner']}/{match['name']}"
    if slug.lower() != repo.slug.lower():
        raise HealerError(
            f"run {match['id']} is of {slug}, and this clone is of {repo.slug}: its stages cannot rerun it"
        )
    return RunRef(
        int(match["id"]),
        int(match["job"]) if match["job"] else None,
        int(match["attempt"]) if match["attempt"] else None,
    )


# -- runs ------------------------------------------------------------------------------------------------


def list_runs(
    client: GitHub,
    repo: Repo,
    *,
    branch: str | None = None,
    head_sha: str | None = None,
    status: str | None = None,
    limit: int = 10,
) -> tuple[list[WorkflowRun], RateLimit | None]:
    """The newest runs first (of a branch, a commit, with a status), with the rate limit the answer told."""
    params: dict[str, object] = {"per_page": max(1, min(limit, 100))}
    if branch:
        params["branch"] = branch
    if head_sha:
        params["head_sha"] = head_sha
    if status:
        params["status"] = status
    answer = client.request("GET", repo.path("actions/runs"), what=f"the workflow runs of {repo.slug}", params=params)
    document = answer.json()
    items = document.get("workflow_runs") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise GitHubError(f"GitHub's answer for the workflow runs of {repo.slug} holds no list")
    return [_run(item) for item in items[:limit] if isinstance(item, dict)], rate_limit(answer.headers)


def latest_failed(client: GitHub, repo: Repo, *, branch: str | None, head_sha: str | None) -> WorkflowRun | None:
    """The newest failed run of the branch (or the commit), or None when none of the newest runs failed."""
    runs, _ = list_runs(client, repo, branch=branch, head_sha=head_sha, status="failure", limit=SEARCHED_RUNS)
    return next((run for run in runs if run.failed), None)


def get_run(client: GitHub, repo: Repo, ref: RunRef) -> WorkflowRun:
    path = f"actions/runs/{ref.run_id}" + (f"/attempts/{ref.attempt}" if ref.attempt else "")
    attempt = f" (attempt {ref.attempt})" if ref.attempt else ""
    document = client.get(repo.path(path), what=f"workflow run {ref.run_id}{attempt} of {repo.slug}")
    if not isinstance(document, dict):
        raise GitHubError(f"GitHub's answer for workflow run {ref.run_id} is not a run")
    return _run(document)


def require_finished(run: WorkflowRun) -> None:
    """One line for a run that has not finished: its jobs' logs are not there to read yet."""
    if not run.finished:
        raise HealerError(
            f"run {run.id} ({run.workflow}) is still {run.status.replace('_', ' ')}: pull it once it has finished "
            "(`healer ci status` shows where it is)"
        )


def jobs(client: GitHub, repo: Repo, run: WorkflowRun, *, attempt: int | None = None) -> list[Job]:
    """The run's jobs (of its latest attempt, or of `attempt`)."""
    if attempt:
        path, params = f"actions/runs/{run.id}/attempts/{attempt}/jobs", None
    else:
        path, params = f"actions/runs/{run.id}/jobs", {"filter": "latest"}
    items = client.pages(repo.path(path), what=f"the jobs of run {run.id}", key="jobs", params=params, limit=500)
    return [_job(item) for item in items if isinstance(item, dict)]


# -- logs --------------------------------------------------------------------------------------------------


def job_logs(client: GitHub, repo: Repo, run: WorkflowRun, wanted: Sequence[Job]) -> list[JobLog]:
    """The logs of `wanted` jobs: each job's plain-text log, or, when GitHub has none for a job (404), the
    run's logs zip once; logs that expired (410, or neither found) are said in one line."""
    found: list[JobLog] = []
    missing: list[Job] = []
    for job in wanted:
        try:
            data = client.get_bytes(repo.path(f"actions/jobs/{job.id}/logs"), what=f"the log of job {job.name!r}")
        except GitHubError as error:
            if error.status == 410:
                raise _expired(run) from None
            if error.status != 404:
                raise
            missing.append(job)
            continue
        text = decode(data)
        found.append(JobLog(job, parse_job_log(text), "job log", text))
    if missing:
        found += _from_zip(client, repo, run, missing)
    order = {job.id: index for index, job in enumerate(wanted)}
    return sorted(found, key=lambda log: order[log.job.id])


def _from_zip(client: GitHub, repo: Repo, run: WorkflowRun, wanted: Sequence[Job]) -> list[JobLog]:
    path = f"actions/runs/{run.id}" + (f"/attempts/{run.attempt}" if run.attempt > 1 else "") + "/logs"
    try:
        data = client.get_bytes(repo.path(path), what=f"the logs of run {run.id}")
    except GitHubError as error:
        if error.status in (404, 410):
            raise _expired(run) from None
        raise
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise HealerError(f"the logs GitHub sent for run {run.id} are not a zip archive") from None
    with archive:
        return [_job_from_zip(archive, job) for job in wanted]


def _job_from_zip(archive: zipfile.ZipFile, job: Job) -> JobLog:
    wanted = _zip_name(job.name)
    top: str | None = None
    steps: dict[int, str] = {}
    for info in archive.infolist():
        if info.is_dir():
            continue
        folder, _, base = info.filename.rpartition("/")
        digits, _, rest = base.partition("_")
        if not digits.isdigit() or not rest.endswith(".txt"):
            continue
        if not folder and _zip_name(rest[: -len(".txt")]) == wanted:
            top = info.filename
        elif folder and _zip_name(folder) == wanted:
            steps[int(digits)] = info.filename
    if top is not None:
        text = decode(_read(archive, top))
        return JobLog(job, parse_job_log(text), "run logs zip", text)
    if steps:
        names = {step.number: step.name for step in job.steps}
        parsed = []
        texts = []
        for number in sorted(steps):
            base = steps[number].rpartition("/")[2]
            text = decode(_read(archive, steps[number]))
            texts.append(text)
            name = names.get(number) or base.partition("_")[2][: -len(".txt")]
            parsed.append(parse_step_log(text, number=number, name=name))
        return JobLog(job, parsed, "run logs zip", "\n".join(texts))
    raise HealerError(f"the logs zip of the run holds no log of job {job.name!r}")


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as handle:
        return handle.read(MAX_ZIP_BYTES)


def _zip_name(name: str) -> str:
    # The zip writes a job's `/` (a called workflow's jobs: "caller / job") as `_`, and may drop characters a
    # file name cannot hold; compared on letters and digits only, the names still tell the jobs apart.
    return re.sub(r"[\W_]+", "", name.replace("/", "_")).lower()


def _expired(run: WorkflowRun) -> HealerError:
    return HealerError(
        f"the logs of run {run.id} are gone: GitHub keeps them for the repository's retention period (90 days "
        "by default); rerun the workflow to get new ones"
    )


# -- plain data from GitHub's documents --------------------------------------------------------------------


def rate_limit(headers: Mapping[str, str]) -> RateLimit | None:
    remaining = headers.get("x-ratelimit-remaining", "")
    if not remaining.isdigit():
        return None
    limit, reset = headers.get("x-ratelimit-limit", ""), headers.get("x-ratelimit-reset", "")
    return RateLimit(int(remaining), int(limit) if limit.isdigit() else None, int(reset) if reset.isdigit() else None)


def _run(item: dict[str, Any]) -> WorkflowRun:
    return WorkflowRun(
        id=int(item.get("id") or 0),
        workflow=str(item.get("name") or item.get("path") or "workflow"),
        title=str(item.get("display_title") or ""),
        event=str(item.get("event") or ""),
        status=str(item.get("status") or ""),
        conclusion=item.get("conclusion") if isinstance(item.get("conclusion"), str) else None,
        head_sha=str(item.get("head_sha") or ""),
        head_branch=item.get("head_branch") if isinstance(item.get("head_branch"), str) else None,
        url=str(item.get("html_url") or ""),
        attempt=int(item.get("run_attempt") or 1),
        started_at=_text(item.get("run_started_at") or item.get("created_at")),
        updated_at=_text(item.get("updated_at")),
    )


def _job(item: dict[str, Any]) -> Job:
    listed = item.get("steps")
    steps = listed if isinstance(listed, list) else []
    return Job(
        id=int(item.get("id") or 0),
        name=str(item.get("name") or ""),
        status=str(item.get("status") or ""),
        conclusion=item.get("conclusion") if isinstance(item.get("conclusion"), str) else None,
        url=str(item.get("html_url") or ""),
        steps=tuple(_step(s) for s in steps if isinstance(s, dict)),
        started_at=_text(item.get("started_at")),
        completed_at=_text(item.get("completed_at")),
    )


def _step(item: dict[str, Any]) -> Step:
    conclusion = item.get("conclusion")
    return Step(
        int(item.get("number") or 0), str(item.get("name") or ""), str(item.get("status") or ""),
        conclusion if isinstance(conclusion, str) else None,
    )  # fmt: skip


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _when(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
