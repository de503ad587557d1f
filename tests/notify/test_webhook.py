"""The webhook against a local receiver on 127.0.0.1: Slack-compatible and generic bodies, no secret ever arrives,
failures are one note."""

from __future__ import annotations

from healer.config.settings import NotifySettings, WebhookSettings
from healer.notify.message import Message
from healer.notify.notifier import notifier_for
from healer.notify.webhook import Webhook

from .conftest import Receiver, free_port, secret

FAILED = Message(
    "healer ci failed: tests",
    "lint: passed\ntests: failed\n\ntests/test_a.py:3: assert 1 < 2 & ok",
    "red",
    ("fp1", "fp2"),
    "https://github.com/o/r/actions/runs/1",
)


def test_a_slack_body_has_text_and_a_section_with_markup_escaped(receiver: Receiver) -> None:
    delivery = Webhook(receiver.url, format="slack").deliver(FAILED)
    assert (delivery.sent, delivery.note) == (True, "webhook: sent to 127.0.0.1")
    ((path, body),) = receiver.received
    assert path == "/hook/T000/B000"
    assert set(body) == {"text", "blocks"}
    assert body["text"].startswith(":red_circle: *healer ci failed: tests*\n")
    assert "assert 1 &lt; 2 &amp; ok" in body["text"]
    assert body["text"].endswith("<https://github.com/o/r/actions/runs/1|details>")
    assert body["blocks"] == [{"type": "section", "text": {"type": "mrkdwn", "text": body["text"]}}]


def test_a_generic_json_body_carries_every_field(receiver: Receiver) -> None:
    Webhook(receiver.url, format="json").deliver(FAILED)
    ((_, body),) = receiver.received
    assert body == {
        "source": "healer",
        "title": "healer ci failed: tests",
        "body": FAILED.body,
        "level": "red",
        "status": "failed",
        "fingerprints": ["fp1", "fp2"],
        "url": "https://github.com/o/r/actions/runs/1",
        "text": FAILED.text(),
    }


def test_a_secret_in_a_diagnostic_never_arrives(receiver: Receiver) -> None:
    leaky = Message(f"tests failed: {secret()}", f"test_api.py:3: token = '{secret()}'", url=f"https://x:{secret()}@h/")
    for kind in ("slack", "json"):
        settings = NotifySettings(webhook=WebhookSettings(url=receiver.url, format=kind))
        assert notifier_for(settings, channels=("webhook",), environ={}).send(leaky) == ["webhook: sent to 127.0.0.1"]
    assert len(receiver.raw) == 2
    for raw in receiver.raw:
        assert secret().encode() not in raw and b"REDACTED" in raw


def test_the_url_comes_from_the_variable_the_configuration_names(receiver: Receiver) -> None:
    settings = NotifySettings(webhook=WebhookSettings(url_env="HOOK_URL"))
    notifier = notifier_for(settings, channels=("webhook",), environ={"HOOK_URL": receiver.url})
    assert notifier.send(FAILED) == ["webhook: sent to 127.0.0.1"]
    unset = notifier_for(settings, channels=("webhook",), environ={})
    assert unset.send(FAILED) == ["webhook: not sent: $HOOK_URL is not set"]
    odd = notifier_for(settings, channels=("webhook",), environ={"HOOK_URL": "ftp://x"})
    assert odd.send(FAILED) == ["webhook: not sent: $HOOK_URL holds no http(s) URL"]
    assert len(receiver.received) == 1


def test_failures_are_one_note_never_an_exception_and_never_the_url(receiver: Receiver) -> None:
    receiver.status = 500
    assert Webhook(receiver.url).deliver(FAILED).note == "webhook: not sent: 127.0.0.1 answered HTTP 500"
    receiver.status = 302  # a redirected POST would arrive as a GET without its body
    assert Webhook(receiver.url).deliver(FAILED).note == "webhook: not sent: 127.0.0.1 answered HTTP 302"
    closed = f"http://127.0.0.1:{free_port()}/hook/T000/B000"
    note = Webhook(closed, timeout=5).deliver(FAILED).note
    assert note.startswith("webhook: not sent: cannot reach 127.0.0.1: ") and "/hook" not in note
    assert "\n" not in note
