"""Whether this run asks a model, and the fixer that does, built from `[tool.healer.llm]`."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from healer.llm.budget import Budget, local_midnight

if TYPE_CHECKING:
    from healer.config.model import Config
    from healer.kb.store import Store
    from healer.llm.client import ModelClient
    from healer.llm.fixer import ModelFixer, PastDiffs

OFFLINE_VARIABLE = "HEALER_OFFLINE"


def offline_reason(
    config: Config, *, flag: bool, hook: bool = False, environ: Mapping[str, str] = os.environ
) -> str | None:
    """Why this run must not ask a model, or None when it asks the configured one."""
    if flag:
        return "--offline"
    if environ.get(OFFLINE_VARIABLE, "").strip() not in ("", "0"):
        return f"{OFFLINE_VARIABLE} is set"
    if not config.llm.model:
        return "no model configured"
    if hook and not config.llm.hooks:
        return "hooks do not ask the model (llm.hooks = false)"
    return None


def make_client(
    config: Config, *, open_store: Callable[[], Store | None], repo: str, extra: Mapping[str, Any] | None = None
) -> ModelClient:
    """A client whose budget knows what was already spent today (by any healer command)."""
    from healer.llm.client import ModelClient

    spent = 0.0
    store = open_store()
    if store is not None:
        try:
            spent = store.model_spending(local_midnight())
        finally:
            store.close()
    budget = Budget(config.llm.budget_per_run, config.llm.budget_per_day, spent_before_today=spent)
    return ModelClient(
        config.llm,
        budget,
        open_store=open_store,
        repo=repo if config.history else "",
        keep_replies=config.history,
        extra=dict(extra or {}),
    )


def make_fixer(client: ModelClient, root: Path, *, past: PastDiffs | None = None) -> ModelFixer:
    from healer.llm.fixer import ModelFixer
    from healer.llm.redact import DEFAULT_DENY

    deny = (*DEFAULT_DENY, *client.settings.deny)
    fixer = ModelFixer(client, root, deny, token_counter(client.models[0]))
    if past is not None:
        fixer.past = past
    return fixer


def token_counter(model: str) -> Callable[[str], int]:
    """Tokens of a text for `model` as litellm counts them (its bundled tokenizers; no download)."""
    from healer.llm.runtime import load_litellm

    litellm = load_litellm()

    def count(text: str) -> int:
        try:
            return int(litellm.token_counter(model=model, text=text))
        except Exception:  # a model litellm cannot tokenize for: about four characters a token
            return len(text) // 4 + 1

    count("warm")  # the tokenizer's tables load on first use: once per run, not in the first attempt
    return count
