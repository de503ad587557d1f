"""`healer install` / `healer uninstall`: where hooks go, round trips, idempotency, what is left alone."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from healer.hooks.install import install, uninstall
from healer.hooks.shim import render

from ..conftest import Repo, RunHealer
from .helpers import FAKE_PYTHON, RECORDING_HOOK, executable, log_lines, mode, run_git


def test_install_writes_both_shims_calling_this_interpreter(repo: Repo, healer: RunHealer) -> None:
    result = healer("install")
    assert result.code == 0, result.err
    hooks = repo.path / ".git" / "hooks"
    for name in ("pre-commit", "pre-push"):
        assert (hooks / name).read_text() == render(name, sys.executable)
        assert mode(hooks / name) == 0o755
    assert result.out.splitlines() == [
        f"pre-commit: installed {hooks / 'pre-commit'}",
        f"pre-push: installed {hooks / 'pre-push'}",
    ]
    doctor = healer("doctor")
    assert "healer runs on pre-commit, pre-push" in doctor.out


def test_installing_twice_changes_nothing(repo: Repo, healer: RunHealer) -> None:
    executable(repo.path / ".git" / "hooks" / "pre-commit", RECORDING_HOOK, 0o750)
    healer("install")
    hooks = repo.path / ".git" / "hooks"
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in hooks.rglob("*") if p.is_file()}
    again = healer("install")
    assert again.code == 0
    assert again.out.count("unchanged") == 2
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in hooks.rglob("*") if p.is_file()} == before


def test_install_from_another_interpreter_updates_in_place_and_keeps_the_chain(repo: Repo, tmp_path: Path) -> None:
    hooks = repo.path / ".git" / "hooks"
    executable(hooks / "pre-commit", RECORDING_HOOK)
    install(repo.path, ["pre-commit"], python="/old/venv/bin/python")
    [outcome] = install(repo.path, ["pre-commit"], python="/new/venv/bin/python")
    assert outcome.status == "updated"
    assert (hooks / "pre-commit").read_text() == render("pre-commit", "/new/venv/bin/python")
    assert (hooks / "healer-previous" / "pre-commit").read_text() == RECORDING_HOOK


def test_a_shim_an_earlier_version_wrote_is_rewritten_by_install_and_removed_by_uninstall(repo: Repo) -> None:
    from healer.hooks.shim import OLDER_STARTS

    hooks = repo.path / ".git" / "hooks"
    executable(hooks / "pre-commit", RECORDING_HOOK)
    install(repo.path, ["pre-commit"], python=sys.executable)
    (hooks / "pre-commit").write_text(render("pre-commit", sys.executable, OLDER_STARTS[0]))
    [outcome] = install(repo.path, ["pre-commit"], python=sys.executable)
    assert outcome.status == "updated"
    assert (hooks / "pre-commit").read_text() == render("pre-commit", sys.executable)
    (hooks / "pre-commit").write_text(render("pre-commit", sys.executable, OLDER_STARTS[0]))
    [removed] = uninstall(repo.path, ["pre-commit"])
    assert removed.status == "removed"
    assert (hooks / "pre-commit").read_text() == RECORDING_HOOK


def test_uninstall_puts_back_the_previous_hook_byte_for_byte_with_its_mode(repo: Repo, healer: RunHealer) -> None:
    hooks = repo.path / ".git" / "hooks"
    original = b"#!/bin/sh\r\necho 'odd bytes \xff'\nexit 0"  # CRLF, no final newline, not UTF-8
    (hooks / "pre-commit").write_bytes(original)
    (hooks / "pre-commit").chmod(0o741)
    (hooks / "pre-push").symlink_to("/somewhere/else")  # dangling, still a hook to keep
    healer("install")
    assert (hooks / "pre-commit").read_text().startswith("#!/bin/sh\n# healer-hook v1")
    result = healer("uninstall")
    assert result.code == 0
    assert (hooks / "pre-commit").read_bytes() == original and mode(hooks / "pre-commit") == 0o741
    assert os.readlink(hooks / "pre-push") == "/somewhere/else"
    assert not (hooks / "healer-previous").exists()
    assert "put back the hook it had replaced" in result.out


def test_uninstall_when_not_installed_says_so(repo: Repo, healer: RunHealer) -> None:
    result = healer("uninstall", "--hook", "pre-push")
    assert result.code == 0
    assert result.out.strip() == f"pre-push: absent {repo.path / '.git' / 'hooks' / 'pre-push'}; not installed"


def test_uninstall_leaves_a_changed_shim_and_a_replaced_hook_alone(repo: Repo, healer: RunHealer) -> None:
    hooks = repo.path / ".git" / "hooks"
    executable(hooks / "pre-push", RECORDING_HOOK)
    healer("install")
    edited = (hooks / "pre-commit").read_text() + "echo mine\n"
    (hooks / "pre-commit").write_text(edited)
    (hooks / "pre-push").write_text("#!/bin/sh\necho someone else's\n")
    result = healer("uninstall")
    assert result.code == 0
    assert (hooks / "pre-commit").read_text() == edited
    assert (hooks / "pre-push").read_text() == "#!/bin/sh\necho someone else's\n"
    assert (hooks / "healer-previous" / "pre-push").read_text() == RECORDING_HOOK
    lines = result.out.splitlines()
    assert "left alone" in lines[0] and "changed after `healer install`" in lines[0]
    assert "left alone" in lines[1] and "healer-previous/pre-push" in lines[1]
    again = healer("install")
    assert again.code == 2
    assert "changed after `healer install`" in again.err and "kept by an earlier `healer install`" in again.err


def test_core_hooks_path_relative_is_relative_to_the_work_tree_and_created(repo: Repo, healer: RunHealer) -> None:
    repo.git("config", "core.hooksPath", "tools/git-hooks")
    (repo.path / "src").mkdir()
    assert healer("install", "--hook", "pre-commit", cwd=repo.path / "src").code == 0
    assert (repo.path / "tools" / "git-hooks" / "pre-commit").is_file()
    assert not (repo.path / ".git" / "hooks" / "pre-commit").exists()


def test_core_hooks_path_absolute(repo: Repo, healer: RunHealer, tmp_path: Path) -> None:
    shared = tmp_path / "shared-hooks"
    repo.git("config", "core.hooksPath", str(shared))
    assert healer("install").code == 0
    assert (shared / "pre-commit").is_file() and (shared / "pre-push").is_file()
    healer("uninstall")
    assert list(shared.iterdir()) == []


def _fake_and_log(tmp_path: Path) -> tuple[Path, Path]:
    return executable(tmp_path / "venv" / "bin" / "python", FAKE_PYTHON), tmp_path / "hook.log"


def test_linked_worktree_installs_into_the_shared_hooks_and_runs_there(repo: Repo, tmp_path: Path) -> None:
    repo.commit("one")
    worktree = tmp_path / "feature"
    repo.git("worktree", "add", "-q", "-b", "feature", str(worktree))
    fake, log = _fake_and_log(tmp_path)
    [outcome] = install(worktree, ["pre-commit"], python=str(fake))
    assert outcome.path == (repo.path / ".git" / "hooks" / "pre-commit").resolve()
    done = run_git(worktree, "commit", "-q", "--allow-empty", "-m", "two", env={"HOOK_LOG": str(log)})
    assert done.returncode == 0, done.stderr
    assert log_lines(log) == ["healer hook pre-commit"]
    assert [o.status for o in uninstall(worktree, ["pre-commit"])] == ["removed"]


def test_submodule_installs_into_its_own_git_dir(repo: Repo, tmp_path: Path) -> None:
    library = tmp_path / "library"
    run_git(tmp_path, "init", "-q", "-b", "main", str(library))
    run_git(library, "commit", "-q", "--allow-empty", "-m", "lib")
    added = run_git(repo.path, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(library), "lib")
    assert added.returncode == 0, added.stderr
    sub = repo.path / "lib"
    fake, log = _fake_and_log(tmp_path)
    [outcome] = install(sub, ["pre-commit"], python=str(fake))
    assert outcome.path == (repo.path / ".git" / "modules" / "lib" / "hooks" / "pre-commit").resolve()
    assert not (repo.path / ".git" / "hooks" / "pre-commit").exists()
    done = run_git(sub, "commit", "-q", "--allow-empty", "-m", "in sub", env={"HOOK_LOG": str(log)})
    assert done.returncode == 0, done.stderr
    assert log_lines(log) == ["healer hook pre-commit"]
    run_git(repo.path, "commit", "-q", "--allow-empty", "-m", "outer", env={"HOOK_LOG": str(log)})
    assert log_lines(log) == ["healer hook pre-commit"]  # the outer repository has no hook


def test_outside_a_repository_is_a_usage_error(tmp_path: Path, healer: RunHealer) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    result = healer("install", cwd=outside)
    assert result.code == 2 and "not inside a git repository" in result.err


def test_a_hooks_folder_that_is_a_file_is_one_clear_line(repo: Repo, healer: RunHealer) -> None:
    hooks = repo.path / ".git" / "hooks"
    shutil.rmtree(hooks)
    hooks.write_text("not a folder\n")
    for command in ("install", "uninstall"):
        done = healer(command)
        assert done.code == 2, done.err
        assert done.err == (
            f"healer: {hooks} is a file, not a folder: git looks for hooks there (core.hooksPath, or the git "
            "directory's hooks); move the file away, then install again\n"
        )
    assert hooks.read_text() == "not a folder\n"
