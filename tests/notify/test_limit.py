"""The rate limit: one message per failure fingerprint and channel per window, kept in the knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest

from healer.config.settings import NotifySettings, WebhookSettings
from healer.kb.database import KnowledgeBase
from healer.notify.message import Message
from healer.notify.notifier import notifier_for

from .conftest import Receiver


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_one_message_per_fingerprint_per_hour(receiver: Receiver, tmp_path: Path) -> None:
    clock = Clock()
    kb = KnowledgeBase(tmp_path / "kb.db")
    settings = NotifySettings(webhook=WebhookSettings(url=receiver.url))

    def send(*fingerprints: str) -> list[str]:
        notifier = notifier_for(settings, channels=("webhook",), environ={}, kb=kb, repo="/repo", clock=clock)
        return notifier.send(Message("tests failed", "x", "red", fingerprints))

    assert send("a") == ["webhook: sent to 127.0.0.1"]
    clock.now += 600
    assert send("a") == ["webhook: not sent again: told within the last 60 minutes about the same failures"]
    assert send("a", "b") == ["webhook: sent to 127.0.0.1"]  # a new failure among the old one
    assert send("b") == ["webhook: not sent again: told within the last 60 minutes about the same failures"]
    clock.now += 3601  # an hour since a and b were last told (with the message that named both)
    assert send("a") == ["webhook: sent to 127.0.0.1"]
    assert len(receiver.received) == 3
    # Each process sees what the others told: the limit is kept in the file.
    again = notifier_for(settings, channels=("webhook",), environ={}, kb=KnowledgeBase(tmp_path / "kb.db"),
                         repo="/repo", clock=clock)  # fmt: skip
    assert again.send(Message("tests failed", "", "red", ("a",)))[0].startswith("webhook: not sent again")
    # Another repository's same failure is its own.
    other = notifier_for(settings, channels=("webhook",), environ={}, kb=kb, repo="/other", clock=clock)
    assert other.send(Message("tests failed", "", "red", ("a",))) == ["webhook: sent to 127.0.0.1"]


def test_green_is_counted_apart_from_red_and_a_message_without_fingerprints_by_its_title(
    receiver: Receiver, tmp_path: Path
) -> None:
    clock = Clock()
    settings = NotifySettings(webhook=WebhookSettings(url=receiver.url))
    notifier = notifier_for(settings, channels=("webhook",), environ={}, kb=KnowledgeBase(tmp_path / "kb.db"),
                            repo="/repo", clock=clock)  # fmt: skip
    assert notifier.send(Message("red", "", "red", ("a",))) == ["webhook: sent to 127.0.0.1"]
    assert notifier.send(Message("green", "", "green", ("a",))) == ["webhook: sent to 127.0.0.1"]
    assert notifier.send(Message("healer ci passed", "", "green")) == ["webhook: sent to 127.0.0.1"]
    assert notifier.send(Message("healer ci passed", "", "green"))[0].startswith("webhook: not sent again")
    assert notifier.send(Message("healer ci passed for x", "", "green")) == ["webhook: sent to 127.0.0.1"]


def test_a_message_that_was_not_delivered_is_not_counted(receiver: Receiver, tmp_path: Path) -> None:
    clock = Clock()
    settings = NotifySettings(webhook=WebhookSettings(url=receiver.url))
    notifier = notifier_for(settings, channels=("webhook",), environ={}, kb=KnowledgeBase(tmp_path / "kb.db"),
                            repo="/repo", clock=clock)  # fmt: skip
    receiver.status = 503
    assert notifier.send(Message("x", "", "red", ("a",))) == ["webhook: not sent: 127.0.0.1 answered HTTP 503"]
    receiver.status = 200
    assert notifier.send(Message("x", "", "red", ("a",))) == ["webhook: sent to 127.0.0.1"]


def test_rate_limit_zero_sends_every_time(receiver: Receiver, tmp_path: Path) -> None:
    settings = NotifySettings(rate_limit=0, webhook=WebhookSettings(url=receiver.url))
    notifier = notifier_for(settings, channels=("webhook",), environ={}, kb=KnowledgeBase(tmp_path / "kb.db"))
    for _ in range(3):
        assert notifier.send(Message("x", "", "red", ("a",))) == ["webhook: sent to 127.0.0.1"]


@pytest.mark.parametrize("kind", ["folder", "foreign"])
def test_without_a_usable_knowledge_base_nothing_is_limited_and_nothing_fails(
    receiver: Receiver, tmp_path: Path, kind: str
) -> None:
    import sqlite3

    path = tmp_path / "kb.db"
    if kind == "folder":
        path.mkdir()
    else:
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE theirs (x)")
        conn.close()
    heard: list[str] = []
    kb = KnowledgeBase(path, notify=heard.append)
    settings = NotifySettings(webhook=WebhookSettings(url=receiver.url))
    notifier = notifier_for(settings, channels=("webhook",), environ={}, kb=kb, repo="/repo")
    for _ in range(2):
        assert notifier.send(Message("x", "", "red", ("a",))) == ["webhook: sent to 127.0.0.1"]
    assert len(receiver.received) == 2
    assert len(heard) == 1 and "running without the cache" in heard[0]  # the knowledge base's own one notice
