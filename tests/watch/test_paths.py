"""Which file-system events count as changed content: git decides, in a real repository."""

from __future__ import annotations

import os
from pathlib import Path

from healer.watch.paths import ADDED, DELETED, MODIFIED, content_changes, repo_path

from ..conftest import Repo, git


def events(repo: Repo, *pairs: tuple[int, str]) -> set[tuple[int, str]]:
    return {(kind, os.path.join(repo.path, *name.split("/"))) for kind, name in pairs}


def setup(repo: Repo) -> None:
    repo.write(".gitignore", "*.log\nbuild/\n")
    repo.write("tracked.py", "x = 1\n")
    repo.write("forced.log", "tracked although ignored\n")
    repo.git("add", ".gitignore", "tracked.py")
    repo.git("add", "-f", "forced.log")
    repo.commit()


def test_the_git_directory_tool_caches_and_editor_files_never_count(repo: Repo) -> None:
    root = str(repo.path)
    for name in (".git/index", ".git/healer/logs/x.log", "pkg/__pycache__/a.pyc", ".mypy_cache/x", "a.py.swp", "a.py~"):
        assert repo_path(root, os.path.join(root, name)) is None, name
    assert repo_path(root, os.path.join(root, "src", "a.py")) == "src/a.py"
    assert repo_path(root, "/elsewhere/a.py") is None


def test_tracked_and_untracked_files_count_ignored_ones_do_not(repo: Repo) -> None:
    setup(repo)
    repo.write("tracked.py", "x = 2\n")
    repo.write("new.py", "y = 1\n")
    repo.write("debug.log", "noise\n")
    repo.write("build/out.txt", "noise\n")
    repo.write("forced.log", "changed\n")
    changed = content_changes(
        repo.path,
        events(repo, (MODIFIED, "tracked.py"), (ADDED, "new.py"), (ADDED, "debug.log"),
               (ADDED, "build/out.txt"), (MODIFIED, "forced.log")),
    )  # fmt: skip
    assert changed == {"tracked.py", "new.py", "forced.log"}


def test_a_folder_that_appears_stands_for_its_files(repo: Repo) -> None:
    setup(repo)
    repo.write("pkg/a.py", "")
    repo.write("pkg/sub/b.py", "")
    repo.write("pkg/sub/c.log", "")
    repo.write("pkg/__pycache__/a.cpython-311.pyc", "")
    assert content_changes(repo.path, events(repo, (ADDED, "pkg"))) == {"pkg/a.py", "pkg/sub/b.py"}
    # A folder's own metadata changing is not a change to the files in it.
    assert content_changes(repo.path, events(repo, (MODIFIED, "pkg"))) == set()


def test_deleted_files_count_unless_ignored_or_only_just_created(repo: Repo) -> None:
    setup(repo)
    repo.write("scratch.py", "")
    (repo.path / "tracked.py").unlink()
    (repo.path / "scratch.py").unlink()
    changed = content_changes(
        repo.path,
        events(repo, (DELETED, "tracked.py"), (DELETED, "scratch.py"), (DELETED, "old.log"),
               (DELETED, "build"), (ADDED, "4913"), (DELETED, "4913")),
    )  # fmt: skip
    assert changed == {"tracked.py", "scratch.py"}


def test_a_deleted_tracked_folder_stands_for_its_files(repo: Repo) -> None:
    setup(repo)
    repo.write("pkg/a.py", "")
    repo.write("pkg/b.py", "")
    repo.commit()
    for name in ("a.py", "b.py"):
        (repo.path / "pkg" / name).unlink()
    (repo.path / "pkg").rmdir()
    assert content_changes(repo.path, events(repo, (DELETED, "pkg"))) == {"pkg/a.py", "pkg/b.py"}


def test_names_that_look_like_globs_are_taken_literally(repo: Repo) -> None:
    setup(repo)
    repo.write("[ab].py", "")
    repo.write("a.py", "")
    assert content_changes(repo.path, events(repo, (ADDED, "[ab].py"))) == {"[ab].py"}


def test_many_paths_at_once_are_answered_from_one_listing(repo: Repo) -> None:
    setup(repo)
    names = [f"gen/f{i}.py" for i in range(1200)]
    for name in names:
        repo.write(name, "")
    repo.write("gen/skip.log", "")
    changed = content_changes(repo.path, events(repo, *((ADDED, n) for n in [*names, "gen/skip.log"])))
    assert changed == set(names)


def test_a_change_inside_a_submodule_does_not_hide_the_others(repo: Repo, tmp_path: Path) -> None:
    setup(repo)
    library = tmp_path / "library"
    library.mkdir()
    git(library, "init", "-q", "-b", "main")
    (library / "lib.py").write_text("x = 1\n")
    git(library, "add", "-A")
    git(library, "commit", "-q", "-m", "library")
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library), "vendor/library")
    repo.commit()
    (repo.path / "vendor/library/lib.py").write_text("x = 2\n")
    repo.write("tracked.py", "x = 3\n")
    changed = content_changes(repo.path, events(repo, (MODIFIED, "vendor/library/lib.py"), (MODIFIED, "tracked.py")))
    assert "tracked.py" in changed
