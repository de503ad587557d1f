"""The stages screen: live status and durations, each stage's log streamed, cleaned and bounded; rerun, cancel, quit."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from textual.pilot import Pilot

from healer.tui.app import HealerApp
from healer.tui.logbuffer import LIMIT
from healer.tui.widgets.stage_log import StageLog
from healer.tui.widgets.stage_table import StageTable

from ..conftest import Repo
from .conftest import drive, make_app, settle
from .screen import screen_text

PY = sys.executable
NOISY = f"""\
ESC, BEL, BS = chr(27), chr(7), chr(8)
for i in range({LIMIT + 7000}):
    print(f"{{ESC}}[31mline {{i}}{{ESC}}[0m {{ESC}}]0;a window title{{BEL}}done")
print("progress 10%" + chr(13) + "progress 100%")
print("tail: bell" + BEL + " backspace" + BS + " end")
"""
STAGES = f"""\
[stages.quick]
run = ["{PY}", "-c", "print('hello from quick')"]

[stages.noisy]
run = ["{PY}", "noisy.py"]

[stages.broken]
run = ["{PY}", "-c", "import sys; print('it broke'); sys.exit(3)"]

[stages.after]
run = ["{PY}", "-c", "print('never')"]
needs = ["broken"]
"""


@pytest.fixture
def stages_repo(repo: Repo) -> Repo:
    repo.write("noisy.py", NOISY)
    repo.config(STAGES)
    repo.commit()
    return repo


def table(app: HealerApp) -> StageTable:
    return app.screen.query_one(StageTable)


def log(app: HealerApp) -> StageLog:
    return app.screen.query_one(StageLog)


async def select(pilot: Pilot[int], name: str) -> None:
    app = pilot.app
    assert isinstance(app, HealerApp)
    table(app).select(name)
    await pilot.pause(0.2)
    assert log(app).stage == name


def test_statuses_durations_and_cleaned_bounded_logs(stages_repo: Repo) -> None:
    app = make_app(stages_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        stages = app.session.stages
        assert {name: stage.status for name, stage in stages.items()} == {
            "quick": "passed", "noisy": "passed", "broken": "failed", "after": "skipped",
        }  # fmt: skip
        shown = table(app)
        for name in ("quick", "noisy", "broken"):
            assert str(shown.get_cell(name, "time")).strip(), name
            assert str(shown.get_cell(name, "status")) == stages[name].status
        assert str(shown.get_cell("after", "time")).strip() == ""
        await select(pilot, "noisy")
        lines = log(app).lines
        assert len(lines) == LIMIT
        assert lines[-3:] == [f"line {LIMIT + 6999} done", "progress 100%", "tail: bell\ufffd backspace\ufffd end"]
        assert not any("\x1b" in line or "\x07" in line for line in lines)
        assert log(app).border_title == f"noisy · last {LIMIT:,} of {LIMIT + 7002:,} lines kept"
        assert "\x1b" not in screen_text(app)
        await select(pilot, "broken")
        assert log(app).lines == ["it broke"]
        await select(pilot, "after")
        assert log(app).lines == ["needs 'broken', which failed"]
        assert "1 failure in 1 file (f)" in screen_text(app)

    drive(app, scenario)


def test_a_second_session_shows_cached_results_and_r_reruns_one_stage(stages_repo: Repo) -> None:
    drive(make_app(stages_repo), settle)
    app = make_app(stages_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        stages = app.session.stages
        assert stages["quick"].label == "passed (cached)" and stages["quick"].icon == "✔"
        assert stages["broken"].label == "failed (cached)" and stages["broken"].icon == "✘"
        await select(pilot, "quick")
        assert log(app).lines == ["hello from quick"]
        await pilot.press("r")
        await settle(pilot)
        assert stages["quick"].label == "passed"
        assert stages["quick"].result is not None and not stages["quick"].result.cached
        assert stages["noisy"].cached  # the other stages keep their results
        assert log(app).lines == ["hello from quick"]

    drive(app, scenario)


SLOW = """\
import os, time
with open("slow.pid", "w") as handle:
    handle.write(str(os.getpid()))
print("started", flush=True)
time.sleep(60)
"""


@pytest.fixture
def slow_repo(repo: Repo) -> Repo:
    repo.write("slow.py", SLOW)
    repo.write(".gitignore", "slow.pid\n")
    repo.config(f'[stages.slow]\nrun = ["{PY}", "slow.py"]\n')
    repo.commit()
    return repo


async def until_started(pilot: Pilot[int]) -> None:
    app = pilot.app
    assert isinstance(app, HealerApp)
    deadline = time.monotonic() + 30
    while "started" not in log(app).lines:
        await pilot.pause(0.1)
        assert time.monotonic() < deadline, "the slow stage never started"


def ended(pid_file: Path) -> bool:
    try:
        os.kill(int(pid_file.read_text()), 0)
    except ProcessLookupError:
        return True
    return False


def test_running_stage_shows_live_then_c_cancels_it(slow_repo: Repo) -> None:
    app = make_app(slow_repo)

    async def scenario(pilot: Pilot[int]) -> None:
        await until_started(pilot)
        assert app.session.stages["slow"].status == "running"
        assert "running" in screen_text(app)
        began = time.monotonic()
        await pilot.press("c")
        await settle(pilot)
        assert time.monotonic() - began < 15
        assert app.session.stages["slow"].status == "cancelled"
        assert app.session.progress == "cancelled"

    drive(app, scenario)
    assert ended(slow_repo.path / "slow.pid")


def test_quitting_during_a_run_ends_the_stage_processes(slow_repo: Repo) -> None:
    app = make_app(slow_repo)
    began: list[float] = []

    async def scenario(pilot: Pilot[int]) -> None:
        await until_started(pilot)
        began.append(time.monotonic())
        await pilot.press("q")

    drive(app, scenario)
    assert time.monotonic() - began[0] < 15
    assert ended(slow_repo.path / "slow.pid")


def test_the_footer_offers_no_cancel_once_the_check_is_over(lint_repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a busy machine the UI can show a check's results before its worker has ended; the footer must
    still stop offering `c cancel` once it has (the wait below stands in for the scheduler)."""
    import time

    import healer.tui.app as app_module

    real = app_module.run_checks
    app = make_app(lint_repo)

    def descheduled(*args: object, **kwargs: object) -> None:
        real(*args, **kwargs)  # type: ignore[arg-type]  # has posted FixesReady
        while app.session.running:  # the UI handles it and redraws before this worker ends
            time.sleep(0.01)
        time.sleep(1.0)

    monkeypatch.setattr(app_module, "run_checks", descheduled)

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        assert not app.checking
        await pilot.pause(0.1)
        footer = screen_text(app).splitlines()[-1]
        assert "c cancel" not in footer, footer

    drive(app, scenario, size=(100, 28))
