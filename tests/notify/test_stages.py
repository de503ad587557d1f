"""Watch mode's and the TUI's desktop notifications: only a stage going red, or green again, is told."""

from __future__ import annotations

from pathlib import Path

from healer.config.settings import NotifySettings
from healer.diagnostics.diagnostic import Diagnostic
from healer.kb.database import KnowledgeBase
from healer.notify.stages import StageAlerts
from healer.pipeline.result import StageResult

from .conftest import Program, fake_program, secret

ON = NotifySettings(desktop=True)


class Clock:
    now = 5_000_000.0

    def __call__(self) -> float:
        return self.now


def result(name: str, status: str, *messages: str) -> StageResult:
    diagnostics = tuple(
        Diagnostic(name, "pytest", f"tests/test_{n}.py", n + 1, None, None, text, "error", f"{name}-fp{n}")
        for n, text in enumerate(messages)
    )
    return StageResult(name, "test", status, "pytest", diagnostics=diagnostics)  # type: ignore[arg-type]


def alerts(tmp_path: Path, clock: Clock | None = None) -> tuple[StageAlerts, Program, list[str]]:
    program = fake_program(tmp_path / "bin", "notify-send")
    heard: list[str] = []
    made = StageAlerts(tmp_path / "proj", kb=KnowledgeBase(tmp_path / "kb.db"), environ={"PATH": str(tmp_path / "bin")},
                       say=heard.append, clock=clock or Clock())  # fmt: skip
    return made, program, heard


def shown(program: Program) -> list[tuple[str, str, str]]:
    return [(call[1], call[3], call[4]) for call in program.calls()]


def test_red_then_green_and_nothing_for_runs_that_change_nothing(tmp_path: Path) -> None:
    watch, program, heard = alerts(tmp_path)
    assert watch.observe([result("lint", "passed"), result("tests", "failed", "assert 1 == 2")], ON) == [
        "desktop: shown"
    ]
    assert shown(program) == [("--urgency=critical", "proj: tests failed", "tests/test_0.py:1: assert 1 == 2")]
    assert watch.observe([result("tests", "failed", "assert 1 == 2", "assert 3 == 4")], ON) == []  # still red
    assert watch.observe([result("tests", "skipped"), result("tests", "cancelled")], ON) == []
    assert watch.observe([result("tests", "passed")], ON) == ["desktop: shown"]
    assert shown(program)[1] == ("--urgency=normal", "proj: tests passes again", "")
    assert watch.observe([result("tests", "passed"), result("lint", "passed")], ON) == []
    assert len(program.calls()) == 2 and heard == []


def test_many_diagnostics_are_summed_up_and_secrets_removed(tmp_path: Path) -> None:
    watch, program, _ = alerts(tmp_path)
    watch.observe([result("tests", "error", f"token {secret()} refused", "b", "c", "d", "e")], ON)
    ((_, _, body),) = shown(program)
    assert secret() not in body and "[REDACTED:" in body
    assert body.splitlines()[1:] == ["tests/test_1.py:2: b", "tests/test_2.py:3: c", "and 2 more"]


def test_a_failure_told_within_the_hour_is_not_told_again_nor_its_recovery(tmp_path: Path) -> None:
    clock = Clock()
    watch, program, heard = alerts(tmp_path, clock)
    watch.observe([result("tests", "failed", "x")], ON)
    watch.observe([result("tests", "passed")], ON)
    clock.now += 60
    assert watch.observe([result("tests", "failed", "x")], ON) == [
        "desktop: not sent again: told within the last 60 minutes about the same failures"
    ]
    assert watch.observe([result("tests", "passed")], ON) == []  # its going red was not shown: nor is this
    assert watch.observe([result("tests", "failed", "x", "another")], ON) == ["desktop: shown"]  # a new failure
    clock.now += 3601  # an hour after x was last told
    watch.observe([result("tests", "passed")], ON)
    assert watch.observe([result("tests", "failed", "x")], ON) == ["desktop: shown"]
    assert len(program.calls()) == 5 and heard == []


def test_off_tells_nothing_but_still_follows_the_stages(tmp_path: Path) -> None:
    watch, program, _ = alerts(tmp_path)
    assert watch.observe([result("tests", "failed", "x")], NotifySettings()) == []
    assert watch.observe([result("tests", "failed", "x")], ON) == []  # it was red already
    assert program.calls() == []


def test_a_broken_notification_program_is_said_once(tmp_path: Path) -> None:
    watch, _, heard = alerts(tmp_path)
    fake_program(tmp_path / "bin", "notify-send", exit_code=2)
    for name in ("a", "b"):
        watch.observe([result(name, "failed", "x")], ON)
    assert heard == ["desktop: notify-send failed (exit 2)"]
