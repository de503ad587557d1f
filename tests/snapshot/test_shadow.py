"""The shadow work tree: follows trees incrementally, stays exact, keeps ignored caches, never touches the user's."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from healer.errors import HealerError
from healer.snapshot import shadow as shadow_module
from healer.snapshot.shadow import Shadow
from healer.snapshot.tree import commit_tree

from ..conftest import Repo


def tree(repo: Repo) -> str:
    return commit_tree(repo.path, "HEAD")


def user_state(repo: Repo) -> tuple[str, str]:
    index = hashlib.sha256((repo.path / ".git" / "index").read_bytes()).hexdigest()
    return index, repo.git("status", "--porcelain=v2", "--untracked-files=all")


def make(repo: Repo) -> Shadow:
    return Shadow(repo.path, repo.path / ".git" / "healer")


def test_follows_trees_rewriting_only_what_changed(repo: Repo) -> None:
    repo.write(".gitignore", ".cache/\n")
    for i in range(20):
        repo.write(f"pkg/f{i}.py", f"x = {i}\n")
    repo.commit("one")
    shadow = make(repo)
    with shadow.checkout(tree(repo)) as where:
        before = {p.name: p.stat().st_mtime_ns for p in (where / "pkg").iterdir()}
    repo.write("pkg/f3.py", "x = 'changed'\n")
    (repo.path / "pkg" / "f4.py").unlink()
    repo.write("pkg/new.py", "y = 1\n")
    repo.commit("two")
    with shadow.checkout(tree(repo)) as where:
        after = {p.name: p.stat().st_mtime_ns for p in (where / "pkg").iterdir()}
        assert (where / "pkg" / "f3.py").read_text() == "x = 'changed'\n"
        assert not (where / "pkg" / "f4.py").exists()
        assert (where / "pkg" / "new.py").exists()
    unchanged = set(before) - {"f3.py", "f4.py"}
    assert all(after[name] == before[name] for name in unchanged)


def test_repairs_what_a_stage_changed_and_keeps_ignored_caches(repo: Repo) -> None:
    repo.write(".gitignore", ".cache/\n")
    repo.write("a.py", "a = 1\n")
    repo.commit()
    shadow = make(repo)
    with shadow.checkout(tree(repo)) as where:
        (where / "a.py").write_text("rewritten by a formatter\n")
        (where / "stray.py").write_text("left by a stage\n")
        (where / ".cache").mkdir()
        (where / ".cache" / "warm").write_text("tool cache\n")
    with shadow.checkout(tree(repo)) as where:
        assert (where / "a.py").read_text() == "a = 1\n"
        assert not (where / "stray.py").exists()
        assert (where / ".cache" / "warm").read_text() == "tool cache\n"


def test_links_untracked_tool_folders_but_never_over_snapshot_content(repo: Repo) -> None:
    repo.write("vendored/x.txt", "tracked\n")
    repo.commit()
    (repo.path / ".venv" / "bin").mkdir(parents=True)
    shadow = make(repo)
    with shadow.checkout(tree(repo), links=(".venv", "vendored", "missing")) as where:
        assert (where / ".venv").is_symlink() and (where / ".venv").resolve() == (repo.path / ".venv").resolve()
        assert not (where / "vendored").is_symlink() and (where / "vendored" / "x.txt").exists()
        assert not (where / "missing").exists()
    with shadow.checkout(tree(repo), links=(".venv",)) as where:
        assert (where / ".venv").is_symlink()  # kept through the clean-up of strays


def test_the_users_index_and_files_are_untouched(repo: Repo) -> None:
    repo.write("a.py", "a = 1\n")
    repo.commit()
    repo.write("a.py", "a = 2  # unstaged\n")
    repo.write("b.py", "untracked\n")
    before = user_state(repo)
    with make(repo).checkout(tree(repo)):
        pass
    assert user_state(repo) == before
    assert (repo.path / "a.py").read_text() == "a = 2  # unstaged\n"


def test_one_healer_at_a_time(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("a.py", "a = 1\n")
    repo.commit()
    monkeypatch.setattr(shadow_module, "LOCK_WAIT_SECONDS", 0.3)
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with make(repo).checkout(tree(repo)):
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(5)
    try:
        with (
            pytest.raises(HealerError, match="another healer has held the shadow tree"),
            make(repo).checkout(tree(repo)),
        ):
            pass
    finally:
        release.set()
        thread.join()
    with make(repo).checkout(tree(repo)):
        pass  # free again


def test_syncing_is_refused_outside_healers_folder(repo: Repo, tmp_path: Path) -> None:
    repo.write("a.py", "a = 1\n")
    repo.commit()
    wrong = Shadow(repo.path, repo.path / ".git" / "healer")
    wrong.dir = repo.path  # a bug that pointed the shadow at the work tree
    repo.write("precious.txt", "untracked work\n")
    repo.write("a.py", "a = 2  # unsaved work\n")
    with pytest.raises(HealerError, match="refusing to use"), wrong.checkout(tree(repo)):
        pass
    assert (repo.path / "precious.txt").read_text() == "untracked work\n"
    assert (repo.path / "a.py").read_text() == "a = 2  # unsaved work\n"


class Died(BaseException):
    """Stands for the process being killed at a chosen moment."""


def test_a_move_killed_half_way_is_never_mistaken_for_the_old_tree(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the safety suite: killed after git switched the private index, before healer recorded the tree."""
    repo.write("a.txt", "on topic: XBADX\n")
    repo.commit("topic")
    topic = tree(repo)
    (repo.path / "a.txt").unlink()
    repo.write("b.txt", "on main\n")
    repo.commit("main")
    main = tree(repo)
    shadow = make(repo)
    with shadow.checkout(topic) as where:
        assert (where / "a.txt").exists()

    def die(_self: Shadow) -> None:
        raise Died

    with monkeypatch.context() as patched:
        patched.setattr(Shadow, "_restore_modified", die)  # read-tree has run; the kill lands next
        with pytest.raises(Died), shadow.checkout(main):
            pass
    with shadow.checkout(topic) as where:
        assert (where / "a.txt").read_text() == "on topic: XBADX\n"
        assert not (where / "b.txt").exists()
