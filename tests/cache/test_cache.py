"""The stage cache: same content is served from SQLite; every kind of change invalidates it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from healer.config.load import load_config
from healer.kb.store import Store
from healer.pipeline.result import RunResult
from healer.pipeline.runner import RunOptions, run_pipeline

from ..conftest import Repo, RunHealer


def counting_stage(tmp_path: Path, extra: str = "", command: str | None = None) -> str:
    """A stage that records each real execution in a file outside the repository."""
    counter = tmp_path / "runs.log"
    run = command or f'["sh", "-c", "echo ran >> {counter}; cat *.py; exit 0"]'
    return f'[stages.check]\nrun = {run}\ninputs = ["*.py"]\n{extra}'


def runs(tmp_path: Path) -> int:
    counter = tmp_path / "runs.log"
    return len(counter.read_text().split()) if counter.exists() else 0


def go(repo: Repo, *, use_cache: bool = True, env: dict[str, str] | None = None) -> RunResult:
    with Store() as store:
        return run_pipeline(
            load_config(repo.path), repo.path, options=RunOptions(use_cache=use_cache, env=env), store=store
        )


def test_unchanged_content_is_served_from_the_cache(repo: Repo, tmp_path: Path) -> None:
    repo.config(counting_stage(tmp_path))
    repo.write("a.py", "x = 1\n")
    first = go(repo)
    second = go(repo)
    assert runs(tmp_path) == 1
    assert not first.stages[0].cached and second.stages[0].cached
    assert second.stages[0].output == first.stages[0].output == "x = 1\n"
    assert second.stages[0].status == "passed"


def test_a_failure_is_cached_with_its_diagnostics(repo: Repo, tmp_path: Path) -> None:
    counter = tmp_path / "runs.log"
    repo.config(
        counting_stage(tmp_path, command=f'["sh", "-c", "echo ran >> {counter}; echo a.py:1:1: E1 broken; exit 1"]')
    )
    repo.write("a.py", "x = 1\n")
    first = go(repo)
    second = go(repo)
    assert runs(tmp_path) == 1
    assert second.stages[0].cached and second.stages[0].status == "failed"
    assert second.stages[0].diagnostics == first.stages[0].diagnostics
    assert second.exit_code == 1


def test_changing_an_input_file_invalidates(repo: Repo, tmp_path: Path) -> None:
    repo.config(counting_stage(tmp_path))
    repo.write("a.py", "x = 1\n")
    repo.commit()
    go(repo)
    repo.write("a.py", "x = 2\n")
    assert not go(repo).stages[0].cached
    assert go(repo).stages[0].cached
    assert runs(tmp_path) == 2


def test_a_new_untracked_input_invalidates_and_other_files_do_not(repo: Repo, tmp_path: Path) -> None:
    repo.config(counting_stage(tmp_path))
    repo.write("a.py", "x = 1\n")
    go(repo)
    repo.write("notes.txt", "not an input\n")
    assert go(repo).stages[0].cached
    repo.write("pkg/b.py", "y = 1\n")
    assert not go(repo).stages[0].cached
    (repo.path / "pkg" / "b.py").unlink()
    assert go(repo).stages[0].cached  # back to content already checked


def test_ignored_files_do_not_count(repo: Repo, tmp_path: Path) -> None:
    repo.config(counting_stage(tmp_path))
    repo.write(".gitignore", "build/\n")
    repo.write("a.py", "x = 1\n")
    go(repo)
    repo.write("build/generated.py", "z = 1\n")
    assert go(repo).stages[0].cached


def test_changing_the_stage_definition_invalidates(repo: Repo, tmp_path: Path) -> None:
    repo.config(counting_stage(tmp_path))
    repo.write("a.py", "x = 1\n")
    go(repo)
    repo.config(counting_stage(tmp_path, extra="timeout = 60\n"))
    assert not go(repo).stages[0].cached
    assert runs(tmp_path) == 2


def write_tool(path: Path, version: str) -> None:
    path.write_text(f"#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'mytool {version}'; exit 0; fi\necho checked\n")
    path.chmod(0o755)


def test_a_new_tool_version_invalidates(repo: Repo, tmp_path: Path) -> None:
    tool = tmp_path / "bin" / "mytool"
    tool.parent.mkdir()
    write_tool(tool, "1.0")
    counter = tmp_path / "runs.log"
    repo.config(f'[stages.check]\nrun = ["sh", "-c", "echo ran >> {counter}"]\nversions = ["{tool} --version"]\n')
    repo.write("a.py", "x = 1\n")
    go(repo)
    assert go(repo).stages[0].cached
    write_tool(tool, "2.0")
    os.utime(tool, ns=(1, 1))  # a different file, whatever the clock resolution
    assert not go(repo).stages[0].cached
    assert runs(tmp_path) == 2
    with Store() as store:
        versions = store.conn.execute("SELECT output FROM tool_versions ORDER BY created").fetchall()
    assert [row[0] for row in versions] == ["mytool 1.0 (exit 0)", "mytool 2.0 (exit 0)"]


def test_replacing_the_stage_program_invalidates_without_declared_versions(repo: Repo, tmp_path: Path) -> None:
    tool = tmp_path / "bin" / "mytool"
    tool.parent.mkdir()
    write_tool(tool, "1.0")
    repo.config(f'[stages.check]\nrun = ["{tool}"]\n')
    go(repo)
    assert go(repo).stages[0].cached
    write_tool(tool, "1.1 with a longer version string")
    assert not go(repo).stages[0].cached


def test_installing_a_package_into_the_tools_virtualenv_invalidates(repo: Repo, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    site = venv / "lib" / "python3.99" / "site-packages"
    site.mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    write_tool(venv / "bin" / "mytool", "1.0")
    repo.config(f'[stages.check]\nrun = ["{venv / "bin" / "mytool"}"]\n')
    go(repo)
    assert go(repo).stages[0].cached
    (site / "newpkg-1.0.dist-info").mkdir()
    os.utime(site, ns=(5, 5))
    assert not go(repo).stages[0].cached


def test_named_environment_variables_invalidate_and_others_do_not(repo: Repo, tmp_path: Path) -> None:
    repo.config(counting_stage(tmp_path, extra='env_inputs = ["MODE"]\n'))
    repo.write("a.py", "x = 1\n")
    base = dict(os.environ)
    go(repo, env={**base, "MODE": "fast"})
    assert go(repo, env={**base, "MODE": "fast", "UNRELATED": "1"}).stages[0].cached
    assert not go(repo, env={**base, "MODE": "slow"}).stages[0].cached
    assert not go(repo, env=base).stages[0].cached  # unset differs from set
    assert runs(tmp_path) == 3


def test_stage_env_values_are_part_of_the_definition(repo: Repo, tmp_path: Path) -> None:
    repo.config(counting_stage(tmp_path, extra='env = { MODE = "a" }\n'))
    go(repo)
    repo.config(counting_stage(tmp_path, extra='env = { MODE = "b" }\n'))
    assert not go(repo).stages[0].cached


def test_cache_false_stage_always_runs(repo: Repo, tmp_path: Path) -> None:
    repo.config(counting_stage(tmp_path, extra="cache = false\n"))
    go(repo)
    assert not go(repo).stages[0].cached
    assert runs(tmp_path) == 2


def test_use_cache_false_skips_the_lookup(repo: Repo, tmp_path: Path) -> None:
    repo.config(counting_stage(tmp_path))
    go(repo)
    assert not go(repo, use_cache=False).stages[0].cached
    assert go(repo).stages[0].cached
    assert runs(tmp_path) == 2


def test_timeouts_are_not_cached(repo: Repo) -> None:
    repo.config('[stages.slow]\nrun = "sleep 5"\ntimeout = 0.2\n')
    go(repo)
    assert not go(repo).stages[0].cached


def test_cli_says_cached_and_no_cache_reruns(repo: Repo, healer: RunHealer, tmp_path: Path) -> None:
    repo.config(counting_stage(tmp_path))
    repo.write("a.py", "x = 1\n")
    first = healer("run")
    assert first.code == 0 and "check passed" in first.out and "cached" not in first.out
    second = healer("run")
    assert "check passed (cached)" in second.out
    third = healer("run", "--no-cache")
    assert "cached" not in third.out.splitlines()[0]
    assert runs(tmp_path) == 2
    # --no-cache neither reads nor writes: after a change, a --no-cache run leaves no entry behind.
    repo.write("a.py", "x = 2\n")
    healer("run", "--no-cache")
    assert "(cached)" not in healer("run").out
    assert runs(tmp_path) == 4


def test_the_cache_is_shared_between_clones_of_the_same_content(repo: Repo, tmp_path: Path) -> None:
    repo.config(counting_stage(tmp_path))
    repo.write("a.py", "x = 1\n")
    repo.commit()
    clone = tmp_path / "clone"
    repo.git("clone", "-q", str(repo.path), str(clone))
    go(repo)
    with Store() as store:
        result = run_pipeline(load_config(clone), clone, store=store)
    assert result.stages[0].cached


def test_editing_a_file_inside_a_submodule_invalidates(repo: Repo, tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    from ..conftest import git

    git(inner, "init", "-q", "-b", "main")
    (inner / "in.txt").write_text("one\n")
    git(inner, "add", "-A")
    git(inner, "commit", "-q", "-m", "inner")
    repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner), "sm")
    repo.commit("add submodule")
    repo.config('[stages.read]\nrun = ["cat", "sm/in.txt"]\ninputs = ["sm/**"]\n')
    assert go(repo).stages[0].output == "one\n"
    assert go(repo).stages[0].cached
    (repo.path / "sm" / "in.txt").write_text("two\n")
    fresh = go(repo).stages[0]
    assert not fresh.cached and fresh.output == "two\n"
    (repo.path / "sm" / "new.txt").write_text("untracked in the submodule\n")
    assert not go(repo).stages[0].cached


def test_a_versions_command_that_hangs_is_ended_with_its_children(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from healer.cache import tools

    pids = tmp_path / "pids"
    tool = tmp_path / "slowtool"
    tool.write_text(f"#!/bin/sh\nsleep 300 & echo $! > {pids}\nwait\n")
    tool.chmod(0o755)
    monkeypatch.setattr(tools, "VERSION_TIMEOUT", 0.5)
    repo.config(f'[stages.check]\nrun = "true"\nversions = ["{tool} --version"]\n')
    result = go(repo)
    assert result.stages[0].status == "passed"
    with Store() as store:
        (output,) = store.conn.execute("SELECT output FROM tool_versions").fetchone()
    assert output == "unavailable: no answer in 0.5s"
    from ..pipeline.test_runner import wait_dead

    assert wait_dead(int(pids.read_text()))
