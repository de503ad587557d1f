"""The isolated copies hold exactly the working tree's content, and never change the user's repository."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from healer.verify.sandbox import OutsideCopy, Sandboxes, worktree_tree, write_in_copy
from tests.conftest import Repo


def test_an_edit_in_the_same_second_with_the_same_size_is_in_the_copy(repo: Repo) -> None:
    state = repo.path / ".git" / "healer"
    for attempt in range(5):
        repo.write("app.py", f"value = 'a{attempt}'\n")
        repo.commit()
        (repo.path / "app.py").write_text(f"value = 'b{attempt}'\n")
        index = repo.path / ".git" / "index"
        # Same size, same second as the commit: git's stat data cannot tell; only its racy-clean
        # check, which compares the file's times with the index file's mtime, can.
        if int(index.stat().st_mtime) == int((repo.path / "app.py").stat().st_mtime):
            break
    else:
        pytest.skip("could not write within the commit's second")
    time.sleep(1.1)  # the copy of the index is made in a later second
    index_before = index.read_bytes()
    tree = worktree_tree(repo.path, state)
    with Sandboxes(repo.path, state, tree).copy() as folder:
        assert (folder / "app.py").read_text() == f"value = 'b{attempt}'\n"
    assert index.read_bytes() == index_before


def test_untracked_files_are_in_the_copy_and_ignored_ones_are_not(repo: Repo) -> None:
    repo.write(".gitignore", "build/\n")
    repo.write("app.py", "x = 1\n")
    repo.commit()
    repo.write("new.py", "y = 2\n")
    repo.write("build/out.txt", "generated\n")
    state = repo.path / ".git" / "healer"
    with Sandboxes(repo.path, state, worktree_tree(repo.path, state)).copy() as folder:
        assert (folder / "new.py").read_text() == "y = 2\n"
        assert not (folder / "build").exists()
    assert repo.git("status", "--porcelain") == "?? new.py\n"


def test_writing_in_a_copy_never_leaves_it(tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    outside = tmp_path / "outside"
    (folder / "pkg").mkdir(parents=True)
    outside.mkdir()
    (folder / "link").symlink_to(outside, target_is_directory=True)
    (folder / "file-link").symlink_to(outside / "target.py")
    for path in ("/etc/passwd", str(outside / "x.py"), "../x.py", "pkg/../../x.py", "link/x.py", "file-link", ""):
        with pytest.raises(OutsideCopy):
            write_in_copy(folder, path, b"x\n")
    assert list(outside.iterdir()) == []
    write_in_copy(folder, "pkg/new.py", b"ok\n")
    assert (folder / "pkg" / "new.py").read_bytes() == b"ok\n"
    write_in_copy(folder, "pkg/new.py", None)
    assert not (folder / "pkg" / "new.py").exists()
