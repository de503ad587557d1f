"""Shared fixtures: real git repositories in temporary folders, an isolated knowledge base, the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "healer tests",
    "GIT_AUTHOR_EMAIL": "tests@healer.invalid",
    "GIT_COMMITTER_NAME": "healer tests",
    "GIT_COMMITTER_EMAIL": "tests@healer.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own knowledge base, git identity and HOME; nothing leaks between tests."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("HEALER_DB", str(home / "healer.db"))
    for name, value in GIT_IDENTITY.items():
        monkeypatch.setenv(name, value)
    # healer's copies go to HOME's cache folder (healer.snapshot.copies): one per test too. SKIP and
    # PRE_COMMIT reach the suite when it runs as a stage of `SKIP=lint git commit` or under the framework.
    for name in (
        "GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR", "HEALER_SKIP", "SKIP", "PRE_COMMIT", "XDG_CACHE_HOME",
        "HEALER_COPIES",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    # Tools installed beside the test interpreter (ruff, mypy, pytest) must be found by stages.
    bindir = os.path.dirname(sys.executable)
    monkeypatch.setenv("PATH", bindir + os.pathsep + os.environ.get("PATH", ""))
    return home


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


@dataclass
class Repo:
    path: Path

    def write(self, name: str, text: str) -> Path:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
        return target

    def config(self, toml: str) -> Path:
        return self.write("healer.toml", toml)

    def git(self, *args: str) -> str:
        return git(self.path, *args)

    def commit(self, message: str = "commit") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    return Repo(path)


@dataclass
class Result:
    code: int
    out: str
    err: str


RunHealer = Callable[..., Result]


@pytest.fixture
def healer(repo: Repo) -> RunHealer:
    """Run the real `healer` CLI in a subprocess inside the test repository."""

    def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120) -> Result:
        done = subprocess.run(
            [sys.executable, "-m", "healer", *args],
            cwd=cwd or repo.path,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return run
