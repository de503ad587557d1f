"""Email through a local SMTP server (aiosmtpd on 127.0.0.1): plain SMTP with a login, STARTTLS with a
self-signed certificate made by openssl for the test, and a server that offers no STARTTLS (nothing sent)."""

from __future__ import annotations

import shutil
import ssl
from email import message_from_string

import pytest

from healer.config.settings import EmailSettings, NotifySettings
from healer.notify.mail import Email
from healer.notify.message import Message
from healer.notify.notifier import notifier_for

from .conftest import PASSWORD_ENV, USER, StartSMTP, free_port, secret

RIGHT, WRONG = "right", "wrong"
MESSAGE = Message("healer ci failed: tests", "tests: failed", "red", ("fp",), "https://example.com/run/1")


def settings(port: int, **changes: object) -> EmailSettings:
    return EmailSettings("127.0.0.1", "healer@example.com", ("team@example.com", "me@example.com"), port)._replace(
        **changes
    )


def test_plain_smtp_with_a_login_delivers_one_redacted_mail(smtp: StartSMTP) -> None:
    box = smtp(password=RIGHT)
    config = NotifySettings(email=settings(box.port, starttls=False, user=USER, password_env=PASSWORD_ENV))
    leaky = Message(f"tests failed {secret()}", f"conftest.py:1: TOKEN = '{secret()}'", url=MESSAGE.url)
    notes = notifier_for(config, channels=("email",), environ={PASSWORD_ENV: RIGHT}).send(leaky)
    assert notes == ["email: sent to team@example.com, me@example.com"]
    assert box.logins == [(USER, RIGHT)]
    (envelope,) = box.mails
    assert envelope.mail_from == "healer@example.com"
    assert envelope.rcpt_tos == ["team@example.com", "me@example.com"]
    (text,) = box.texts()
    assert secret() not in text
    mail = message_from_string(text)
    assert mail["Subject"].startswith("tests failed [REDACTED:")
    assert mail["X-Healer-Level"] == "red"
    assert "[REDACTED:" in mail.get_payload() and MESSAGE.url in mail.get_payload()


def test_a_wrong_password_or_an_unset_variable_is_one_note(smtp: StartSMTP) -> None:
    box = smtp(password=RIGHT)
    config = settings(box.port, starttls=False, user=USER, password_env=PASSWORD_ENV)
    assert Email(config, password=WRONG).deliver(MESSAGE).note == (
        f"email: not sent: 127.0.0.1:{box.port} refused the login of {USER} (535)"
    )
    assert Email(config, password=None).deliver(MESSAGE).note == (
        f"email: not sent: ${PASSWORD_ENV} is not set, so {USER} cannot log in"
    )
    assert box.mails == []


def test_a_server_without_starttls_gets_nothing_when_starttls_is_asked_for(smtp: StartSMTP) -> None:
    box = smtp(password=RIGHT)
    delivery = Email(settings(box.port, user=USER, password_env=PASSWORD_ENV), password=RIGHT).deliver(MESSAGE)
    assert not delivery.sent
    assert delivery.note.startswith(f"email: not sent: 127.0.0.1:{box.port} does not offer STARTTLS")
    assert box.logins == [] and box.mails == []  # the password never crossed in the clear


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test's certificate")
def test_starttls_with_a_trusted_certificate_then_the_login(smtp: StartSMTP, certificate: ssl.SSLContext) -> None:
    box = smtp(password=RIGHT, tls=certificate)  # takes logins only after STARTTLS
    delivery = Email(settings(box.port, user=USER, password_env=PASSWORD_ENV), password=RIGHT).deliver(MESSAGE)
    assert (delivery.sent, delivery.note) == (True, "email: sent to team@example.com, me@example.com")
    assert box.logins == [(USER, RIGHT)] and len(box.mails) == 1


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test's certificate")
def test_an_untrusted_certificate_gets_nothing(
    smtp: StartSMTP, certificate: ssl.SSLContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = smtp(password=RIGHT, tls=certificate)
    monkeypatch.delenv("SSL_CERT_FILE")  # the system's authorities do not know the test's certificate
    monkeypatch.setenv("SSL_CERT_DIR", "/nonexistent")
    delivery = Email(settings(box.port, user=USER, password_env=PASSWORD_ENV), password=RIGHT).deliver(MESSAGE)
    assert delivery.note.startswith(f"email: not sent: 127.0.0.1:{box.port}: its certificate cannot be trusted")
    assert box.logins == [] and box.mails == []


def test_no_server_is_one_note() -> None:
    port = free_port()
    note = Email(settings(port, starttls=False, timeout=5.0)).deliver(MESSAGE).note
    assert note.startswith(f"email: not sent: cannot send through 127.0.0.1:{port}: ") and "\n" not in note
