"""Watch sessions with real git, real watchfiles and real stage processes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

from healer.pipeline.events import StageFinished, StageOutput
from healer.pipeline.result import StageResult
from healer.watch.events import (
    AffectedTests,
    BatchCancelled,
    BatchFinished,
    BatchStarted,
    PipelineEvent,
    WatchProblem,
    WatchStarted,
    WatchStopped,
)

from ..conftest import Repo
from .conftest import TWO_STAGES, StartWatch, Watch


def printed(batch: int, line: str) -> Callable[[PipelineEvent], bool]:
    """A stage of `batch` printed `line`: its process is running."""
    return lambda e: e.batch == batch and isinstance(e.event, StageOutput) and line in e.event.lines


def test_the_first_run_is_full_then_a_save_reruns_only_the_affected_stage(repo: Repo, watch: StartWatch) -> None:
    repo.config(TWO_STAGES)
    repo.write("a.py", "x = 1\n")
    repo.write("README.md", "hello\n")
    repo.commit()
    session = watch()
    started = session.events.next(WatchStarted)
    assert started.stages == ("lint", "docs")
    first, done = session.events.batch(0)
    assert first.stages == ("lint", "docs") and first.changed == ()
    assert done.run is not None and [s.status for s in done.run.stages] == ["passed", "passed"]

    repo.write("a.py", "x = 2\n")
    change, done = session.events.batch(1)
    assert change.changed == ("a.py",)
    assert change.stages == ("lint",)
    assert done.run is not None
    assert [(s.name, s.status, s.cached) for s in done.run.stages] == [("lint", "passed", False)]

    repo.write("README.md", "hello again\n")
    change, done = session.events.batch(2)
    assert (change.changed, change.stages) == (("README.md",), ("docs",))


def test_a_stage_that_needs_a_rerun_stage_reruns_too(repo: Repo, watch: StartWatch) -> None:
    repo.config(
        """
        [stages.generate]
        run = ["python", "-c", "print('generated')"]
        inputs = ["*.txt"]

        [stages.check]
        run = ["python", "-c", "print('checked')"]
        inputs = ["*.py"]
        needs = ["generate"]

        [stages.other]
        run = ["python", "-c", "print('other')"]
        inputs = ["*.md"]
        """
    )
    repo.write("data.txt", "1\n")
    repo.commit()
    session = watch()
    session.events.batch(0)
    repo.write("data.txt", "2\n")
    change, done = session.events.batch(1)
    assert change.stages == ("generate", "check")
    assert done.run is not None and [s.name for s in done.run.stages] == ["generate", "check"]


def test_ignored_files_and_the_git_directory_trigger_nothing(repo: Repo, watch: StartWatch) -> None:
    repo.config('[stages.all]\nrun = ["python", "-c", "pass"]\n')  # no inputs: every file counts
    repo.write(".gitignore", "*.log\nbuild/\n")
    repo.commit()
    session = watch()
    session.events.batch(0)
    repo.write("debug.log", "noise\n")
    repo.write("build/out/app.bin", "noise\n")
    repo.write("pkg/__pycache__/a.cpython-311.pyc", "noise\n")
    (repo.path / ".git" / "healer").mkdir(exist_ok=True)
    (repo.path / ".git" / "healer" / "scratch").write_text("noise\n")
    (repo.path / ".git" / "description").write_text("noise\n")
    # Events arrive in order: had any of the above counted, it would be in this batch or an earlier one.
    repo.write("sentinel.txt", "go\n")
    change, _ = session.events.batch(1)
    assert change.changed == ("sentinel.txt",)
    assert change.stages == ("all",)


def test_an_edited_gitignore_applies_to_the_very_next_change(repo: Repo, watch: StartWatch) -> None:
    repo.config('[stages.code]\nrun = ["python", "-c", "pass"]\ninputs = ["*.py", "*.tmp"]\n')
    repo.write(".gitignore", "*.log\n")
    repo.commit()
    session = watch()
    session.events.batch(0)
    repo.write("scratch.tmp", "1\n")
    change, _ = session.events.batch(1)
    assert change.changed == ("scratch.tmp",) and change.stages == ("code",)

    repo.write(".gitignore", "*.log\n*.tmp\n")
    change, _ = session.events.batch(2)
    assert change.changed == (".gitignore",) and change.stages == ()  # no stage reads .gitignore
    repo.write("scratch.tmp", "2\n")
    repo.write("b.py", "y = 1\n")
    change, _ = session.events.batch(3)
    assert change.changed == ("b.py",)


SLOW = """
[stages.slow]
run = ["python", "-c", "import pathlib, time; d = float(pathlib.Path('delay.txt').read_text()); print('begin', flush=True); time.sleep(d)"]
inputs = ["delay.txt"]

[stages.fast]
run = ["python", "-c", "print('fast')"]
inputs = ["*.py"]
"""


def test_a_change_during_a_running_stage_cancels_and_restarts_it(repo: Repo, watch: StartWatch) -> None:
    repo.config(SLOW)
    repo.write("delay.txt", "0")
    repo.commit()
    session = watch()
    session.events.batch(0)
    repo.write("delay.txt", "120")
    session.events.next(BatchStarted, lambda e: e.batch == 1)
    session.events.next(PipelineEvent, printed(1, "begin"))
    repo.write("delay.txt", "0.01")  # not batch 0's content, which the cache would answer for
    cancelled = session.events.next(BatchCancelled)
    assert cancelled.batch == 1 and cancelled.stages == ("slow",) and cancelled.changed == ("delay.txt",)
    first = session.events.next(BatchFinished, lambda e: e.batch == 1)
    assert first.cancelled and first.run is not None
    assert [(s.name, s.status) for s in first.run.stages] == [("slow", "cancelled")]
    again, done = session.events.batch(2)
    assert again.stages == ("slow",) and again.restarted == ("slow",)
    assert done.run is not None and [(s.name, s.status, s.cached) for s in done.run.stages] == [
        ("slow", "passed", False)
    ]


def test_a_change_to_other_files_lets_the_running_stage_finish(repo: Repo, watch: StartWatch) -> None:
    repo.config(SLOW)
    repo.write("delay.txt", "0")
    repo.commit()
    session = watch()
    session.events.batch(0)
    repo.write("delay.txt", "2")
    session.events.next(PipelineEvent, printed(1, "begin"))
    repo.write("a.py", "x = 1\n")
    done = session.events.next(BatchFinished, lambda e: e.batch == 1)
    assert not done.cancelled and done.run is not None and done.run.stages[0].status == "passed"
    change, _ = session.events.batch(2)
    assert change.stages == ("fast",)
    assert not session.events.all(BatchCancelled)


def test_stop_ends_a_running_stage_and_the_session(repo: Repo, watch: StartWatch) -> None:
    repo.config(SLOW)
    repo.write("delay.txt", "120")
    repo.commit()
    session = watch()
    session.events.next(PipelineEvent, printed(0, "begin"))
    session.session.stop()
    assert session.session.join(30)
    done = session.events.next(BatchFinished, lambda e: e.batch == 0)
    assert done.cancelled and done.run is not None and done.run.stages[0].status == "cancelled"
    assert isinstance(session.events.events[-1], WatchStopped)
    assert session.events.events[-1].error is None


PYTEST_PROJECT = {
    "pkg/__init__.py": "",
    "pkg/a.py": "def a():\n    return 1\n",
    "pkg/b.py": "def b():\n    return 2\n",
    "pkg/c.py": "from pkg.a import a\n\n\ndef c():\n    return a() + 1\n",
    "tests/test_a.py": "from pkg.a import a\n\n\ndef test_a():\n    assert a() == 1\n",
    "tests/test_b.py": "from pkg.b import b\n\n\ndef test_b():\n    assert b() == 2\n",
    "tests/test_c.py": "from pkg import c\n\n\ndef test_c():\n    assert c.c() == 2\n",
}
PYTEST_STAGE = """
[stages.test]
run = ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
kind = "test"
inputs = ["*.py"]
env = { PYTHONDONTWRITEBYTECODE = "1" }
"""


def pytest_repo(repo: Repo) -> None:
    repo.config(PYTEST_STAGE)
    for name, text in PYTEST_PROJECT.items():
        repo.write(name, text)
    repo.commit()


def test_the_tests_a_change_affects_run_first_then_the_whole_stage(repo: Repo, watch: StartWatch) -> None:
    pytest_repo(repo)
    session = watch()
    session.events.batch(0)
    repo.write("pkg/a.py", "def a():\n    return 1  # edited\n")
    change, done = session.events.batch(1)
    assert change.stages == ("test",)
    affected = session.events.all(AffectedTests)
    assert [(e.batch, e.stage, e.preview, e.tests) for e in affected] == [
        (1, "test", "test (affected tests)", ("tests/test_a.py", "tests/test_c.py"))
    ]
    order = [(phase, result.name) for phase, result in _results(session.events.pipeline(1))]
    assert order == [("affected", "test (affected tests)"), ("full", "test")]
    preview, full = (result for _, result in _results(session.events.pipeline(1)))
    assert preview.status == "passed" and "2 passed" in preview.output
    assert full.status == "passed" and "3 passed" in full.output
    assert done.affected == (preview,) and done.run is not None and done.run.stages == (full,)


def test_a_failing_affected_test_shows_in_the_preview_and_the_full_result_counts(repo: Repo, watch: StartWatch) -> None:
    pytest_repo(repo)
    session = watch()
    session.events.batch(0)
    repo.write("pkg/b.py", "def b():\n    return 3\n")
    _, done = session.events.batch(1)
    assert [result.status for result in done.affected] == ["failed"]
    assert any(d.node_id and "test_b" in d.node_id for d in done.affected[0].diagnostics)
    assert done.run is not None and done.run.outcome == "failed"


def test_unchanged_content_is_served_from_the_cache_without_a_preview(repo: Repo, watch: StartWatch) -> None:
    pytest_repo(repo)
    session = watch()
    session.events.batch(0)
    original = (repo.path / "pkg/b.py").read_text()
    repo.write("pkg/b.py", "def b():\n    return 2  # edited\n")
    session.events.batch(1)
    repo.write("pkg/b.py", original)
    _, done = session.events.batch(2)
    assert done.affected == ()
    assert done.run is not None and [(s.status, s.cached) for s in done.run.stages] == [("passed", True)]


def test_a_broken_configuration_is_reported_and_a_fixed_one_reruns_everything(repo: Repo, watch: StartWatch) -> None:
    repo.config(TWO_STAGES)
    repo.commit()
    session = watch()
    session.events.batch(0)
    repo.write("healer.toml", "[stages.lint\nrun = 1\n")
    problem = session.events.next(WatchProblem)
    assert "healer.toml" in problem.message
    repo.write("a.py", "x = 1\n")  # held until the configuration can be read again
    repo.config(TWO_STAGES + '\n[stages.more]\nrun = ["python", "-c", "pass"]\ninputs = ["*.cfg"]\n')
    change = session.events.next(BatchStarted, lambda e: "healer.toml" in e.changed)
    assert change.stages == ("lint", "docs", "more")
    assert "a.py" in change.changed


def snapshot(root: Path) -> dict[str, str]:
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and not relative.startswith(".git/"):
            files[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def test_watching_never_touches_the_working_tree_the_index_or_the_stash(repo: Repo, watch: StartWatch) -> None:
    repo.config(TWO_STAGES)
    repo.write("a.py", "x = 1\n")
    repo.write("b.py", "y = 1\n")
    repo.commit()
    repo.write("b.py", "y = 2\n")
    repo.git("stash", "-q")
    repo.write("a.py", "x = 2\n")
    repo.git("add", "a.py")
    repo.write("a.py", "x = 3\n")  # staged and unstaged content differ
    index = (repo.path / ".git" / "index").read_bytes()
    stash = repo.git("stash", "list")
    session = watch()
    session.events.batch(0)
    repo.write("a.py", "x = 4\n")
    repo.write("c.py", "z = 1\n")
    session.events.next(BatchFinished, lambda e: e.batch >= 1 and "c.py" in _changed(session, e.batch))
    expected = snapshot(repo.path)
    session.session.stop()
    assert session.session.join(30)
    assert snapshot(repo.path) == expected
    assert (repo.path / ".git" / "index").read_bytes() == index
    assert repo.git("stash", "list") == stash
    assert repo.git("diff", "--cached", "--name-only") == "a.py\n"


def _changed(session: Watch, number: int) -> tuple[str, ...]:
    return next((e.changed for e in session.events.all(BatchStarted) if e.batch == number), ())


def _results(events: Sequence[tuple[str, object]]) -> list[tuple[str, StageResult]]:
    return [(phase, event.result) for phase, event in events if isinstance(event, StageFinished)]
