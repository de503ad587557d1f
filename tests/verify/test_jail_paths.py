"""What a jailed program is shown of the hidden home folder: its own folders, never the home folder itself
(security review F2: `~/bin/claude` showed all of `~`, `~/.ssh` included)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from healer.pipeline.jail_paths import hidden, needed, under_any
from tests.verify.jails import needs_jail


def program(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/usr/bin/python3\n")
    path.chmod(0o755)


def test_a_program_in_home_bin_shows_its_folder_not_the_home_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    program(home / "bin" / "claude")
    program(home / ".local" / "bin" / "tool")
    (home / ".local" / "lib" / "python3.11").mkdir(parents=True)
    (home / ".local" / "share" / "keyrings").mkdir(parents=True)
    (home / ".ssh").mkdir()
    env = {"HOME": str(home), "PATH": f"{home / 'bin'}:{home / '.local' / 'bin'}:/usr/bin"}
    folders = hidden(env)
    shown = {os.path.realpath(p) for p in needed(["claude"], tmp_path, env, folders)}
    shown |= {os.path.realpath(p) for p in needed(["tool"], tmp_path, env, folders)}
    mine = {p for p in shown if under_any(p, [str(home)])}
    assert str(home) not in mine and str(home / ".local") not in mine
    assert {str(home / "bin"), str(home / ".local" / "bin"), str(home / ".local" / "lib")} <= mine
    assert not any(under_any(str(home / secret), [p]) for p in mine for secret in (".ssh", ".local/share"))


def test_a_virtualenv_in_the_home_folder_is_shown_whole(tmp_path: Path) -> None:
    venv = tmp_path / "home" / "venvs" / "tools"
    program(venv / "bin" / "ruff")
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    env = {"HOME": str(tmp_path / "home"), "PATH": f"{venv / 'bin'}:/usr/bin"}
    assert str(venv) in {os.path.realpath(p) for p in needed(["ruff"], tmp_path, env, hidden(env))}


READ = """
import sys
for path in sys.argv[1:]:
    try:
        print(path.rsplit("/", 1)[-1], open(path).read().strip())
    except OSError as error:
        print(path.rsplit("/", 1)[-1], type(error).__name__)
"""


@needs_jail
def test_a_hidden_repository_shows_only_the_links_made_into_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Security review F1: an agent read the user's `.env` in a repository outside the home folder and /tmp.

    /tmp is taken off the hidden list here, so that the repository (in this test's tmp folder) stands where
    such a repository stands: visible, unless `hide` names it."""
    import subprocess
    import sys

    from healer.config.settings import SandboxSettings
    from healer.pipeline import jail_paths
    from healer.pipeline.jail import choose

    monkeypatch.setattr(jail_paths, "HIDDEN_SYSTEM", ("/run", "/dev/shm"))
    jail = choose(SandboxSettings()).jail
    assert jail is not None
    repo, copy = tmp_path / "repo", tmp_path / "copy"
    (repo / ".venv").mkdir(parents=True)
    (repo / ".env").write_text("NOTE=the-users-own")
    (repo / ".venv" / "marker").write_text("tools")
    copy.mkdir()
    argv = [sys.executable, "-I", "-c", READ, str(repo / ".env"), str(repo / ".venv" / "marker")]

    def run(hide: list[str]) -> str:
        wrapped, env = jail.wrap(argv, copy, dict(os.environ), [str(copy)], [str(repo / ".venv")], hide=hide)
        return subprocess.run(wrapped, capture_output=True, text=True, env=env, check=False).stdout

    assert run([]) == ".env NOTE=the-users-own\nmarker tools\n"  # what hiding prevents
    assert run([str(repo)]) == ".env FileNotFoundError\nmarker tools\n"
