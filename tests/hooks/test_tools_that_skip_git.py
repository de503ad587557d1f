"""Tools that skip what lies under `.git/` still check healer's copies: the staged content, and verification.

black, isort (silently), ruff's excludes, prettier and eslint skip every file
whose path has a `.git` component. healer's copies used to live in
`.git/healer/`, where such a tool found nothing, passed, and let a broken
commit through. Each case here stages a breakage while the working tree holds
the fix (so the check must run in the shadow copy) and expects the commit to
be blocked.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from healer.config.load import load_config
from healer.patch.patch import FileEdit, Patch
from healer.pipeline.runner import RunOptions, run_pipeline
from healer.snapshot.tree import tree_manifest
from healer.verify.sandbox import Sandboxes, worktree_tree
from healer.verify.verdict import Baseline, verify

from ..conftest import Repo, RunHealer

# A checker in the manner of prettier's and eslint's ignores: anything whose path has a .git component is skipped.
SKIPS_GIT = """\
import os, sys
bad = []
for folder, dirs, files in os.walk(os.getcwd()):
    if ".git" in os.path.abspath(folder).split(os.sep):
        continue
    dirs[:] = [d for d in dirs if d != ".git"]
    bad += [os.path.join(folder, f) for f in files if f.endswith(".py") and "BAD" in open(os.path.join(folder, f)).read()]
print("\\n".join(bad) or "no file says BAD")
sys.exit(1 if bad else 0)
"""

CASES = {
    "black": ("black --check --diff .", "x = [1,2]\n", "x = [1, 2]\n"),
    "ruff-format": ("ruff format --check --no-cache .", "x = [1,2]\n", "x = [1, 2]\n"),
    "isort": (
        "isort --check-only --diff .",
        "import sys\nimport os\n\nprint(os, sys)\n",
        "import os\nimport sys\n\nprint(os, sys)\n",
    ),
    "flake8": ("flake8 .", "import os\n", "x = 1\n"),
    "skips-git": (f"{sys.executable} skips_git.py", "x = 'BAD'\n", "x = 'good'\n"),
}


def project(repo: Repo, name: str) -> tuple[str, str]:
    command, bad, good = CASES[name]
    repo.config(f'[stages.check]\nrun = "{command}"\ninputs = ["*.py"]\n')
    repo.write("skips_git.py", SKIPS_GIT)
    repo.write(".gitignore", ".ruff_cache/\n__pycache__/\n")
    repo.write("app.py", good)
    repo.commit("start")
    return bad, good


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_staged_breakage_is_caught_by_a_tool_that_skips_git(repo: Repo, healer: RunHealer, name: str) -> None:
    bad, good = project(repo, name)
    repo.write("app.py", bad)
    repo.git("add", "app.py")
    repo.write("app.py", good)  # the fix, not staged: the check runs in the shadow copy of what is staged
    done = healer("hook", "pre-commit", "--json")
    assert done.code == 1, done.out + done.err
    [stage] = json.loads(done.out)["stages"]
    assert stage["status"] == "failed", stage


@pytest.mark.parametrize("name", ["black", "isort", "skips-git"])
def test_verification_in_a_copy_sees_the_files(repo: Repo, name: str) -> None:
    """A candidate that leaves the breakage fails verification; in `.git/healer/` it would have passed."""
    bad, _ = project(repo, name)
    repo.write("app.py", bad)
    state = repo.path / ".git" / "healer"
    config = load_config(repo.path)
    run = run_pipeline(config, repo.path, options=RunOptions(use_cache=False))
    assert run.stages[0].status == "failed"
    tree = worktree_tree(repo.path, state)
    baseline = Baseline(run, config, tree_manifest(repo.path, tree, repo.path).known, RunOptions(use_cache=False))
    unrelated = Patch("add a file", (FileEdit("notes.txt", None, b"notes\n"),), "rule", "t", "safe", 1.0, "check",
                      tuple(d.fingerprint for d in run.diagnostics))  # fmt: skip
    verdict = verify(unrelated, baseline, Sandboxes(repo.path, state, tree))
    assert verdict.status == "failed", verdict


def test_copies_live_outside_the_repository(repo: Repo, healer: RunHealer) -> None:
    from healer.snapshot.copies import cache_root, copies_of

    project(repo, "black")
    repo.write("app.py", CASES["black"][1])
    repo.git("add", "app.py")
    repo.write("app.py", CASES["black"][2])
    assert healer("hook", "pre-commit").code == 1
    folder = copies_of(repo.path, repo.path / ".git" / "healer")
    assert (folder / "shadow" / "app.py").read_text() == CASES["black"][1]
    assert cache_root() in folder.parents and repo.path not in folder.parents
    assert not (repo.path / ".git" / "healer" / "shadow").exists()
    assert not any(part == ".git" for part in Path(folder).parts)
