"""A notification as every channel receives it: plain data, with every secret already removed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from healer.llm.redaction import redact

Level = Literal["red", "green"]
"""red: something fails; green: it passes (again)."""

BODY_LIMIT = 2000
"""Characters of body a message keeps: a desktop bubble, a chat line or a mail's first screen, not a log."""


@dataclass(frozen=True)
class Message:
    title: str
    body: str = ""
    level: Level = "red"
    fingerprints: tuple[str, ...] = ()
    """The failures it is about: what the rate limit counts (healer.notify.limit)."""
    url: str | None = None
    """Where to read more (a CI run's page)."""

    def redacted(self) -> Message:
        """The message with every secret replaced, as a model's prompt is (healer.llm.redaction), and cut to size.

        Diagnostics quote the code and the output they came from, which may hold a token; a message leaves the
        machine (a chat, a mail server), so nothing reaches a channel unredacted."""
        body = redact(self.body).text
        if len(body) > BODY_LIMIT:
            body = body[: BODY_LIMIT - 1].rstrip() + "…"
        url = None if self.url is None else redact(self.url).text
        return replace(self, title=redact(self.title).text, body=body, url=url)

    def keys(self) -> tuple[str, ...]:
        """What the rate limit remembers: one key per failure, by level; the title when it names no failure."""
        names: Sequence[str] = self.fingerprints or (f"title:{self.title}",)
        return tuple(f"{self.level}:{name}" for name in dict.fromkeys(names))

    def text(self) -> str:
        """Title, body and link as plain text (a mail, a generic webhook's `text`)."""
        parts = [self.title]
        if self.body:
            parts.append(self.body)
        if self.url:
            parts.append(self.url)
        return "\n\n".join(parts)


@dataclass(frozen=True)
class Delivery:
    """What one channel did with one message."""

    channel: str
    sent: bool
    note: str
    """One line for the person who configured it ("webhook: sent", "email: not sent: ..."); empty: say nothing."""
    limited: bool = False
    """Not sent because the rate limit held it back (healer.notify.limit): nothing went wrong."""
