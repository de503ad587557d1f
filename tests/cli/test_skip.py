"""SKIP=a,b (pre-commit's variable) and HEALER_SKIP leave stages out of every run the core makes: `healer run`,
the hooks, `healer fix` (verification included) and watch mode."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from healer.config.settings import Stage
from healer.pipeline.skip import left_out, read_skips, unknown_names_warning
from healer.service import Healer
from healer.watch.events import AffectedTests, BatchFinished
from healer.watch.session import WatchOptions, WatchSession
from healer.workspace import open_workspace

from ..conftest import Repo, RunHealer
from ..watch.conftest import DEADLINE, Recorder
from ..watch.test_session import PYTEST_PROJECT, PYTEST_STAGE

# `types` always fails; `test` needs it; `lint` passes.
THREE = """
[stages.lint]
run = ["python", "-c", "print('lint ok')"]
[stages.types]
run = ["python", "-c", "raise SystemExit('types say no')"]
[stages.test]
run = ["python", "-c", "print('tested')"]
needs = ["types"]
"""


def three(repo: Repo) -> None:
    repo.config(THREE)
    repo.commit()


def statuses(out: str) -> dict[str, tuple[str, str | None]]:
    return {stage["name"]: (stage["status"], stage["reason"]) for stage in json.loads(out)["stages"]}


def test_skip_leaves_the_named_stage_out_and_its_dependants_still_run(repo: Repo, healer: RunHealer) -> None:
    three(repo)
    plain = healer("run")
    assert plain.code == 1 and "test skipped: needs 'types', which failed" in plain.out

    skipped = healer("run", env={"SKIP": "types"})
    assert skipped.code == 0, skipped.out
    assert "types skipped: SKIP" in skipped.out and "test passed" in skipped.out
    document = healer("run", "--json", env={"SKIP": "types"})
    assert statuses(document.out) == {"lint": ("passed", None), "types": ("skipped", "SKIP"), "test": ("passed", None)}
    assert json.loads(document.out)["outcome"] == "passed"


def test_several_names_and_healer_skip(repo: Repo, healer: RunHealer) -> None:
    three(repo)
    both = statuses(healer("run", "--json", env={"SKIP": "lint, types"}).out)
    assert both == {"lint": ("skipped", "SKIP"), "types": ("skipped", "SKIP"), "test": ("passed", None)}
    ours = statuses(healer("run", "--json", env={"HEALER_SKIP": "types test"}).out)
    assert ours == {"lint": ("passed", None), "types": ("skipped", "HEALER_SKIP"), "test": ("skipped", "HEALER_SKIP")}
    every = healer("run", env={"HEALER_SKIP": "1"})
    assert every.code == 0 and every.out.count("skipped: HEALER_SKIP") == 3


def test_a_name_that_is_no_stage_is_one_warning_not_an_error(repo: Repo, healer: RunHealer) -> None:
    three(repo)
    typo = healer("run", env={"SKIP": "tpyes,types"})
    warnings = [line for line in typo.out.splitlines() if "tpyes" in line]
    assert warnings == ["healer: SKIP names tpyes: no such stage, ignored (the stages are: lint, types, test)"]
    assert typo.code == 0 and "types skipped: SKIP" in typo.out
    document = healer("run", "--json", env={"HEALER_SKIP": "nope"})
    assert document.code == 1 and "HEALER_SKIP names nope" in document.err
    assert any("HEALER_SKIP names nope" in notice for notice in json.loads(document.out)["notices"])
    # Under the pre-commit framework SKIP names its other hooks too: not healer's to warn about.
    framework = healer("run", env={"SKIP": "check-yaml", "PRE_COMMIT": "1"})
    assert framework.code == 1 and "check-yaml" not in framework.out + framework.err


def test_the_pre_commit_hook_honours_skip_and_says_how(repo: Repo, healer: RunHealer) -> None:
    three(repo)
    repo.write("a.txt", "staged\n")
    repo.git("add", "a.txt")
    blocked = healer("hook", "pre-commit")
    assert blocked.code == 1
    assert "HEALER_SKIP=1 (SKIP=types skips only the failing stages)" in blocked.err
    passed = healer("hook", "pre-commit", env={"SKIP": "types"})
    assert passed.code == 0, passed.out + passed.err
    assert "types skipped: SKIP" in passed.out and "test passed" in passed.out
    whole = healer("hook", "pre-commit", env={"HEALER_SKIP": "1"})
    assert whole.code == 0 and "skipped (HEALER_SKIP=1)" in whole.err


STRICT = """
[stages.lint]
run = "ruff check --no-fix ."
[stages.strict]
run = ["sh", "-c", "echo strict says no; exit 1"]
"""


def test_fix_and_its_verification_leave_the_skipped_stage_out(repo: Repo, healer: RunHealer) -> None:
    # `strict` reads every file and always fails: rerun in verification it would fail the fix it did not
    # fail before. Left out everywhere, the fix for lint is verified and applied, and every stage passes.
    repo.config(STRICT)
    repo.write("a.py", "import os\n\nx = 1\n")
    repo.commit()
    done = healer("fix", "--offline", "--apply", "safe", "--json", env={"SKIP": "strict"})
    report = json.loads(done.out)
    assert done.code == 0, done.out
    (patch,) = report["rounds"][0]["patches"]
    assert patch["status"] == "verified" and patch["verification"]["reruns"] == ["lint", "strict"], patch
    assert report["applied"] == [patch["id"]] and "import os" not in (repo.path / "a.py").read_text()
    assert statuses(json.dumps(report["final"])) == {"lint": ("passed", None), "strict": ("skipped", "SKIP")}


def test_watch_mode_skips_in_every_batch_and_never_previews_a_skipped_stage(repo: Repo) -> None:
    repo.config(PYTEST_STAGE)
    for name, text in PYTEST_PROJECT.items():
        repo.write(name, text)
    repo.commit()
    events = Recorder()
    healer = Healer(open_workspace(repo.path), via="watch", environ={"SKIP": "test"})
    session = WatchSession(healer, events, WatchOptions(debounce_ms=100))
    session.start()
    try:
        first = events.next(BatchFinished, lambda e: e.batch == 0)
        assert first.run is not None and [(s.name, s.status, s.reason) for s in first.run.stages] == [
            ("test", "skipped", "SKIP")
        ]
        repo.write("pkg/a.py", "def a():\n    return 1  # edited\n")
        second = events.next(BatchFinished, lambda e: e.batch == 1)
        assert second.run is not None and second.run.stages[0].reason == "SKIP"
        assert events.all(AffectedTests) == [] and second.affected == ()
    finally:
        session.stop()
        assert session.join(30) and session.failure is None


NEEDS_SKIPPED = PYTEST_STAGE.replace('kind = "test"', 'kind = "test"\nneeds = ["build"]') + (
    '[stages.build]\nrun = ["python", "-c", "raise SystemExit(1)"]\ninputs = ["*.py"]\n'
)


def test_watch_previews_a_stage_whose_need_is_skipped(repo: Repo) -> None:
    repo.config(NEEDS_SKIPPED)
    for name, text in PYTEST_PROJECT.items():
        repo.write(name, text)
    repo.commit()
    events = Recorder()
    healer = Healer(open_workspace(repo.path), via="watch", environ={"SKIP": "build"})
    session = WatchSession(healer, events, WatchOptions(debounce_ms=100))
    session.start()
    try:
        events.next(BatchFinished, lambda e: e.batch == 0)
        repo.write("pkg/a.py", "def a():\n    return 1  # edited\n")
        done = events.next(BatchFinished, lambda e: e.batch == 1)
        assert [e.stage for e in events.all(AffectedTests)] == ["test"]
        assert done.run is not None and {s.name: s.status for s in done.run.stages} == {
            "build": "skipped", "test": "passed",
        }  # fmt: skip
    finally:
        session.stop()
        assert session.join(30) and session.failure is None


def test_healer_watch_honours_skip(repo: Repo) -> None:
    three(repo)
    env = {**os.environ, "SKIP": "types"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "healer", "watch", "--json"], cwd=repo.path, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + DEADLINE
        summary: dict[str, object] = {}
        for line in proc.stdout:
            record = json.loads(line)
            if record["event"] == "summary":
                summary = record
                break
            assert time.monotonic() < deadline
        assert summary["statuses"] == {"lint": "passed", "types": "skipped", "test": "passed"}
        assert summary["outcome"] == "passed"
    finally:
        proc.kill()
        proc.communicate()


def test_reading_the_variables() -> None:
    stages = tuple(Stage(name, "true") for name in ("a", "b", "c"))
    skips = read_skips({"SKIP": " a,,zz ", "HEALER_SKIP": "b\tc a"})
    assert left_out(skips, stages) == {"a": "HEALER_SKIP", "b": "HEALER_SKIP", "c": "HEALER_SKIP"}
    assert unknown_names_warning(skips, stages) == "SKIP names zz: no such stage, ignored (the stages are: a, b, c)"
    assert left_out(read_skips({}), stages) == {} and unknown_names_warning(read_skips({}), stages) is None
    assert left_out(read_skips({"SKIP": "1"}), stages) == {}  # SKIP=1 is pre-commit's: it names a hook "1"
    assert list(left_out(read_skips({"HEALER_SKIP": "1"}), stages)) == ["a", "b", "c"]


def test_a_run_whose_every_stage_is_skipped_is_not_called_a_pass(repo: Repo, healer: RunHealer) -> None:
    repo.config('[stages.a]\nrun = "true"\n[stages.b]\nrun = "false"\n')
    repo.commit("start")

    done = healer("run", env={"SKIP": "a,b"})
    assert done.code == 0
    assert "Nothing checked: 2 skipped" in done.out and "All stages passed" not in done.out
    fixed = healer("fix", "--offline", env={"SKIP": "b"})
    assert "now every stage checked passes (b skipped as you asked)" in fixed.out
