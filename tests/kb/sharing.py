"""A team for shared-fix tests: a real bare repository and real clones of it, each developer with a knowledge base."""

from __future__ import annotations

import random
import string
import subprocess
from dataclasses import dataclass
from pathlib import Path

LINT = '[stages.lint]\nrun = "ruff check --no-fix --no-cache ."\ninputs = ["*.py"]\nparser = "ruff"\n'
CLEAN = "def price() -> int:\n    return 1\n"
BROKEN = "import os\n\n\n" + CLEAN


def git(cwd: Path, *args: str, input: bytes | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=True, input=input)
    return done.stdout.decode()


@dataclass
class Developer:
    path: Path
    db: Path

    @property
    def env(self) -> dict[str, str]:
        return {"HEALER_DB": str(self.db)}

    def git(self, *args: str, input: bytes | None = None) -> str:
        return git(self.path, *args, input=input)

    def write(self, name: str, text: str) -> None:
        (self.path / name).write_text(text)


@dataclass
class Team:
    origin: Path
    root: Path

    def clone(self, name: str) -> Developer:
        path = self.root / name
        git(self.root, "clone", "-q", "-b", "main", str(self.origin), str(path))
        return Developer(path, self.root / f"{name}.db")


def team(tmp_path: Path, files: tuple[str, ...] = ("shop.py",), config: str = "") -> Team:
    """A bare repository whose main branch holds a lint stage (and `config`) and clean Python files."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(origin), str(seed))
    git(seed, "checkout", "-q", "-b", "main")
    (seed / "healer.toml").write_text(config + "\n" + LINT)
    for name in files:
        (seed / name).write_text(CLEAN)
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "start")
    git(seed, "push", "-q", "origin", "main")
    return Team(origin, tmp_path)


def fake_token(seed: int = 0) -> str:
    """A GitHub token's shape, made here: the repository holds no secret-looking literal."""
    rng = random.Random(seed)
    return "ghp" + "_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(36))


def local_state(developer: Developer) -> tuple[str, str, str, str, bytes]:
    """What a push or a pull must leave alone: branches, HEAD, status, stash, the index file."""
    index = developer.path / ".git" / "index"
    return (
        developer.git("for-each-ref", "refs/heads", "refs/remotes"),
        developer.git("rev-parse", "HEAD"),
        developer.git("status", "--porcelain"),
        developer.git("stash", "list"),
        index.read_bytes() if index.exists() else b"",
    )
