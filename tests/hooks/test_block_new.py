"""The git hooks with `block = "new"`: a commit or push is stopped only by findings its base does not have."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import Repo, git

LINT = '[stages.lint]\nrun = "ruff check --no-cache --select F401 --output-format concise ."\nkind = "lint"\n'
LEGACY = "".join(f"import legacy_module_{i}\n" for i in range(300))


def hook(repo: Repo, name: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "healer", "hook", name, *args], cwd=repo.path, input=stdin,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def adopted(repo: Repo, tmp_path: Path) -> Repo:
    """main, pushed and its own upstream, has 300 lint findings; block = "new"."""
    repo.config('block = "new"\n' + LINT)
    repo.write("legacy.py", LEGACY)
    repo.commit("300 findings")
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    repo.git("remote", "add", "origin", str(bare))
    repo.git("push", "-q", "-u", "origin", "main")
    return repo


def test_pre_commit_blocks_only_a_new_finding(adopted: Repo) -> None:
    adopted.write("ok.py", "print('fine')\n")
    adopted.git("add", "ok.py")
    passing = hook(adopted, "pre-commit")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "lint: 0 new, 300 pre-existing (not blocking)" in passing.stdout
    adopted.git("commit", "-q", "-m", "fine")
    adopted.write("feature.py", "import os\n")
    adopted.git("add", "feature.py")
    blocked = hook(adopted, "pre-commit")
    assert blocked.returncode == 1
    assert "feature.py:1:8: `os` imported but unused [F401]" in blocked.stdout
    assert "legacy_module_" not in blocked.stdout
    assert "commit blocked: the staged changes fail lint with new findings" in blocked.stderr


def test_pre_commit_fixes_only_the_new_finding_and_lets_the_commit_go_on(adopted: Repo) -> None:
    adopted.config('block = "new"\n' + LINT + '[fix]\nhook_apply = "safe"\n')
    adopted.commit("apply safe fixes in the hook")
    adopted.git("push", "-q")
    adopted.write("feature.py", "import os\nprint('feature')\n")
    adopted.git("add", "feature.py")
    done = hook(adopted, "pre-commit")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "applied" in done.stderr
    assert (adopted.path / "feature.py").read_text() == "print('feature')\n"
    assert (adopted.path / "legacy.py").read_text() == LEGACY  # the pre-existing ones are not this commit's


def push_line(repo: Repo, branch: str = "main") -> str:
    sha = repo.git("rev-parse", branch).strip()
    remote = repo.git("rev-parse", f"refs/remotes/origin/{branch}").strip()
    return f"refs/heads/{branch} {sha} refs/heads/{branch} {remote}\n"


def test_pre_push_compares_with_what_the_remote_has(adopted: Repo) -> None:
    adopted.git("branch", "--unset-upstream")  # the remote's end of the ref is the base, not the upstream
    adopted.write("ok.py", "print('fine')\n")
    adopted.commit("fine")
    passing = hook(adopted, "pre-push", "origin", "url", stdin=push_line(adopted))
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "what origin has of main" in passing.stdout
    adopted.write("feature.py", "import os\n")
    adopted.commit("one more")
    blocked = hook(adopted, "pre-push", "origin", "url", stdin=push_line(adopted))
    assert blocked.returncode == 1
    assert "push blocked" in blocked.stderr and "fails lint with new findings" in blocked.stderr


def test_hook_json_marks_the_new_one(adopted: Repo) -> None:
    adopted.write("feature.py", "import os\n")
    adopted.git("add", "feature.py")
    done = hook(adopted, "pre-commit", "--json")
    document = json.loads(done.stdout)
    assert done.returncode == 1 and document["exit_code"] == 1
    assert [d["file"] for d in document["stages"][0]["diagnostics"] if d["new"]] == ["feature.py"]


PROBE = """
import sys
from healer.main import main
code = main(sys.argv[1:])
print(int("healer.pipeline.baseline" in sys.modules), file=sys.stderr)
"""


def baseline_loaded(repo: Repo, *args: str) -> bool:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=repo.path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "TERM": "dumb"},
    )  # fmt: skip
    return done.stderr.strip().splitlines()[-1] == "1"


def test_block_all_never_loads_the_comparison(repo: Repo) -> None:
    repo.config(LINT)
    repo.write("legacy.py", LEGACY)
    repo.git("add", "-A")
    assert not baseline_loaded(repo, "hook", "pre-commit")  # a blocked commit, block = "all"
    repo.config('block = "new"\n' + LINT)
    repo.commit("start")
    assert not baseline_loaded(repo, "hook", "pre-commit")  # block = "new", nothing staged: nothing to compare
