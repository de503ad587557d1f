"""`.pre-commit-hooks.yaml`: valid for the framework, and healer runs through it from a local checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import Repo

ROOT = Path(__file__).resolve().parents[2]
PRE_COMMIT = shutil.which("pre-commit", path=os.path.dirname(sys.executable))
needs_pre_commit = pytest.mark.skipif(
    PRE_COMMIT is None, reason="pre-commit is not installed beside the test interpreter"
)
RUN_SECONDS = 900
"""Per framework run. The first one pip-installs healer and its dependencies into a fresh environment: about
25 s on an idle 2-core machine, 440 s when it is under heavy load."""


@needs_pre_commit
def test_manifest_is_valid() -> None:
    assert PRE_COMMIT is not None
    done = subprocess.run(
        [PRE_COMMIT, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


@needs_pre_commit
@pytest.mark.skipif(
    os.environ.get("HEALER_OFFLINE_TESTS") == "1",
    reason="pip-installs healer and its dependencies from the package index (about 40 s)",
)
@pytest.mark.timeout(RUN_SECONDS + 300)  # pyproject's 300 s would end the install before its own limit does
def test_both_hooks_run_through_the_framework_from_a_local_checkout(repo: Repo, tmp_path: Path) -> None:
    assert PRE_COMMIT is not None
    # The checkout as it is now (tracked and untracked, not ignored), committed in a scratch repository:
    # the framework clones a repository at a commit, and try-repo only carries tracked changes.
    source = tmp_path / "healer-src"
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        target = source / os.fsdecode(name)
        if (ROOT / os.fsdecode(name)).is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / os.fsdecode(name), target)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        subprocess.run(["git", *args], cwd=source, check=True, capture_output=True)
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, capture_output=True, text=True).stdout.strip()
    repo.config('[stages.words]\nrun = ["sh", "-c", "! grep -q forbidden app.txt"]\n')
    # One config with both hooks: the framework installs healer's environment once and reuses it.
    repo.write(
        ".pre-commit-config.yaml",
        f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n      - id: healer\n      - id: healer-pre-push\n",
    )
    repo.write("app.txt", "fine\n")
    repo.commit("start")
    repo.write("app.txt", "forbidden\n")
    repo.git("add", "app.txt")  # the framework's pre-commit stage: healer checks what is staged
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PIP_CACHE_DIR": os.environ.get("HEALER_PIP_CACHE", str(Path.home() / "pip-cache")),
    }

    def framework(*args: str) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        done = subprocess.run(
            [PRE_COMMIT, "run", *args], cwd=repo.path, capture_output=True, text=True, env=env, timeout=RUN_SECONDS
        )
        print(f"pre-commit run {' '.join(args)} took {time.monotonic() - started:.1f} s")
        return done

    committed = framework("healer")
    assert committed.returncode == 1, committed.stdout + committed.stderr
    assert "healer" in committed.stdout and "Failed" in committed.stdout
    # The pre-push stage: the refs arrive as PRE_COMMIT_FROM_REF/TO_REF, and the pushed commit's
    # content is what counts, not a fix that is only staged.
    repo.git("commit", "-q", "--no-verify", "-m", "forbidden word committed")
    base = repo.git("rev-parse", "HEAD~1").strip()
    head = repo.git("rev-parse", "HEAD").strip()
    repo.write("app.txt", "fine again\n")
    repo.git("add", "app.txt")
    pushed = framework("healer-pre-push", "--hook-stage", "pre-push", "--from-ref", base, "--to-ref", head)
    assert pushed.returncode == 1, pushed.stdout + pushed.stderr
    assert "push blocked" in pushed.stdout
    clean = framework("healer-pre-push", "--hook-stage", "pre-push", "--from-ref", base, "--to-ref", base)
    assert clean.returncode == 0, clean.stdout + clean.stderr
