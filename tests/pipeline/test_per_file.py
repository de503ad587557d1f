"""Per-file stages (`files = "each"`): real ruff over a real repository, one cache entry per file."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from healer.config.load import load_config
from healer.errors import HealerError
from healer.kb.store import Store
from healer.pipeline.per_file import partition
from healer.pipeline.result import StageResult
from healer.pipeline.runner import RunOptions, run_pipeline

from ..conftest import Repo

WRAPPER = """\
import json, os, sys
with open({log!r}, "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
os.execvp("ruff", ["ruff", *sys.argv[1:]])
"""


def setup(repo: Repo, tmp_path: Path, count: int, *, run: str | None = None, extra: str = "") -> Path:
    log = tmp_path / "calls.jsonl"
    wrapper = tmp_path / "ruff_wrapper.py"
    wrapper.write_text(WRAPPER.format(log=str(log)))
    command = run or f'["{sys.executable}", "{wrapper}", "check", "--no-fix", "--no-cache"]'
    repo.config(
        f"""
        [stages.lint]
        run = {command}
        inputs = ["*.py", "pyproject.toml"]
        files = "each"
        parser = "ruff"
        {extra}
        """
    )
    repo.write("pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    for number in range(count):
        repo.write(f"pkg/mod_{number:03}.py", f"VALUE_{number} = {number}\n")
    repo.commit()
    return log


def check(repo: Repo, jobs: int = 1) -> StageResult:
    with Store() as store:
        result = run_pipeline(load_config(repo.path), repo.path, options=RunOptions(jobs=jobs), store=store)
    return result.stages[0]


def calls(log: Path) -> list[list[str]]:
    if not log.exists():
        return []
    found = [json.loads(line) for line in log.read_text().splitlines()]
    log.unlink()
    return found


def checked(found: list[list[str]]) -> list[str]:
    return sorted(arg for argv in found for arg in argv if arg.endswith(".py"))


def test_a_one_file_change_reruns_only_that_file(repo: Repo, tmp_path: Path) -> None:
    log = setup(repo, tmp_path, 200)
    repo.write("pkg/bad.py", "import os\n")
    repo.commit()
    first = check(repo)
    assert first.status == "failed" and not first.cached
    assert len(checked(calls(log))) == 201
    assert [(d.file, d.code) for d in first.diagnostics] == [("pkg/bad.py", "F401")]

    again = check(repo)
    assert again.cached and calls(log) == []
    assert [(d.file, d.code) for d in again.diagnostics] == [("pkg/bad.py", "F401")]

    repo.write("pkg/mod_007.py", "VALUE_7 = 'changed'\n")
    third = check(repo)
    assert checked(calls(log)) == ["pkg/mod_007.py"]
    assert not third.cached and third.status == "failed"
    # The unchanged file's finding comes from its own cache entry.
    assert [(d.file, d.code) for d in third.diagnostics] == [("pkg/bad.py", "F401")]
    assert "bad.py" in third.output


def test_batches_across_jobs_merge_into_one_result(repo: Repo, tmp_path: Path) -> None:
    log = setup(repo, tmp_path, 20)
    repo.write("pkg/mod_000.py", "import os\n")  # the first batch fails, the second passes
    repo.commit()
    result = check(repo, jobs=2)
    found = calls(log)
    assert len(found) == 2 and len(checked(found)) == 20
    assert result.status == "failed" and result.exit_code == 1
    assert [d.file for d in result.diagnostics] == ["pkg/mod_000.py"]
    assert "batch 1 of 2" in result.output and "batch 2 of 2" in result.output

    repo.write("pkg/mod_019.py", "import sys\n")  # now one in each batch's files
    repo.write("pkg/mod_000.py", "import json\n")
    result = check(repo, jobs=2)
    assert checked(calls(log)) == ["pkg/mod_000.py", "pkg/mod_019.py"]
    assert sorted(d.file or "" for d in result.diagnostics) == ["pkg/mod_000.py", "pkg/mod_019.py"]


def test_a_config_change_reruns_every_file(repo: Repo, tmp_path: Path) -> None:
    log = setup(repo, tmp_path, 30)
    assert check(repo).status == "passed"
    assert len(checked(calls(log))) == 30
    assert check(repo).cached and calls(log) == []
    repo.write("pyproject.toml", "[tool.ruff]\nline-length = 90\n")
    assert not check(repo).cached
    assert len(checked(calls(log))) == 30


def test_the_files_placeholder_and_names_with_spaces(repo: Repo, tmp_path: Path) -> None:
    wrapper = tmp_path / "ruff_wrapper.py"
    command = f'["{sys.executable}", "{wrapper}", "check", "{{files}}", "--no-fix", "--no-cache"]'
    log = setup(repo, tmp_path, 3, run=command)
    repo.write("dir with space/ünïcode.py", "import os\n")
    repo.commit()
    result = check(repo)
    argv = calls(log)[0]
    assert argv[-2:] == ["--no-fix", "--no-cache"] and "dir with space/ünïcode.py" in argv
    assert [d.file for d in result.diagnostics] == ["dir with space/ünïcode.py"]
    again = check(repo)
    assert again.cached and [d.file for d in again.diagnostics] == ["dir with space/ünïcode.py"]


def test_output_that_names_no_file_is_not_cached_per_file(repo: Repo, tmp_path: Path) -> None:
    wrapper = tmp_path / "ruff_wrapper.py"
    command = f"\"echo 'warning: something about everything'; {sys.executable} {wrapper} check --no-fix --no-cache\""
    log = setup(repo, tmp_path, 5, run=command, extra="shell = true")
    assert check(repo).status == "passed"
    assert len(checked(calls(log))) == 5
    assert not check(repo).cached
    assert len(checked(calls(log))) == 5


def test_a_deleted_file_is_not_passed_and_no_files_skips(repo: Repo, tmp_path: Path) -> None:
    log = setup(repo, tmp_path, 2)
    (repo.path / "pkg" / "mod_000.py").unlink()
    check(repo)
    assert checked(calls(log)) == ["pkg/mod_001.py"]
    (repo.path / "pkg" / "mod_001.py").unlink()
    result = check(repo)
    assert result.status == "skipped" and result.reason == "no files match its inputs"
    assert calls(log) == []


def test_partition_keeps_within_the_length_limit() -> None:
    names = [f"file_{number:04}.py" for number in range(1000)]
    batches = partition(["ruff", "check"], names, 2, 4096)
    assert [name for batch in batches for name in batch] == names
    assert all(sum(len(n) + 1 for n in ["ruff", "check", *batch]) <= 4096 for batch in batches)
    assert len(partition(["ruff"], names[:6], 4, 4096)) == 2  # no batch smaller than four files


@pytest.mark.parametrize(
    ("stage", "problem"),
    [
        ('run = "ruff check"\ninputs = ["*.py"]\nfiles = "some"', "stages.lint.files: unknown value 'some'"),
        ('run = "ruff check"\ninputs = ["pyproject.toml"]\nfiles = "each"', "needs inputs with a glob"),
        ('run = "ruff check {files}"\ninputs = ["*.py"]', '{files} is replaced only in a stage with files = "each"'),
        ('run = ["ruff", "x{files}"]\ninputs = ["*.py"]\nfiles = "each"', "{files} must be an argument of its own"),
        ('run = "ruff check"\ninputs = ["*.py"]\nfiles = "each"\nisolate = true', "cannot be combined with isolate"),
    ],
)
def test_schema_errors_are_one_line(repo: Repo, stage: str, problem: str) -> None:
    repo.config(f"[stages.lint]\n{stage}\n")
    with pytest.raises(HealerError) as raised:
        load_config(repo.path)
    message = str(raised.value)
    assert problem in message and "\n" not in message
