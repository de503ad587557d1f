"""A CI outcome as one message, through the webhook and the mail channels (never the desktop)."""

from __future__ import annotations

from pathlib import Path

from healer.config.settings import EmailSettings, NotifySettings, WebhookSettings
from healer.kb.database import KnowledgeBase
from healer.notify.ci import ci_message, ci_notifier, notify_ci

from .conftest import PASSWORD_ENV, USER, Receiver, StartSMTP, fake_program, secret

CODE = "pw"
URL = "https://github.com/o/r/actions/runs/7"


def test_a_failed_run_names_its_red_stages() -> None:
    message = ci_message(True, [("lint", "passed"), ("tests", "failed"), ("types", "error")], ["f1", "f2"], URL,
                         project="o/r", details=["tests/test_a.py:3: assert 1 == 2"])  # fmt: skip
    assert message.title == "healer ci failed for o/r: tests, types"
    assert message.body == "lint: passed\ntests: failed\ntypes: error\n\ntests/test_a.py:3: assert 1 == 2"
    assert (message.level, message.fingerprints, message.url) == ("red", ("f1", "f2"), URL)
    passed = ci_message(False, [("lint", "passed")], [], None)
    assert (passed.title, passed.level, passed.url) == ("healer ci passed", "green", None)


def test_webhook_and_email_both_get_it_redacted_and_the_desktop_never(
    receiver: Receiver, smtp: StartSMTP, tmp_path: Path
) -> None:
    program = fake_program(tmp_path / "bin", "notify-send")
    box = smtp(password=CODE)
    settings = NotifySettings(
        desktop=True,
        webhook=WebhookSettings(url_env="HOOK"),
        email=EmailSettings(
            "127.0.0.1",
            "healer@example.com",
            ("team@example.com",),
            box.port,
            starttls=False,
            user=USER,
            password_env=PASSWORD_ENV,
        ),
    )
    environ = {"HOOK": receiver.url, PASSWORD_ENV: CODE, "PATH": str(tmp_path / "bin")}
    message = ci_message(True, [("tests", "failed")], ["f1"], URL, details=[f"api.py:1: key = '{secret()}'"])
    kb = KnowledgeBase(tmp_path / "kb.db")
    notes = notify_ci(settings, message, environ=environ, kb=kb, repo="o/r")
    assert notes == ["webhook: sent to 127.0.0.1", "email: sent to team@example.com"]
    assert program.calls() == []
    assert len(receiver.raw) == 1 and secret().encode() not in receiver.raw[0]
    (text,) = box.texts()
    assert secret() not in text and URL in text
    # The same failure in the next CI run within the hour: neither channel is told again.
    again = notify_ci(settings, message, environ=environ, kb=kb, repo="o/r")
    assert [note.split(":")[0:2] for note in again] == [["webhook", " not sent again"], ["email", " not sent again"]]


def test_nothing_configured_is_an_empty_notifier() -> None:
    notifier = ci_notifier(NotifySettings(desktop=True), environ={})
    assert not notifier
    assert notifier.send(ci_message(True, [], [], None)) == []
