"""The client that asks the model, built from `[tool.healer.llm]` (healer.llm.offline says whether to)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from healer.config.settings import Config
from healer.kb.database import KnowledgeBase
from healer.kb.history import local_midnight
from healer.llm.budget import Budget
from healer.llm.client import ModelClient
from healer.llm.runtime import load_litellm


def make_client(
    config: Config, *, kb: KnowledgeBase | None, repo: str, extra: Mapping[str, Any] | None = None
) -> ModelClient:
    """A client whose budget knows what was already spent today (by any healer command)."""
    spent = 0.0
    if kb is not None:
        with kb.connection() as store, kb.guard("a look at today's model spending"):
            spent = 0.0 if store is None else store.model_spending(local_midnight())
    budget = Budget(config.llm.budget_per_run, config.llm.budget_per_day, spent_before_today=spent)
    return ModelClient(
        config.llm,
        budget,
        kb=kb,
        repo=repo if config.history else "",
        keep_replies=config.history,
        extra=dict(extra or {}),
    )


def token_counter(model: str) -> Callable[[str], int]:
    """Tokens of a text for `model` as litellm counts them (its bundled tokenizers; no download)."""

    litellm = load_litellm()

    def count(text: str) -> int:
        try:
            return int(litellm.token_counter(model=model, text=text))
        except Exception:  # a model litellm cannot tokenize for: about four characters a token
            return len(text) // 4 + 1

    count("warm")  # the tokenizer's tables load on first use: once per run, not in the first attempt
    return count
