"""A CI run's outcome as one message, to the webhook and the mail the configuration names (no desktop in CI)."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence

from healer.config.settings import NotifySettings
from healer.kb.database import KnowledgeBase
from healer.notify.limit import Clock
from healer.notify.message import Message
from healer.notify.notifier import Notifier, notifier_for

CI_CHANNELS = ("webhook", "email")


def ci_message(
    failed: bool,
    stages: Sequence[tuple[str, str]],
    fingerprints: Sequence[str],
    url: str | None,
    *,
    project: str | None = None,
    details: Sequence[str] = (),
) -> Message:
    """`stages`: (name, status) in pipeline order; `fingerprints`: the failures (the rate limit's keys);
    `url`: the run's page; `project`: the repository's name for the title; `details`: lines for the body
    (the first diagnostics), redacted like everything else before any channel sees them."""
    where = f" for {project}" if project else ""
    bad = [name for name, status in stages if status in ("failed", "error")]
    if failed:
        title = f"healer ci failed{where}: {', '.join(bad)}" if bad else f"healer ci failed{where}"
    else:
        title = f"healer ci passed{where}"
    lines = [f"{name}: {status}" for name, status in stages]
    if details:
        lines.extend(["", *details])
    return Message(title, "\n".join(lines), "red" if failed else "green", tuple(fingerprints), url)


def ci_notifier(
    settings: NotifySettings,
    *,
    environ: Mapping[str, str] | None = None,
    kb: KnowledgeBase | None = None,
    repo: str = "",
    clock: Clock = time.time,
) -> Notifier:
    """The webhook and mail channels of `[tool.healer.notify]`; falsy when neither is configured."""
    return notifier_for(settings, channels=CI_CHANNELS, environ=os.environ if environ is None else environ, kb=kb,
                        repo=repo, clock=clock)  # fmt: skip


def notify_ci(
    settings: NotifySettings,
    message: Message,
    *,
    environ: Mapping[str, str] | None = None,
    kb: KnowledgeBase | None = None,
    repo: str = "",
) -> list[str]:
    """Send `message` through the CI channels; one note per channel (nothing when none is configured)."""
    return ci_notifier(settings, environ=environ, kb=kb, repo=repo).send(message)
