"""Does the configured model answer? One tiny request, for `healer doctor`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from healer.config.settings import LLMSettings
from healer.llm.budget import Budget, dollars
from healer.llm.client import ModelClient, ModelError

PROBE = [{"role": "user", "content": "Reply with the single word OK."}]
PROBE_TIMEOUT = 15.0


def probe(settings: LLMSettings, *, extra: Mapping[str, Any] | None = None) -> tuple[bool, str]:
    """(answered, a line saying how), without touching the knowledge base: nothing is cached or recorded."""
    quick = settings._replace(timeout=min(settings.timeout, PROBE_TIMEOUT), retries=0, fallbacks=())
    client = ModelClient(quick, Budget(settings.budget_per_run, settings.budget_per_day), extra=dict(extra or {}))
    try:
        reply = client.complete(PROBE, max_tokens=5)
    except ModelError as error:
        return False, str(error)
    said = " ".join(reply.text.split())[:40] or "an empty reply"
    cost = "" if reply.cost is None else f", {dollars(reply.cost)}"
    return True, f"answers in {reply.latency:.1f}s ({said!r}{cost})"
