"""A file healer rewrites in a copy within the second, at the same size, is never read from a stale cache.

Python's bytecode and mypy's cache trust a source whose size and whole-second mtime they
recorded. Found in CI (bytecode on): after `itmes` -> `items` was written into a copy,
the tests ran the old bytecode and a right fix was rejected; the same race could let a
wrong fix pass on the bytecode of a right one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from healer.snapshot.mtimes import keep_apart, mtimes
from healer.snapshot.shadow import Shadow
from healer.snapshot.tree import commit_tree
from healer.verify.sandbox import write_in_copy

from ..conftest import Repo


@pytest.fixture(autouse=True)
def bytecode_is_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)


def early_in_a_second() -> None:
    """Start where the next few milliseconds stay within one second of the clock."""
    while time.time() % 1 > 0.5:
        time.sleep(0.05)


def value_imported(folder: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", "import m; print(m.VALUE)"], cwd=folder, capture_output=True, text=True, check=True,
        env={key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"},
    )  # fmt: skip
    return done.stdout.strip()


def test_a_same_size_rewrite_within_the_second_is_imported_afresh(tmp_path: Path) -> None:
    early_in_a_second()
    (tmp_path / "m.py").write_text("VALUE = 'right'\n")
    assert value_imported(tmp_path) == "right"  # bytecode written for this content, this second
    assert list((tmp_path / "__pycache__").iterdir())

    write_in_copy(tmp_path, "m.py", b"VALUE = 'wrong'\n")

    assert value_imported(tmp_path) == "wrong"


def test_keep_apart_moves_only_what_fell_in_the_same_second(tmp_path: Path) -> None:
    early_in_a_second()
    same = tmp_path / "same.py"
    other = tmp_path / "other.py"
    same.write_text("a\n")
    other.write_text("a\n")
    os.utime(other, ns=(0, 5 * 1_000_000_000))  # long ago: a rewrite now is in another second anyway
    before = mtimes(tmp_path, ["same.py", "other.py", "gone.py"])
    same.write_text("b\n")
    other.write_text("b\n")

    keep_apart(tmp_path, before)

    assert same.stat().st_mtime_ns // 1_000_000_000 == before["same.py"] // 1_000_000_000 + 1  # type: ignore[operator]
    assert abs(other.stat().st_mtime - time.time()) < 5


def test_the_shadow_putting_a_file_back_within_the_second_is_imported_afresh(repo: Repo) -> None:
    repo.write(".gitignore", "__pycache__/\n")
    repo.write("m.py", "VALUE = 'right'\n")
    repo.commit("start")
    shadow = Shadow(repo.path, repo.path / ".git" / "healer", "sandbox-0")
    early_in_a_second()
    with shadow.checkout(commit_tree(repo.path, "HEAD")) as folder:
        write_in_copy(folder, "m.py", b"VALUE = 'wrong'\n")  # a candidate, checked with bytecode on
        assert value_imported(folder) == "wrong"
    with shadow.checkout(commit_tree(repo.path, "HEAD")) as folder:  # the original, put back this second
        assert value_imported(folder) == "right"
    repo.write("m.py", "VALUE = 'other'\n")
    repo.commit("same size")
    with shadow.checkout(commit_tree(repo.path, "HEAD")) as folder:  # moved to the next commit's tree
        assert value_imported(folder) == "other"


def test_mtimes_only_move_forward_to_the_second(tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    target.write_text("a\n")
    ahead = (int(time.time()) + 3) * 1_000_000_000  # moved ahead by earlier rewrites
    os.utime(target, ns=(ahead, ahead))
    before = mtimes(tmp_path, ["m.py"])
    target.write_text("b\n")  # now, which is earlier than before

    assert keep_apart(tmp_path, before) == ["m.py"]
    assert target.stat().st_mtime_ns == ahead + 1_000_000_000
