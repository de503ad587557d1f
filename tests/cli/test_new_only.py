"""`healer run --new-only [--base REF]`, `block = "new"` and `healer ci --new-only`: only new findings fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from ..conftest import Repo, RunHealer, git

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "run.schema.json").read_text())
LINT = '[stages.lint]\nrun = "ruff check --no-cache --select F401 --output-format concise ."\nkind = "lint"\n'
LEGACY = "".join(f"import legacy_module_{i}\n" for i in range(300))


@pytest.fixture
def adopted(repo: Repo, tmp_path: Path) -> Repo:
    """main, pushed and the upstream of `feature`, has 300 lint findings."""
    repo.config(LINT)
    repo.write("legacy.py", LEGACY)
    repo.commit("300 findings")
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    repo.git("remote", "add", "origin", str(bare))
    repo.git("push", "-q", "-u", "origin", "main")
    repo.git("checkout", "-q", "-b", "feature", "--track", "origin/main")
    return repo


def test_one_new_finding_fails_and_is_named(adopted: Repo, healer: RunHealer) -> None:
    adopted.write("feature.py", "import os\n")
    done = healer("run", "--new-only")
    assert done.code == 1, done.out + done.err
    assert "feature.py:1:8: `os` imported but unused [F401]" in done.out
    assert "legacy_module_" not in done.out  # the pre-existing ones are counted, not listed
    assert "lint: 1 new, 300 pre-existing (blocking)" in done.out
    assert "New failures: 1 new finding (lint); 300 pre-existing findings do not block" in done.out


def test_no_new_finding_passes(adopted: Repo, healer: RunHealer) -> None:
    adopted.write("ok.py", "print('fine')\n")
    done = healer("run", "--new-only")
    assert done.code == 0, done.out + done.err
    assert "lint: 0 new, 300 pre-existing (not blocking)" in done.out
    assert "No new failures: 300 pre-existing findings do not block" in done.out
    assert healer("run").code == 1  # without the option every finding blocks, as before


def test_block_new_in_the_configuration_is_the_same_as_the_option(adopted: Repo, healer: RunHealer) -> None:
    adopted.config('block = "new"\n' + LINT)
    assert healer("run").code == 0
    adopted.write("feature.py", "import os\n")
    assert healer("run").code == 1


def test_json_marks_each_diagnostic_and_says_which_base(adopted: Repo, healer: RunHealer) -> None:
    adopted.write("feature.py", "import os\n")
    done = healer("run", "--new-only", "--json")
    document = json.loads(done.out)
    jsonschema.validate(document, SCHEMA)
    assert done.code == 1 and document["exit_code"] == 1 and document["outcome"] == "failed"
    diagnostics = document["stages"][0]["diagnostics"]
    assert [d["file"] for d in diagnostics if d["new"]] == ["feature.py"]
    assert sum(not d["new"] for d in diagnostics) == 300
    baseline = document["baseline"]
    assert baseline["base"] == adopted.git("rev-parse", "origin/main").strip()
    assert baseline["source"] in ("cache", "checked") and baseline["reason"] is None and baseline["blocking"]
    assert baseline["stages"] == [{"name": "lint", "new": 1, "pre_existing": 300, "failure": None}]
    (adopted.path / "feature.py").unlink()
    passing = healer("run", "--new-only", "--json")
    document = json.loads(passing.out)
    jsonschema.validate(document, SCHEMA)
    assert passing.code == 0 and document["exit_code"] == 0 and not document["baseline"]["blocking"]
    assert document["baseline"]["source"] == "cache"  # the base was checked by the run before


def test_an_explicit_base(adopted: Repo, healer: RunHealer) -> None:
    adopted.write("feature.py", "import os\n")
    adopted.commit("one more")
    # Against HEAD itself the commit's own finding is pre-existing; against main it is new.
    assert healer("run", "--new-only", "--base", "HEAD").code == 0
    assert healer("run", "--new-only", "--base", "main").code == 1


def test_usage_errors_are_one_line_before_any_check(adopted: Repo, healer: RunHealer) -> None:
    missing = healer("run", "--new-only", "--base", "no-such-ref")
    assert missing.code == 2 and missing.err.strip() == "healer: --base no-such-ref: no such commit in this repository"
    alone = healer("run", "--base", "main")
    assert alone.code == 2 and "--base goes with --new-only" in alone.err and "lint" not in alone.out


def test_no_upstream_says_so_in_one_line_and_everything_blocks(repo: Repo, healer: RunHealer) -> None:
    repo.config(LINT)
    repo.write("legacy.py", LEGACY)
    repo.commit("the only commit")
    done = healer("run", "--new-only")
    assert done.code == 1
    said = [line for line in done.out.splitlines() if "no base to compare with" in line]
    assert len(said) == 1 and "no upstream" in said[0] and "every finding blocks" in said[0]
    as_json = healer("run", "--new-only", "--json")
    document = json.loads(as_json.out)
    jsonschema.validate(document, SCHEMA)
    assert as_json.code == 1 and document["baseline"]["base"] is None and document["baseline"]["reason"]
    assert all(d["new"] for d in document["stages"][0]["diagnostics"])
    assert as_json.err.count("no base to compare with") == 1


def event_file(tmp_path: Path, base_sha: str, head_sha: str) -> Path:
    path = tmp_path / "event.json"
    pull = {
        "number": 7,
        "head": {"sha": head_sha, "repo": {"full_name": "o/r"}},
        "base": {"sha": base_sha, "repo": {"full_name": "o/r"}},
    }
    path.write_text(json.dumps({"pull_request": pull}))
    return path


def ci(repo: Repo, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    base = repo.git("rev-parse", "main").strip()
    head = repo.git("rev-parse", "HEAD").strip()
    env = {
        **os.environ, "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_REPOSITORY": "o/r",
        "GITHUB_EVENT_PATH": str(event_file(tmp_path, base, head)), "GITHUB_SHA": head,
    }  # fmt: skip
    env.pop("GITHUB_STEP_SUMMARY", None)
    return subprocess.run(
        [sys.executable, "-m", "healer", "ci", *args], cwd=repo.path, env=env, capture_output=True, text=True,
        timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_ci_compares_a_pull_request_with_its_base(adopted: Repo, tmp_path: Path) -> None:
    adopted.git("checkout", "-q", "--detach")  # as actions/checkout leaves it: no upstream to fall back on
    adopted.write("ok.py", "print('fine')\n")
    adopted.commit("no new finding")
    passing = ci(adopted, tmp_path, "--new-only")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "healer ci: lint: 0 new, 300 pre-existing (not blocking)" in passing.stdout
    adopted.write("feature.py", "import os\n")
    adopted.commit("one more")
    failing = ci(adopted, tmp_path, "--new-only", "--json")
    assert failing.returncode == 1
    assert json.loads(failing.stdout)["exit_code"] == 1
    assert ci(adopted, tmp_path).returncode == 1  # without --new-only


def test_the_job_knows_a_pull_requests_base(tmp_path: Path) -> None:
    from healer.ci.provider import detect_job

    path = event_file(tmp_path, "b" * 40, "h" * 40)
    job = detect_job({"GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": str(path)})
    assert job.base_sha == "b" * 40 and job.pull_head_sha == "h" * 40
    assert detect_job({"GITHUB_ACTIONS": "true"}).base_sha is None


def test_fix_with_block_new_fixes_only_the_new_finding(adopted: Repo, healer: RunHealer) -> None:
    adopted.config('block = "new"\n' + LINT)
    adopted.write("feature.py", "import os\nprint('feature')\n")
    done = healer("fix", "--apply", "safe", "--offline")
    assert (adopted.path / "feature.py").read_text() == "print('feature')\n", done.out + done.err
    assert (adopted.path / "legacy.py").read_text() == LEGACY
