"""healer's copies of a repository live outside it, one folder per repository, and are swept when stale."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from healer.snapshot.copies import OWNER, base_for, cache_root, copies_of, sweep

from ..conftest import Repo


def test_one_folder_per_repository_in_the_cache_outside_the_work_tree(repo: Repo, tmp_path: Path) -> None:
    state = repo.path / ".git" / "healer"
    folder = copies_of(repo.path, state)
    assert folder.parent == cache_root() and folder.name.startswith("repo-")
    assert (folder / OWNER).read_text().strip() == str(state.resolve())
    assert copies_of(repo.path, state) == folder  # stable
    other = tmp_path / "other" / "repo"
    other.mkdir(parents=True)
    assert copies_of(other, other / ".git" / "healer") != folder  # same name, another repository


def test_copies_an_older_healer_kept_in_the_git_directory_are_removed(repo: Repo) -> None:
    state = repo.path / ".git" / "healer"
    for name in ("shadow", "sandbox-0", "sandbox-1"):
        (state / name).mkdir(parents=True)
        (state / name / "a.py").write_text("x = 1\n")
        for suffix in (".index", ".tree", ".lock"):
            (state / f"{name}{suffix}").write_text("")
    (state / "journal").mkdir()
    (state / "config.marshal").write_text("keep")
    copies_of(repo.path, state)
    assert sorted(entry.name for entry in state.iterdir()) == ["config.marshal", "journal"]


def test_a_sweep_removes_copies_of_repositories_gone_or_idle(tmp_path: Path) -> None:
    kept, gone, idle = (tmp_path / name for name in ("kept", "gone", "idle"))
    folders = {}
    for repo in (kept, gone, idle):
        (repo / ".git" / "healer").mkdir(parents=True)
        folders[repo.name] = copies_of(repo, repo / ".git" / "healer")
        (folders[repo.name] / "shadow").mkdir()
    (gone / ".git" / "healer").rmdir()
    month_ago = time.time() - 31 * 86_400
    for entry in [folders["idle"], *folders["idle"].iterdir()]:
        os.utime(entry, (month_ago, month_ago))
    removed = sweep()
    assert sorted(path.name for path in removed) == sorted([folders["gone"].name, folders["idle"].name])
    assert folders["kept"].exists() and not folders["gone"].exists() and not folders["idle"].exists()


def test_a_cache_folder_inside_the_work_tree_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A home folder under version control holds ~/.cache: copies there would be inside the repository."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.delenv("HEALER_COPIES", raising=False)
    base = base_for(home)
    assert home not in base.parents and base.name == "copies"
    assert (base.parent.stat().st_mode & 0o777) == 0o700


def test_threads_claiming_a_new_folder_at_once_all_get_it(repo: Repo) -> None:
    """Found by the repair corpus: two verifications of one process claimed a new folder through one
    temporary file name, and the second's rename failed with FileNotFoundError."""
    state = repo.path / ".git" / "healer"
    state.mkdir(parents=True, exist_ok=True)
    start = threading.Barrier(8)

    def claim(_: int) -> Path:
        start.wait()
        return copies_of(repo.path, state)

    with ThreadPoolExecutor(max_workers=8) as pool:
        folders = set(pool.map(claim, range(8)))

    (folder,) = folders
    assert (folder / OWNER).read_text() == f"{state.resolve()}\n"
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []
