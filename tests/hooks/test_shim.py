"""The installed shim, run by real git commits and pushes, calling a fake interpreter that records what it got."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from healer.hooks.install import install
from healer.hooks.shim import read_shim, render

from ..conftest import Repo
from .helpers import FAKE_HEALER, FAKE_PYTHON, RECORDING_HOOK, executable, log_lines, run_git


@pytest.fixture
def fake(tmp_path: Path) -> Path:
    return executable(tmp_path / "venv" / "bin" / "python", FAKE_PYTHON)


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "hook.log"
    monkeypatch.setenv("HOOK_LOG", str(path))
    return path


def test_render_reads_back_as_pristine() -> None:
    text = render("pre-push", "/opt/it's here/bin/python")
    found = read_shim(text.encode())
    assert found is not None and found.pristine and found.python == "/opt/it's here/bin/python"
    assert text.splitlines()[:2] == ["#!/bin/sh", "# healer-hook v1"]
    edited = read_shim(text.replace("exit 0", "exit 1").encode())
    assert edited is not None and not edited.pristine


def test_commit_runs_the_installing_interpreter_and_keeps_its_exit_code(repo: Repo, fake: Path, log: Path) -> None:
    install(repo.path, ["pre-commit"], python=str(fake))
    assert run_git(repo.path, "commit", "-q", "--allow-empty", "-m", "ok").returncode == 0
    assert log_lines(log) == ["healer hook pre-commit"]
    failed = run_git(repo.path, "commit", "-q", "--allow-empty", "-m", "no", env={"FAKE_EXIT": "1"})
    assert failed.returncode == 1
    assert repo.git("rev-list", "--count", "HEAD").strip() == "1"


def test_previous_hook_runs_first_under_its_own_name_and_its_failure_stops_healer(
    repo: Repo, fake: Path, log: Path
) -> None:
    hooks = repo.path / ".git" / "hooks"
    executable(hooks / "pre-commit", RECORDING_HOOK)
    install(repo.path, ["pre-commit"], python=str(fake))
    assert run_git(repo.path, "commit", "-q", "--allow-empty", "-m", "ok").returncode == 0
    # $0 is the path git ran, so dirname/basename "$0" behave as before the move.
    assert log_lines(log) == ["previous .git/hooks/pre-commit pre-commit ", "healer hook pre-commit"]
    log.unlink()
    failed = run_git(repo.path, "commit", "-q", "--allow-empty", "-m", "no", env={"PREVIOUS_EXIT": "3"})
    assert failed.returncode == 1  # git reports any hook failure as 1; the shim's own code:
    assert log_lines(log) == ["previous .git/hooks/pre-commit pre-commit "]
    # Run directly, the shim's own exit code is the failing hook's.
    shim = subprocess.run([str(hooks / "pre-commit")], cwd=repo.path, env={**os.environ, "PREVIOUS_EXIT": "3"})
    assert shim.returncode == 3
    healer_fails = subprocess.run([str(hooks / "pre-commit")], cwd=repo.path, env={**os.environ, "FAKE_EXIT": "5"})
    assert healer_fails.returncode == 5


def test_bash_hook_found_through_env_keeps_its_path_and_sibling_files(repo: Repo, fake: Path, log: Path) -> None:
    hooks = repo.path / ".git" / "hooks"
    (hooks / "helper.sh").write_text('echo "helper sourced" >> "$HOOK_LOG"\n')
    executable(
        hooks / "pre-commit",
        '#!/usr/bin/env bash\nset -e\n. "$(dirname "$0")/helper.sh"\necho "bash $(basename "$0") ${BASH_VERSION:+bash}" >> "$HOOK_LOG"\n',
    )
    install(repo.path, ["pre-commit"], python=str(fake))
    assert run_git(repo.path, "commit", "-q", "--allow-empty", "-m", "ok").returncode == 0
    assert log_lines(log) == ["helper sourced", "bash pre-commit bash", "healer hook pre-commit"]


def test_non_shell_hook_runs_directly_with_its_name(repo: Repo, fake: Path, log: Path) -> None:
    hooks = repo.path / ".git" / "hooks"
    executable(
        hooks / "pre-commit",
        "#!/usr/bin/env python3\nimport os, sys\n"
        "open(os.environ['HOOK_LOG'], 'a').write('python ' + os.path.basename(sys.argv[0]) + '\\n')\n",
    )
    install(repo.path, ["pre-commit"], python=str(fake))
    assert run_git(repo.path, "commit", "-q", "--allow-empty", "-m", "ok").returncode == 0
    assert log_lines(log) == ["python pre-commit", "healer hook pre-commit"]


def test_relative_symlink_hook_still_resolves(repo: Repo, fake: Path, log: Path) -> None:
    executable(repo.path / "tools" / "check.sh", RECORDING_HOOK)
    link = repo.path / ".git" / "hooks" / "pre-commit"
    link.symlink_to("../../tools/check.sh")
    install(repo.path, ["pre-commit"], python=str(fake))
    assert run_git(repo.path, "commit", "-q", "--allow-empty", "-m", "ok").returncode == 0
    assert log_lines(log) == ["previous .git/hooks/pre-commit pre-commit ", "healer hook pre-commit"]


def test_pre_push_gives_both_hooks_the_refs_on_stdin_and_the_arguments(
    repo: Repo, fake: Path, log: Path, tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    run_git(tmp_path, "init", "-q", "--bare", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    repo.commit("one")
    executable(repo.path / ".git" / "hooks" / "pre-push", RECORDING_HOOK)
    install(repo.path, ["pre-push"], python=str(fake))
    pushed = run_git(repo.path, "push", "-q", "origin", "main")
    assert pushed.returncode == 0, pushed.stderr
    head = repo.git("rev-parse", "HEAD").strip()
    refs = f"refs/heads/main {head} refs/heads/main {'0' * 40}\n"
    assert Path(f"{log}.previous-stdin").read_text() == refs
    assert Path(f"{log}.healer-stdin").read_text() == refs
    assert log_lines(log) == [
        f"previous .git/hooks/pre-push pre-push origin {remote}",
        f"healer hook pre-push origin {remote}",
    ]


def test_pre_push_without_previous_hook_passes_stdin_straight_through(
    repo: Repo, fake: Path, log: Path, tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    run_git(tmp_path, "init", "-q", "--bare", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    repo.commit("one")
    install(repo.path, ["pre-push"], python=str(fake))
    blocked = run_git(repo.path, "push", "-q", "origin", "main", env={"FAKE_EXIT": "1"})
    assert blocked.returncode != 0
    head = repo.git("rev-parse", "HEAD").strip()
    assert Path(f"{log}.healer-stdin").read_text() == f"refs/heads/main {head} refs/heads/main {'0' * 40}\n"
    assert run_git(remote, "for-each-ref").stdout == ""


def test_healer_skip_skips_healer_but_not_the_previous_hook(repo: Repo, fake: Path, log: Path) -> None:
    executable(repo.path / ".git" / "hooks" / "pre-commit", RECORDING_HOOK)
    install(repo.path, ["pre-commit"], python=str(fake))
    done = run_git(repo.path, "commit", "-q", "--allow-empty", "-m", "ok", env={"HEALER_SKIP": "1", "FAKE_EXIT": "1"})
    assert done.returncode == 0
    assert "HEALER_SKIP=1" in done.stderr
    assert log_lines(log) == ["previous .git/hooks/pre-commit pre-commit "]


def test_no_verify_runs_nothing(repo: Repo, fake: Path, log: Path) -> None:
    executable(repo.path / ".git" / "hooks" / "pre-commit", RECORDING_HOOK)
    install(repo.path, ["pre-commit"], python=str(fake))
    done = run_git(repo.path, "commit", "-q", "--no-verify", "--allow-empty", "-m", "ok", env={"FAKE_EXIT": "1"})
    assert done.returncode == 0 and log_lines(log) == []


def _path_without_healer(tmp_path: Path) -> str:
    return os.pathsep.join([str(tmp_path / "empty-bin"), "/usr/bin", "/bin"])


def test_missing_interpreter_falls_back_to_healer_on_path(repo: Repo, log: Path, tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    executable(bindir / "healer", FAKE_HEALER)
    install(repo.path, ["pre-commit"], python=str(tmp_path / "gone" / "python"))
    env = {"PATH": os.pathsep.join([str(bindir), "/usr/bin", "/bin"])}
    assert run_git(repo.path, "commit", "-q", "--allow-empty", "-m", "ok", env=env).returncode == 0
    assert log_lines(log) == ["path-healer hook pre-commit"]


def test_interpreter_that_cannot_import_healer_falls_back(repo: Repo, log: Path, tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    executable(bindir / "healer", FAKE_HEALER)
    python = executable(tmp_path / "venv" / "bin" / "python", FAKE_PYTHON)
    install(repo.path, ["pre-commit"], python=str(python))
    env = {"PATH": os.pathsep.join([str(bindir), "/usr/bin", "/bin"]), "FAKE_EXIT": "127"}
    done = run_git(repo.path, "commit", "-q", "--allow-empty", "-m", "ok", env=env)
    assert log_lines(log) == ["healer hook pre-commit", "path-healer hook pre-commit"]
    assert done.returncode == 1  # the PATH healer's verdict (FAKE_EXIT=127 makes it fail too)


def test_no_healer_anywhere_blocks_with_one_clear_line(repo: Repo, tmp_path: Path) -> None:
    gone = tmp_path / "gone" / "python"
    install(repo.path, ["pre-commit"], python=str(gone))
    done = run_git(repo.path, "commit", "-q", "--allow-empty", "-m", "no", env={"PATH": _path_without_healer(tmp_path)})
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"healer: the pre-commit hook cannot find healer (installed from {gone}, now missing); "
        "reinstall it or run 'git commit --no-verify'"
    )
    assert run_git(repo.path, "rev-parse", "-q", "--verify", "HEAD").returncode != 0


def test_real_interpreter_without_healer_is_reported(repo: Repo, tmp_path: Path) -> None:
    # /usr/bin/python3 exists here but cannot import healer (it is installed only in the test venv).
    system = Path("/usr/bin/python3")
    if not system.exists():
        pytest.skip("no /usr/bin/python3")
    install(repo.path, ["pre-push"], python=str(system))
    shim = repo.path / ".git" / "hooks" / "pre-push"
    done = subprocess.run(
        [str(shim), "origin", "x"], cwd=repo.path, input="", capture_output=True, text=True,
        env={**os.environ, "PATH": _path_without_healer(tmp_path), "PYTHONPATH": ""},
    )  # fmt: skip
    assert done.returncode == 1
    assert "which can no longer import healer" in done.stderr and "git push --no-verify" in done.stderr
