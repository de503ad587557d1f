"""`healer ci --new-only` and `block = "new"` across the CI job and the fix loop: only new findings are fixed,
annotated as errors and fail; the others are notices, `unchanged` in SARIF, and no reason to exit 1."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_new_only import LEGACY, LINT, adopted  # noqa: F401 (the fixture)
from tests.conftest import Repo, RunHealer


def job_env(repo: Repo, tmp_path: Path) -> dict[str, str]:
    return {
        "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "o/r", "GITHUB_SHA": repo.git("rev-parse", "HEAD").strip(),
        "GITHUB_REF_NAME": "feature", "GITHUB_EVENT_NAME": "push", "RUNNER_TEMP": str(tmp_path),
    }  # fmt: skip


def test_ci_fixes_and_fails_on_the_new_finding_only(adopted: Repo, healer: RunHealer, tmp_path: Path) -> None:  # noqa: F811
    adopted.write("feature.py", "import os\n\nprint('feature')\n")
    adopted.commit("a new finding")
    sarif = tmp_path / "out.sarif"
    done = healer(
        "ci", "--new-only", "--fix", "--offline", "--json", "--sarif", str(sarif), env=job_env(adopted, tmp_path)
    )
    assert done.code == 1, done.err
    document = json.loads(done.out)
    fixed = {path for one in document["fixes"]["rounds"] for c in one["patches"] for path in c["files"]}
    assert fixed == {"feature.py"}  # the 300 pre-existing findings of legacy.py are not fixed
    assert document["patch"]["fixes"] and document["with_fixes"] == "failed"  # legacy.py's findings remain
    marks = [d["new"] for s in document["run"]["stages"] for d in s["diagnostics"]]
    assert marks.count(True) == 1 and marks.count(False) == 300
    errors = [line for line in done.err.splitlines() if line.startswith("::error ")]
    notices = [line for line in done.err.splitlines() if line.startswith("::notice ") and "(pre-existing)" in line]
    assert len(errors) == 1 and "feature.py" in errors[0] and len(notices) == 300
    states = [r["baselineState"] for run in json.loads(sarif.read_text())["runs"] for r in run["results"]]
    assert states.count("new") == 1 and states.count("unchanged") == 300


def test_only_pre_existing_findings_pass_the_job_and_the_fix_loop(
    adopted: Repo,  # noqa: F811 (the fixture)
    healer: RunHealer,
    tmp_path: Path,
) -> None:
    adopted.write("ok.py", "print('fine')\n")
    adopted.commit("nothing new")
    assert healer("ci", "--new-only", env=job_env(adopted, tmp_path)).code == 0
    adopted.config('block = "new"\n' + LINT)
    done = healer("fix", "--offline", "--json")
    assert done.code == 0, done.err  # failures remain, all of them pre-existing
    assert all(not one["patches"] for one in json.loads(done.out)["rounds"])
