"""Copies get the git-ignored files a package needs to import, and the tools skip them there as in the work tree."""

from __future__ import annotations

from healer.config.load import load_config
from healer.patch.patch import FileEdit, Patch
from healer.pipeline.runner import RunOptions, run_pipeline
from healer.snapshot.generated import generated_files
from healer.snapshot.shadow import Shadow
from healer.snapshot.tree import tree_manifest
from healer.verify.sandbox import Sandboxes, worktree_tree
from healer.verify.verdict import Baseline, verify
from tests.conftest import Repo

CONFIG = """
[stages.lint]
run = "ruff check --no-cache --select F,RUF022 src tests"
parser = "ruff"

[stages.test]
run = "python -m pytest -q -p no:cacheprovider tests"
kind = "test"
parser = "pytest"
"""
# Written by the build (setuptools-scm does this), ignored by git, and not tidy enough for the project's lint.
VERSION = '__all__ = ["version", "__version__"]\n__version__ = version = "1.0"\n'
TOTAL = "def total(xs):\n    return sum(xs) + 1\n"


def project(repo: Repo) -> None:
    repo.config(CONFIG)
    repo.write(".gitignore", "src/shop/_version.py\n__pycache__/\n")
    repo.write(
        "src/shop/__init__.py",
        "from ._version import version\nfrom .cart import total\n\n__all__ = ['total', 'version']\n",
    )
    repo.write("src/shop/cart.py", TOTAL)
    repo.write("conftest.py", "import sys\n\nsys.path.insert(0, 'src')\n")
    repo.write(
        "tests/test_cart.py",
        "from shop import total, version\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n    assert version == '1.0'\n",
    )
    repo.commit()
    repo.write("src/shop/_version.py", VERSION)
    repo.write("src/shop/__pycache__/cart.cpython-311.pyc", "not wanted")


def test_the_ignored_modules_inside_packages_are_found_and_caches_are_not(repo: Repo) -> None:
    project(repo)
    repo.write("notes/draft.py", "x = 1\n")  # untracked but not ignored: content, not generated
    assert generated_files(repo.path) == ["src/shop/_version.py"]


def test_a_fix_verifies_in_a_copy_that_has_the_generated_module_and_lints_it_not(repo: Repo) -> None:
    project(repo)
    config = load_config(repo.path)
    run = run_pipeline(config, repo.path, options=RunOptions(use_cache=False))
    assert [s.status for s in run.stages] == ["passed", "failed"]  # the user's lint does not see _version.py
    state = repo.path / ".git" / "healer"
    tree = worktree_tree(repo.path, state)
    known = tree_manifest(repo.path, tree, repo.path).known
    baseline = Baseline(run=run, config=config, known=known, options=RunOptions(use_cache=False, jobs=1))
    prints = tuple(d.fingerprint for d in run.diagnostics)
    edit = FileEdit("src/shop/cart.py", TOTAL.encode(), TOTAL.replace(" + 1", "").encode())
    patch = Patch("t", (edit,), "rule", "test", "safe", 1.0, "test", fingerprints=prints)

    verdict = verify(patch, baseline, Sandboxes(repo.path, state, tree))

    # Was: "No module named 'shop._version'" in the copy, so the right fix failed verification.
    assert verdict.status == "verified", verdict.detail


def test_a_generated_file_gone_from_the_work_tree_is_gone_from_the_copy(repo: Repo) -> None:
    project(repo)
    state = repo.path / ".git" / "healer"
    tree = worktree_tree(repo.path, state)
    with Shadow(repo.path, state).checkout(tree) as folder:
        assert (folder / "src/shop/_version.py").read_text() == VERSION
        assert not (folder / "src/shop/__pycache__").exists()
        assert (folder / ".ignore").read_text() == "/src/shop/_version.py\n"
    (repo.path / "src/shop/_version.py").unlink()
    with Shadow(repo.path, state).checkout(tree) as folder:
        assert not (folder / "src/shop/_version.py").exists()
        assert not (folder / ".ignore").exists()
    assert repo.git("status", "--porcelain") == ""


def test_a_project_that_tracks_an_ignore_file_gets_no_generated_files(repo: Repo) -> None:
    project(repo)
    repo.write(".ignore", "docs/\n")
    repo.commit()
    state = repo.path / ".git" / "healer"
    with Shadow(repo.path, state).checkout(worktree_tree(repo.path, state)) as folder:
        assert (folder / ".ignore").read_text() == "docs/\n"  # the project's own, untouched
        assert not (folder / "src/shop/_version.py").exists()
