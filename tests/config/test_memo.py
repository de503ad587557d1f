"""The configuration memo: used only while every deciding file is unchanged, never stale."""

from __future__ import annotations

import os
import time

from healer.config.load import load_config
from healer.config.memo import MEMO, recall, remember

from ..conftest import Repo, RunHealer

FULL = """\
jobs = 2
[stages.lint]
run = ["ruff", "check", "."]
kind = "lint"
inputs = ["*.py"]
env = { A = "1" }
fix = "ruff check --fix ."
[stages.test]
run = "pytest"
needs = ["lint"]
timeout = 30
[stages.test.gate]
metric = "coverage"
min = 80
"""


def age(path: os.PathLike[str], seconds: float = 60) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_round_trip_is_exact(repo: Repo) -> None:
    age(repo.config(FULL))
    state = repo.path / ".git" / "healer"
    config = load_config(repo.path)
    remember(repo.path, state, config)
    assert (state / MEMO).is_file()
    assert recall(repo.path, state) == config


def test_an_edited_config_is_never_served_from_the_memo(repo: Repo, healer: RunHealer) -> None:
    age(repo.config('[stages.a]\nrun = "true"\n'))
    assert healer("run").code == 0
    assert (repo.path / ".git" / "healer" / MEMO).is_file()
    # Same size, different content, old timestamp restored: only size/inode/ctime may tell.
    age(repo.config('[stages.a]\nrun = "fals"\n'))
    assert healer("run").code == 1


def test_adding_a_healer_toml_beside_pyproject_is_seen(repo: Repo, healer: RunHealer) -> None:
    age(repo.write("pyproject.toml", '[tool.healer.stages.from_pyproject]\nrun = "true"\n'))
    assert "from_pyproject passed" in healer("run", "--no-cache").out
    age(repo.config('[stages.from_toml]\nrun = "true"\n'))
    assert "from_toml passed" in healer("run", "--no-cache").out


def test_a_fresh_file_is_not_memoised(repo: Repo) -> None:
    repo.config(FULL)  # modified just now: its timestamp could hide a rewrite
    state = repo.path / ".git" / "healer"
    remember(repo.path, state, load_config(repo.path))
    assert not (state / MEMO).exists()


def test_a_damaged_memo_is_ignored(repo: Repo, healer: RunHealer) -> None:
    age(repo.config('[stages.a]\nrun = "true"\n'))
    state = repo.path / ".git" / "healer"
    state.mkdir(parents=True)
    (state / MEMO).write_bytes(b"\x00garbage")
    assert recall(repo.path, state) is None
    assert healer("run").code == 0
