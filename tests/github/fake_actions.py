"""GitHub Actions' runs, jobs and logs on the fake API (tests/github/fake_github.py), as the REST API serves them.

Runs are listed newest first under `workflow_runs` and filtered by `branch`, `head_sha` and `status`
(`failure` is a conclusion there, as on GitHub); jobs are listed under `jobs`; a job's log and a run's
logs zip answer 302 with a `Location` on another host (`localhost` instead of `127.0.0.1`), where
they are served without the token, as blob storage serves them.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.github.fake_github import Answer, Asked, FakeGitHub, paginated

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "github_logs"
SHOP = "octo/shop"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def run_json(
    run_id: int, *, sha: str, conclusion: str | None = "failure", status: str = "completed", branch: str = "main",
    name: str = "CI", event: str = "push", attempt: int = 1, repo: str = SHOP,
) -> dict[str, Any]:  # fmt: skip
    return {
        "id": run_id, "name": name, "display_title": "Add the checkout page", "event": event, "status": status,
        "conclusion": conclusion, "head_sha": sha, "head_branch": branch, "run_attempt": attempt,
        "html_url": f"https://github.com/{repo}/actions/runs/{run_id}", "path": ".github/workflows/ci.yml",
        "run_started_at": "2024-05-14T09:12:00Z", "created_at": "2024-05-14T09:11:58Z",
        "updated_at": "2024-05-14T09:14:31Z", "jobs_url": f"https://api.github.com/repos/{repo}/actions/runs/{run_id}/jobs",
        "logs_url": f"https://api.github.com/repos/{repo}/actions/runs/{run_id}/logs",
    }  # fmt: skip


def job_json(
    job_id: int, name: str, steps: list[tuple[int, str, str]], *, conclusion: str | None = None, repo: str = SHOP,
    run_id: int = 1,
) -> dict[str, Any]:  # fmt: skip
    """A job whose steps are (number, name, conclusion); its conclusion is "failure" when a step failed."""
    failed = any(step[2] == "failure" for step in steps)
    return {
        "id": job_id, "run_id": run_id, "name": name, "status": "completed",
        "conclusion": conclusion or ("failure" if failed else "success"),
        "html_url": f"https://github.com/{repo}/actions/runs/{run_id}/job/{job_id}",
        "started_at": "2024-05-14T09:12:01Z", "completed_at": "2024-05-14T09:12:09Z",
        "steps": [
            {"name": step_name, "status": "completed", "conclusion": result, "number": number,
             "started_at": "2024-05-14T09:12:01Z", "completed_at": "2024-05-14T09:12:02Z"}
            for number, step_name, result in steps
        ],
    }  # fmt: skip


LINT_STEPS = [
    (1, "Set up job", "success"), (2, "Run actions/checkout@v4", "success"), (3, "Set up Python", "success"),
    (4, "Install", "success"), (5, "Lint", "failure"), (8, "Post Run actions/checkout@v4", "success"),
    (9, "Complete job", "success"),
]  # fmt: skip
TEST_STEPS = [
    (1, "Set up job", "success"), (2, "Run actions/checkout@v4", "success"), (3, "Set up Python", "success"),
    (4, "Install", "success"), (5, "Test", "failure"), (8, "Post Run actions/checkout@v4", "success"),
    (9, "Complete job", "success"),
]  # fmt: skip
LICENCE_STEPS = [
    (1, "Set up job", "success"), (2, "Run actions/checkout@v4", "success"), (3, "Set up Python", "success"),
    (4, "Licences", "failure"), (7, "Complete job", "success"),
]  # fmt: skip


def logs_zip(
    logs: dict[str, bytes], *, top: bool = True, steps: dict[str, list[tuple[int, str]]] | None = None
) -> bytes:
    """A run's logs zip as GitHub lays it out: `N_<job>.txt` at the top (with `top`), and a folder per job
    holding `system.txt` and, for the jobs in `steps`, one `N_<step>.txt` per step (the job's log cut at
    each `##[group]Run`); a job's `/` is `_` in those names."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (job, data) in enumerate(logs.items()):
            name = job.replace("/", "_")
            if top:
                archive.writestr(f"{index}_{name}.txt", data)
            archive.writestr(f"{name}/system.txt", b"2024-05-14T09:12:00.0000000Z Requested labels: ubuntu-latest\n")
            if steps and job in steps:
                pieces = re.split(rb"(?m)^(?=\S+Z ##\[group\]Run )", data)
                for (number, step_name), piece in zip(steps[job], pieces, strict=False):
                    archive.writestr(f"{name}/{number}_{step_name}.txt", piece)
    return buffer.getvalue()


@dataclass
class Actions:
    """The Actions endpoints of one repository; tests fill `runs`, `jobs`, `job_logs` and `run_logs` (bytes,
    or an HTTP status to answer instead)."""

    fake: FakeGitHub
    repo: str = SHOP
    runs: list[dict[str, Any]] = field(default_factory=list)
    jobs: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    job_logs: dict[int, bytes | int] = field(default_factory=dict)
    run_logs: dict[int, bytes | int] = field(default_factory=dict)

    def install(self) -> Actions:
        base = f"/repos/{self.repo}/actions"
        self.fake.route("GET", rf"{base}/runs", self._list)
        self.fake.route("GET", rf"{base}/runs/(\d+)", self._run)
        self.fake.route("GET", rf"{base}/runs/(\d+)/attempts/(\d+)", self._run)
        self.fake.route("GET", rf"{base}/runs/(\d+)/jobs", self._jobs)
        self.fake.route("GET", rf"{base}/runs/(\d+)/attempts/(\d+)/jobs", self._jobs)
        self.fake.route("GET", rf"{base}/jobs/(\d+)/logs", lambda a, m: self._redirect(self.job_logs, m, "jobs"))
        self.fake.route("GET", rf"{base}/runs/(\d+)/logs", lambda a, m: self._redirect(self.run_logs, m, "runs"))
        self.fake.route(
            "GET", rf"{base}/runs/(\d+)/attempts/\d+/logs", lambda a, m: self._redirect(self.run_logs, m, "runs")
        )
        self.fake.route("GET", r"/blob/(jobs|runs)/(\d+)", self._blob)
        return self

    def _list(self, asked: Asked, _match: re.Match[str]) -> Answer:
        found = [
            run for run in self.runs
            if asked.query.get("branch", run["head_branch"]) == run["head_branch"]
            and asked.query.get("head_sha", run["head_sha"]) == run["head_sha"]
            and asked.query.get("status") in (None, run["status"], run["conclusion"])
        ]  # fmt: skip
        answer = paginated(found, asked, self.fake.url, key="workflow_runs")
        answer.headers.update({"x-ratelimit-limit": "5000", "x-ratelimit-reset": "1893456000"})
        return answer

    def _run(self, _asked: Asked, match: re.Match[str]) -> Answer:
        run = next((run for run in self.runs if run["id"] == int(match[1])), None)
        return Answer(200, run) if run else Answer(404, {"message": "Not Found"})

    def _jobs(self, asked: Asked, match: re.Match[str]) -> Answer:
        if int(match[1]) not in self.jobs:
            return Answer(404, {"message": "Not Found"})
        return paginated(self.jobs[int(match[1])], asked, self.fake.url, key="jobs")

    def _redirect(self, table: dict[int, bytes | int], match: re.Match[str], kind: str) -> Answer:
        found = table.get(int(match[1]))
        if found is None:
            return Answer(404, {"message": "Not Found"})
        if isinstance(found, int):
            return Answer(found, {"message": "Gone" if found == 410 else "nope"})
        other_host = self.fake.url.replace("127.0.0.1", "localhost")
        return Answer(302, None, {"location": f"{other_host}/blob/{kind}/{match[1]}"})

    def _blob(self, asked: Asked, match: re.Match[str]) -> Answer:
        table = self.job_logs if match[1] == "jobs" else self.run_logs
        data = table[int(match[2])]
        assert "authorization" not in asked.headers, "a log download must not carry the token"
        assert isinstance(data, bytes)
        kind = "text/plain" if match[1] == "jobs" else "application/zip"
        return Answer(200, raw=data, headers={"content-type": kind})
