"""Desktop notifications through the real notify-send / osascript protocol, with fake programs that record argv."""

from __future__ import annotations

from pathlib import Path

from healer.config.settings import NotifySettings
from healer.notify.desktop import Desktop
from healer.notify.message import Message
from healer.notify.notifier import notifier_for

from .conftest import fake_program, secret


def test_notify_send_gets_the_title_and_body_with_an_urgency(tmp_path: Path) -> None:
    program = fake_program(tmp_path / "bin", "notify-send")
    delivery = Desktop(environ={"PATH": str(tmp_path / "bin")}, platform="linux").deliver(
        Message("repo: lint failed", "a.py:1: unused import", "red")
    )
    assert (delivery.sent, delivery.note) == (True, "desktop: shown")
    assert program.calls() == [["--app-name=healer", "--urgency=critical", "--", "repo: lint failed",
                                "a.py:1: unused import"]]  # fmt: skip
    Desktop(environ={"PATH": str(tmp_path / "bin")}, platform="linux").deliver(
        Message("lint passes again", "", "green")
    )
    assert program.calls()[1][:2] == ["--app-name=healer", "--urgency=normal"]


def test_osascript_on_macos_reads_title_and_body_as_arguments_never_as_script(tmp_path: Path) -> None:
    program = fake_program(tmp_path / "bin", "osascript")
    fake_program(tmp_path / "bin", "notify-send")  # not used on macOS
    title = 'tests" & do shell script "touch /tmp/x'
    Desktop(environ={"PATH": str(tmp_path / "bin")}, platform="darwin").deliver(Message(title, "body"))
    (call,) = program.calls()
    assert call[-2:] == [title, "body"]
    assert "item 1 of argv" in " ".join(call[:-2])


def test_nothing_at_all_when_neither_program_exists(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for platform in ("linux", "darwin"):
        delivery = Desktop(environ={"PATH": str(empty)}, platform=platform).deliver(Message("x"))
        assert (delivery.sent, delivery.note) == (False, "")
    notifier = notifier_for(NotifySettings(desktop=True), channels=("desktop",), environ={"PATH": str(empty)})
    assert notifier.send(Message("x")) == []


def test_a_failing_program_is_one_note(tmp_path: Path) -> None:
    fake_program(tmp_path / "bin", "notify-send", exit_code=1, stderr="no D-Bus session\n")
    delivery = Desktop(environ={"PATH": str(tmp_path / "bin")}, platform="linux").deliver(Message("x"))
    assert (delivery.sent, delivery.note) == (False, "desktop: notify-send failed (exit 1): no D-Bus session")


def test_what_the_desktop_shows_is_redacted(tmp_path: Path) -> None:
    program = fake_program(tmp_path / "bin", "notify-send")
    notifier = notifier_for(
        NotifySettings(desktop=True), channels=("desktop",), environ={"PATH": str(tmp_path / "bin")}
    )
    assert notifier.send(Message("tests failed", f"test_api.py:3: assert token == '{secret()}'")) == ["desktop: shown"]
    (call,) = program.calls()
    assert secret() not in " ".join(call) and "[REDACTED:" in call[-1]


def test_desktop_is_off_unless_configured(tmp_path: Path) -> None:
    program = fake_program(tmp_path / "bin", "notify-send")
    notifier = notifier_for(NotifySettings(), environ={"PATH": str(tmp_path / "bin")})
    assert not notifier and notifier.send(Message("x")) == []
    assert program.calls() == []
