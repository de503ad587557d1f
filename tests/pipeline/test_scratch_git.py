"""A pre-commit stage runs in healer's copies too, in a throwaway repository that reaches nothing of the user's."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from healer.config.load import load_config
from healer.config.settings import Stage
from healer.patch.patch import FileEdit, Patch
from healer.pipeline.environment import InCopy
from healer.pipeline.hook_framework import needs_repository
from healer.pipeline.runner import RunOptions, run_pipeline
from healer.snapshot.tree import tree_manifest
from healer.verify.sandbox import Sandboxes, worktree_tree
from healer.verify.verdict import Baseline, verify
from tests.conftest import Repo

CHECKER = """\
import sys

bad = [name for name in sys.argv[1:] if "forbidden" in open(name).read()]
for name in bad:
    print(f"{name}:1: forbidden word")
sys.exit(1 if bad else 0)
"""
HOOKS = f"""\
repos:
  - repo: local
    hooks:
      - id: words
        name: words
        entry: {sys.executable} check_words.py
        language: system
        files: \\.txt$
"""
CONFIG = """
[stages.words]
run = "pre-commit run words --all-files"
parser = "generic"
"""


def project(repo: Repo, text: str) -> None:
    repo.config(CONFIG)
    repo.write(".pre-commit-config.yaml", HOOKS)
    repo.write("check_words.py", CHECKER)
    repo.write("notes.txt", text)
    repo.write("other.txt", "fine\n")
    repo.commit()


def test_a_hook_framework_stage_is_recognised() -> None:
    assert needs_repository(Stage("h", "pre-commit run check-yaml --all-files"))
    assert needs_repository(Stage("h", "prek run check-yaml --all-files"))
    assert needs_repository(Stage("h", ("python", "-m", "pre_commit", "run")))
    assert not needs_repository(Stage("h", "pytest -q"))


def test_a_pre_commit_stage_checks_the_copys_content_in_a_copy(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRE_COMMIT_HOME", str(repo.path.parent / "pre-commit-home"))
    project(repo, "forbidden\n")
    config = load_config(repo.path)
    first = run_pipeline(config, repo.path, options=RunOptions(use_cache=False))
    assert first.stages[0].status == "failed" and "notes.txt:1: forbidden word" in first.stages[0].output
    state = repo.path / ".git" / "healer"
    tree = worktree_tree(repo.path, state)
    known = tree_manifest(repo.path, tree, repo.path).known
    baseline = Baseline(run=first, config=config, known=known, options=RunOptions(use_cache=False, jobs=1))
    sandboxes = Sandboxes(repo.path, state, tree, size=1)
    fingerprints = tuple(d.fingerprint for d in first.diagnostics)
    edit = FileEdit("notes.txt", b"forbidden\n", b"allowed\n")
    good = Patch("reword", (edit,), "rule", "test", "safe", 1.0, "words", fingerprints=fingerprints)
    bad = Patch("other", (FileEdit("notes.txt", b"forbidden\n", b"still forbidden\n"),), "rule", "test", "safe", 1.0,
                "words", fingerprints=fingerprints)  # fmt: skip

    verdict = verify(good, baseline, sandboxes)
    wrong = verify(bad, baseline, sandboxes)

    # Was: "not a git repository" in the copy, so every fix failed verification.
    assert verdict.status == "verified", verdict.detail
    assert wrong.status == "failed", wrong.detail
    assert (repo.path / "notes.txt").read_text() == "forbidden\n"
    with sandboxes.copy() as folder:
        assert not (folder / ".git").exists()
        again = run_pipeline(
            config, folder, options=RunOptions(use_cache=False, copy=InCopy(str(folder), str(repo.path)))
        )
    assert again.stages[0].status == "failed" and "notes.txt" in again.stages[0].output
    assert repo.git("status", "--porcelain") == ""
    assert not list(Path(repo.path / ".git").glob("healer-git-*"))


def test_a_hook_the_framework_cannot_prepare_could_not_run_and_is_not_cached_as_failed(
    repo: Repo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Offline, the first run of a remote hook cannot clone it: that is no finding about the files."""
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    repo.config(CONFIG.replace("words", "check-yaml"))
    missing = (tmp_path / "no-such-hook-repo").as_uri()
    repo.write(
        ".pre-commit-config.yaml", f"repos:\n  - repo: {missing}\n    rev: v1\n    hooks:\n      - id: check-yaml\n"
    )
    repo.write("x.yaml", "a: 1\n")
    repo.commit()

    result = run_pipeline(load_config(repo.path), repo.path, options=RunOptions(use_cache=False))

    (stage,) = result.stages
    assert stage.status == "error", stage
    assert stage.reason is not None and stage.reason.startswith(
        "the hook framework could not run the hook: An unexpected error has occurred"
    )
    assert "fatal:" in stage.reason
