"""The channels the configuration names, behind one `send`: redacted first, rate-limited, never raising."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from typing import Protocol

from healer.config.settings import NotifySettings
from healer.kb.database import KnowledgeBase
from healer.notify.desktop import Desktop
from healer.notify.limit import Clock, RateLimit
from healer.notify.mail import Email
from healer.notify.message import Delivery, Message
from healer.notify.webhook import Webhook

CHANNELS = ("desktop", "webhook", "email")


class Channel(Protocol):
    name: str

    def deliver(self, message: Message) -> Delivery: ...


class Notifier:
    def __init__(self, channels: Sequence[Channel], *, limit: RateLimit | None = None,
                 problems: Sequence[Delivery] = ()) -> None:  # fmt: skip
        self.channels = tuple(channels)
        self.limit = limit
        self.problems = tuple(problems)
        """Channels configured but unusable here (a URL's variable unset), each one line; said by every send."""

    def __bool__(self) -> bool:
        return bool(self.channels or self.problems)

    def deliver(self, message: Message) -> list[Delivery]:
        """`message`, redacted, to every channel whose rate limit allows it; what each did."""
        clean = message.redacted()
        done = list(self.problems)
        for channel in self.channels:
            if self.limit is not None and not self.limit.allows(channel.name, clean):
                minutes = self.limit.window / 60
                said = f"told within the last {minutes:g} minutes about the same failures"
                note = f"{channel.name}: not sent again: {said}"
                done.append(Delivery(channel.name, False, note, limited=True))
                continue
            try:
                delivery = channel.deliver(clean)
            except Exception as error:  # a channel's bug must not end a watch session or a CI job
                delivery = Delivery(channel.name, False, f"{channel.name}: not sent: {type(error).__name__}: {error}")
            if delivery.sent and self.limit is not None:
                self.limit.record(channel.name, clean)
            done.append(delivery)
        return done

    def send(self, message: Message) -> list[str]:
        """`message` to every channel; one note per channel that has something to say."""
        return [delivery.note for delivery in self.deliver(message) if delivery.note]


def notifier_for(
    settings: NotifySettings,
    *,
    channels: Sequence[str] = CHANNELS,
    environ: Mapping[str, str] | None = None,
    kb: KnowledgeBase | None = None,
    repo: str = "",
    clock: Clock = time.time,
) -> Notifier:
    """The configured channels among `channels` (the desktop only when `desktop = true`); `environ` holds the
    webhook's URL and the mail password the configuration names; `kb` keeps the rate limit (None: no limit)."""
    env = os.environ if environ is None else environ
    made: list[Channel] = []
    problems: list[Delivery] = []
    if "desktop" in channels and settings.desktop:
        made.append(Desktop(environ=env))
    webhook = settings.webhook
    if "webhook" in channels and webhook is not None:
        url = webhook.url if webhook.url_env is None else env.get(webhook.url_env, "").strip()
        if not url:
            problems.append(Delivery("webhook", False, f"webhook: not sent: ${webhook.url_env} is not set"))
        elif not url.startswith(("https://", "http://")):
            problems.append(Delivery("webhook", False, f"webhook: not sent: ${webhook.url_env} holds no http(s) URL"))
        else:
            made.append(Webhook(url, format=webhook.format, timeout=webhook.timeout))
    email = settings.email
    if "email" in channels and email is not None:
        password = None if email.password_env is None else env.get(email.password_env)
        made.append(Email(email, password=password))
    limit = RateLimit(kb, repo, settings.rate_limit, clock=clock) if kb is not None else None
    return Notifier(made, limit=limit, problems=problems)
