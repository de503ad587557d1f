"""A hook repository made as a local git repository (a `language: python` and a `language: script` hook), for
the tests that run the real pre-commit framework without the network."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

NO_HELLO = """
    import sys


    def main() -> int:
        bad = [name for name in sys.argv[1:] if "hello" in open(name).read()]
        for name in bad:
            print(f"{name}: says hello")
        return 1 if bad else 0
"""
MANIFEST = """
    - id: no-hello
      name: no hello
      entry: no-hello
      language: python
      types: [python]
    - id: no-tabs
      name: no tabs
      entry: ./check-tabs.sh
      language: script
      types: [text]
"""
CHECK_TABS = '#!/bin/sh\nstatus=0\nfor f in "$@"; do if grep -q "$(printf \'\\t\')" "$f"; then echo "$f: tab"; status=1; fi; done\nexit $status\n'


def git_in(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t"}
    env["GIT_COMMITTER_EMAIL"] = "t@t"
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def write_files(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text).lstrip("\n"))


def make_hook_repo(tmp_path: Path) -> tuple[Path, str]:
    """The hook repository (its folder, its commit) for `repo:` and `rev:` in a pre-commit config."""
    repo = tmp_path / "hooks"
    write_files(
        repo,
        {
            "nohello/__init__.py": NO_HELLO,
            "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
            '[project]\nname = "nohello"\nversion = "0"\n[project.scripts]\nno-hello = "nohello:main"\n',
            ".pre-commit-hooks.yaml": MANIFEST,
            "check-tabs.sh": CHECK_TABS,
        },
    )
    (repo / "check-tabs.sh").chmod(0o755)
    git_in(repo, "init", "-q")
    git_in(repo, "add", "-A")
    git_in(repo, "commit", "-qm", "hooks")
    return repo, git_in(repo, "rev-parse", "HEAD")
