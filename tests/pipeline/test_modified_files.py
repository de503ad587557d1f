"""A stage that changes the files it checks fails, naming them (issue 19, point 3; pre-commit's
"files were modified by this hook"), and is never cached as a pass."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from healer.pipeline.tracked import TrackedFiles, modified_message
from healer.snapshot.manifest import Manifest

from ..conftest import Repo, RunHealer

UGLY = "x = [1,\n  2]\n"
NEAT = "x = [1, 2]\n"


def project(repo: Repo, command: str) -> None:
    repo.config(f'[stages.fmt]\nrun = "{command}"\nkind = "format"\n')
    repo.write(".gitignore", "__pycache__/\nout.txt\n")
    repo.write("app.py", UGLY)
    repo.write("lib.py", "y=1\n")
    repo.commit("start")


def fmt(document: str) -> dict[str, object]:
    [stage] = json.loads(document)["stages"]
    return stage  # type: ignore[no-any-return]


def test_a_formatter_without_check_mode_fails_with_the_files_it_changed(repo: Repo, healer: RunHealer) -> None:
    project(repo, "black .")
    done = healer("run", "--json")

    assert done.code == 1, done.out + done.err
    stage = fmt(done.out)
    assert stage["status"] == "failed"
    assert "modified files it checks: app.py, lib.py" in str(stage["reason"])
    assert (repo.path / "app.py").read_text() == NEAT  # what black did: the user sees it in `git diff`


def test_a_run_that_changed_files_is_never_cached(repo: Repo, healer: RunHealer) -> None:
    project(repo, "black .")
    assert fmt(healer("run", "--json").out)["status"] == "failed"
    repo.git("checkout", "--", "app.py", "lib.py")  # the same content again: the same cache key

    again = fmt(healer("run", "--json").out)
    assert again["status"] == "failed" and again["cached"] is False
    assert "modified files it checks" in str(again["reason"])


def test_touching_files_without_changing_them_is_not_blamed(repo: Repo, healer: RunHealer) -> None:
    project(repo, f"{sys.executable} -c \\\"import os; os.utime('app.py', (1, 1))\\\"")
    done = healer("run", "--json")
    assert done.code == 0, done.out + done.err


def test_the_same_tool_in_check_mode_is_not_blamed(repo: Repo, healer: RunHealer) -> None:
    project(repo, "black --check .")
    repo.write("app.py", NEAT)
    repo.write("lib.py", "y = 1\n")
    repo.commit("neat")
    done = healer("run", "--json")
    assert done.code == 0, done.out + done.err


def test_writing_an_untracked_file_is_not_a_change_to_the_checked_files(repo: Repo, healer: RunHealer) -> None:
    project(repo, f"{sys.executable} -c \\\"open('out.txt', 'w').write('report')\\\"")
    done = healer("run", "--json")
    assert done.code == 0, done.out + done.err
    assert (repo.path / "out.txt").read_text() == "report"


def test_in_the_hooks_copy_the_work_tree_is_untouched_and_the_commit_blocked(repo: Repo, healer: RunHealer) -> None:
    project(repo, "black .")
    repo.write("app.py", UGLY + "z = 2\n")
    repo.git("add", "app.py")
    repo.write("app.py", "x = [1,\n  2]\nz = 3\n")  # unstaged: the check runs in a copy of what is staged
    done = healer("hook", "pre-commit", "--json")

    assert done.code == 1, done.out + done.err
    assert "modified files it checks: app.py" in str(fmt(done.out)["reason"])
    assert (repo.path / "app.py").read_text() == "x = [1,\n  2]\nz = 3\n"


def test_a_change_is_charged_to_every_stage_running_at_the_time(repo: Repo, healer: RunHealer) -> None:
    writes = "import time, pathlib; time.sleep(0.5); pathlib.Path('app.py').write_text('x = 3')"
    repo.config(
        f'[stages.writer]\nrun = "{sys.executable} -c \\"{writes}\\""\n'
        f'[stages.sleeper]\nrun = "{sys.executable} -c \\"import time; time.sleep(2)\\""\n'
    )
    repo.write("app.py", UGLY)
    repo.commit("start")
    stages = {stage["name"]: stage for stage in json.loads(healer("run", "--json").out)["stages"]}

    assert stages["writer"]["status"] == stages["sleeper"]["status"] == "failed"
    assert "(with sleeper running at the same time): app.py" in str(stages["writer"]["reason"])
    assert "(with writer running at the same time): app.py" in str(stages["sleeper"]["reason"])


def test_each_change_is_seen_once_and_deletions_count(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("a\n")
    (tmp_path / "b.py").write_text("b\n")
    files = TrackedFiles(Manifest(tmp_path, {}, {"a.py", "b.py", "gone.py"}))
    assert files.changed() == []
    (tmp_path / "b.py").write_text("bb\n")
    assert files.changed() == ["b.py"]
    assert files.changed() == []
    (tmp_path / "a.py").unlink()
    (tmp_path / "gone.py").write_text("back\n")
    assert files.changed() == ["a.py", "gone.py"]
    many = modified_message("fmt", [f"f{n}.py" for n in range(12)], ["lint"])
    assert "(with lint running at the same time)" in many and "f9.py and 2 more" in many


def test_a_known_rewriter_running_alongside_takes_the_blame_alone(repo: Repo, healer: RunHealer) -> None:
    sleeps = "import time; time.sleep(2)"
    repo.config(f'[stages.fmt]\nrun = "black ."\n[stages.sleeper]\nrun = "{sys.executable} -c \\"{sleeps}\\""\n')
    repo.write("app.py", UGLY)
    repo.commit("start")
    stages = {stage["name"]: stage for stage in json.loads(healer("run", "--json").out)["stages"]}

    assert stages["fmt"]["status"] == "failed" and "modified files it checks" in str(stages["fmt"]["reason"])
    assert stages["sleeper"]["status"] == "passed", stages["sleeper"]
