"""healer's hooks beside the pre-commit framework (both install orders, for real) and husky 9."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from healer.hooks.install import install, uninstall

from ..conftest import Repo
from .helpers import FAKE_HEALER, FAKE_PYTHON, executable, log_lines, mode, run_git

PRE_COMMIT = shutil.which("pre-commit", path=os.path.dirname(sys.executable))

FRAMEWORK_CONFIG = """\
repos:
  - repo: local
    hooks:
      - id: marker
        name: marker
        entry: sh -c 'echo "framework $PRE_COMMIT_FROM_REF" >> "$HOOK_LOG"'
        language: system
        pass_filenames: false
        always_run: true
        stages: [pre-commit, pre-push]
"""


@pytest.fixture
def framework(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if PRE_COMMIT is None:
        pytest.skip("pre-commit is not installed beside the test interpreter")
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    log = tmp_path / "hook.log"
    monkeypatch.setenv("HOOK_LOG", str(log))
    repo.write(".pre-commit-config.yaml", FRAMEWORK_CONFIG)
    repo.git("add", ".pre-commit-config.yaml")
    return log


def _pre_commit(repo: Repo, *args: str) -> str:
    assert PRE_COMMIT is not None
    result = subprocess.run([PRE_COMMIT, *args], cwd=repo.path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _commit(repo: Repo, message: str, **env: str) -> int:
    return run_git(repo.path, "commit", "-q", "--allow-empty", "-m", message, env=env).returncode


def test_healer_install_after_pre_commit_install_chains_the_framework(
    repo: Repo, framework: Path, tmp_path: Path
) -> None:
    fake = executable(tmp_path / "venv" / "bin" / "python", FAKE_PYTHON)
    hooks = repo.path / ".git" / "hooks"
    executable(hooks / "pre-commit", '#!/bin/sh\necho original >> "$HOOK_LOG"\n')
    _pre_commit(repo, "install")  # moves the original to pre-commit.legacy
    framework_script = (hooks / "pre-commit").read_bytes()
    install(repo.path, ["pre-commit"], python=str(fake))
    assert _commit(repo, "one") == 0
    # The framework's script, run as .git/hooks/pre-commit, still finds its .legacy.
    assert log_lines(framework) == ["original", "framework ", "healer hook pre-commit"]
    framework.unlink()
    assert _commit(repo, "two", FAKE_EXIT="1") == 1
    assert [o.status for o in install(repo.path, ["pre-commit"], python=str(fake))] == ["unchanged"]
    # Running `pre-commit install` again now moves healer's shim to .legacy: healer still runs, once.
    _pre_commit(repo, "install")
    framework.unlink()
    assert _commit(repo, "three") == 0
    assert log_lines(framework) == ["healer hook pre-commit", "framework "]
    [outcome] = uninstall(repo.path, ["pre-commit"])
    assert outcome.status == "removed"
    assert (hooks / "pre-commit").read_bytes() == framework_script
    assert not (hooks / "pre-commit.legacy").exists()  # pre-commit had overwritten the original with the shim
    assert not (hooks / "healer-previous").exists()


def test_pre_commit_install_after_healer_install_keeps_healer_as_legacy(
    repo: Repo, framework: Path, tmp_path: Path
) -> None:
    fake = executable(tmp_path / "venv" / "bin" / "python", FAKE_PYTHON)
    hooks = repo.path / ".git" / "hooks"
    install(repo.path, ["pre-commit", "pre-push"], python=str(fake))
    shim = (hooks / "pre-commit").read_bytes()
    _pre_commit(repo, "install", "--hook-type", "pre-commit", "--hook-type", "pre-push")
    assert (hooks / "pre-commit.legacy").read_bytes() == shim
    assert _commit(repo, "one") == 0
    assert log_lines(framework) == ["healer hook pre-commit", "framework "]
    framework.unlink()
    assert _commit(repo, "two", FAKE_EXIT="1") == 1
    # The framework runs its own hooks after a failed legacy hook, and fails the commit.
    assert log_lines(framework) == ["healer hook pre-commit", "framework "]
    # Installing again does not chain healer to itself.
    outcomes = install(repo.path, ["pre-commit", "pre-push"], python=str(fake))
    assert [o.status for o in outcomes] == ["unchanged", "unchanged"]
    assert "already runs as pre-commit's pre-commit.legacy" in outcomes[0].detail
    # pre-push through the framework: the refs reach healer's shim on stdin.
    remote = tmp_path / "remote.git"
    run_git(tmp_path, "init", "-q", "--bare", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    framework.unlink()
    pushed = run_git(repo.path, "push", "-q", "origin", "main")
    assert pushed.returncode == 0, pushed.stderr
    head = repo.git("rev-parse", "HEAD").strip()
    assert Path(f"{framework}.healer-stdin").read_text() == f"refs/heads/main {head} refs/heads/main {'0' * 40}\n"
    assert log_lines(framework)[0] == f"healer hook pre-push origin {remote}"
    assert [o.status for o in uninstall(repo.path)] == ["removed", "removed"]
    assert not (hooks / "pre-commit.legacy").exists() and not (hooks / "pre-push.legacy").exists()


# husky 9.1.7, as `husky` (the `prepare` script) writes it: core.hooksPath=.husky/_, a git-ignored
# `_` folder with the `h` runner and one two-line stub per hook. Reproduced from husky's index.js and
# husky.sh (typicode/husky, MIT) so the test needs neither node nor npm.
HUSKY_H = """#!/usr/bin/env sh
[ "$HUSKY" = "2" ] && set -x
n=$(basename "$0")
s=$(dirname "$(dirname "$0")")/$n

[ ! -f "$s" ] && exit 0

if [ -f "$HOME/.huskyrc" ]; then
\techo "husky - '~/.huskyrc' is DEPRECATED, please move your code to ~/.config/husky/init.sh"
fi
i="${XDG_CONFIG_HOME:-$HOME/.config}/husky/init.sh"
[ -f "$i" ] && . "$i"

[ "${HUSKY-}" = "0" ] && exit 0

export PATH="node_modules/.bin:$PATH"
sh -e "$s" "$@"
c=$?

[ $c != 0 ] && echo "husky - $n script failed (code $c)"
[ $c = 127 ] && echo "husky - command not found in PATH=$PATH"
exit $c
"""
HUSKY_HOOKS = ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "pre-push")


def _husky_prepare(repo: Repo) -> Path:
    generated = repo.path / ".husky" / "_"
    generated.mkdir(parents=True, exist_ok=True)
    (generated / ".gitignore").write_text("*")
    (generated / "h").write_text(HUSKY_H)
    for name in HUSKY_HOOKS:
        executable(generated / name, '#!/usr/bin/env sh\n. "${0%/*}/h"')
    (generated / "husky.sh").write_text("")
    repo.git("config", "core.hooksPath", ".husky/_")
    return generated


def test_husky_9_gets_one_line_in_the_users_script_that_survives_husky_reinstalling(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generated = _husky_prepare(repo)
    user_script = repo.write(".husky/pre-commit", 'echo "lint-staged $0" >> "$HOOK_LOG"')  # no final newline
    original = user_script.read_bytes()
    bindir = tmp_path / "bin"
    executable(bindir / "healer", FAKE_HEALER)
    log = tmp_path / "hook.log"
    monkeypatch.setenv("HOOK_LOG", str(log))
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}/usr/bin{os.pathsep}/bin")
    outcomes = install(repo.path)
    assert [o.status for o in outcomes] == ["installed", "installed"]
    assert "husky rewrites .husky/_" in outcomes[0].detail
    assert not (generated / "healer-previous").exists()
    assert (generated / "pre-commit").read_text() == '#!/usr/bin/env sh\n. "${0%/*}/h"'
    assert user_script.read_text().endswith(
        '\nhealer hook pre-commit "$@"  # healer-hook v1 (`healer uninstall` removes this line)'
    )
    _husky_prepare(repo)  # `npm install` runs husky again: nothing of healer's is lost
    assert _commit(repo, "one") == 0
    assert log_lines(log) == ["lint-staged .husky/pre-commit", "path-healer hook pre-commit"]
    log.unlink()
    assert _commit(repo, "two", FAKE_EXIT="1") == 1
    assert [o.status for o in install(repo.path)] == ["unchanged", "unchanged"]
    assert [o.status for o in uninstall(repo.path)] == ["removed", "removed"]
    assert user_script.read_bytes() == original and mode(user_script) == 0o644
    assert not (repo.path / ".husky" / "pre-push").exists()  # healer created it, healer removed it
    assert [o.status for o in uninstall(repo.path)] == ["absent", "absent"]


def test_husky_5_to_8_layout_is_refused_with_the_line_to_add(repo: Repo) -> None:
    executable(repo.path / ".husky" / "_" / "husky.sh", "#!/usr/bin/env sh\n")
    executable(repo.path / ".husky" / "pre-commit", '#!/bin/sh\n. "$(dirname -- "$0")/_/husky.sh"\nnpx lint-staged\n')
    repo.git("config", "core.hooksPath", ".husky")
    from healer.errors import HealerError

    with pytest.raises(HealerError, match=r'add the line `healer hook pre-commit "\$@"`'):
        install(repo.path)
