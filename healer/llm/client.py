"""One request to a model: redacted, cached, within budget, retried with backoff, recorded.

Every message passes through `redact` here, whatever built it: this is the one
door to the network, so nothing unredacted can go through another. Replies are
cached in the knowledge base by the hash of what was sent, so a failure seen
again costs no call.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from healer.errors import HealerError
from healer.kb.database import KnowledgeBase
from healer.kb.store import CachedReply
from healer.llm.budget import Budget, BudgetExceeded
from healer.llm.redact import redact
from healer.llm.runtime import LitellmMissing, load_litellm

if TYPE_CHECKING:
    from healer.config.settings import LLMSettings

Message = dict[str, str]
ErrorKind = Literal["timeout", "rate-limit", "connection", "provider", "auth", "request", "budget", "cancelled"]
RETRIABLE: frozenset[str] = frozenset({"timeout", "rate-limit", "connection", "provider"})
BACKOFF_SECONDS = 0.5
BACKOFF_LIMIT = 8.0


class ModelError(HealerError):
    """A model could not answer: one line saying which and why."""

    def __init__(self, message: str, kind: ErrorKind) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Reply:
    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    cost: float | None
    """Dollars, from litellm's price list; None when it does not know the model's price."""
    latency: float
    cached: bool = False


@dataclass
class Usage:
    """What the client did, for the report: calls made, answered from the cache, failed; tokens; dollars."""

    calls: int = 0
    cached: int = 0
    failed: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    unknown_cost: int = 0
    redactions: int = 0
    latency: float = 0.0
    errors: list[str] = field(default_factory=list)


@dataclass
class ModelClient:
    settings: LLMSettings
    budget: Budget
    kb: KnowledgeBase | None = None
    """Where replies are cached and calls recorded (a connection per calling thread); None: neither."""
    repo: str = ""
    keep_replies: bool = True
    """False (`history = false`): replies are not cached; calls are still counted for the day's budget."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Passed to litellm.completion as is (tests give `mock_response`)."""
    sleep: Callable[[float], None] = time.sleep
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    usage: Usage = field(default_factory=Usage)
    cancel: threading.Event | None = None
    """Set when the run is interrupted: no further request or retry starts, backoff waits end."""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def models(self) -> tuple[str, ...]:
        assert self.settings.model is not None
        return (self.settings.model, *self.settings.fallbacks)

    def complete(self, messages: Sequence[Message], *, max_tokens: int | None = None) -> Reply:
        """The first model's reply that arrives, trying fallbacks in order; ModelError when none can answer."""
        sent, removed = redact_messages(messages)
        with self._lock:
            self.usage.redactions += removed
        limit = max_tokens or self.settings.max_reply_tokens
        key = prompt_key(self.models, self.settings.temperature, limit, sent)
        hit = self._cached(key)
        if hit is not None:
            self._record(hit.model, key, hit.prompt_tokens, hit.completion_tokens, 0.0, 0.0, cached=True)
            return Reply(hit.reply, hit.model, hit.prompt_tokens, hit.completion_tokens, hit.cost, 0.0, cached=True)
        api_key = self._api_key()
        try:
            litellm = load_litellm()
        except LitellmMissing as error:
            raise ModelError(str(error), "request") from None
        problems: list[ModelError] = []
        for model in self.models:
            try:
                reply = self._ask(litellm, model, sent, limit, key, api_key)
            except ModelError as error:
                if error.kind == "budget":
                    raise
                problems.append(error)
                continue
            if reply.text.strip():
                self._keep(key, reply)
            return reply
        last = problems[-1]
        if len(problems) == 1:
            raise last
        raise ModelError(f"{last} (and {len(problems) - 1} other model(s) failed)", last.kind)

    def _api_key(self) -> str | None:
        name = self.settings.api_key_env
        if name:
            value = self.environ.get(name)
            if not value:
                raise ModelError(f"llm.api_key_env names {name}, which is not set in the environment", "auth")
            return value
        if self.settings.api_base and self.settings.model and self.settings.model.startswith("openai/"):
            # Another server than OpenAI's must not receive the user's OpenAI key: it gets a placeholder
            # (local servers take any key; the client library refuses to send none) unless llm.api_key_env
            # names the key meant for it.
            if "://api.openai.com" in self.settings.api_base:
                return None
            return "no-key"
        return None

    def _ask(self, litellm: Any, model: str, sent: list[Message], limit: int, key: str, api_key: str | None) -> Reply:
        estimate, prompt_tokens = _estimate(litellm, model, sent, limit)
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            if self.cancel is not None and self.cancel.is_set():
                raise ModelError(f"{model}: interrupted", "cancelled")
            try:
                self.budget.reserve(estimate)
            except BudgetExceeded as error:
                raise ModelError(str(error), "budget") from None
            began = time.monotonic()
            try:
                response = litellm.completion(
                    model=model,
                    messages=sent,
                    temperature=self.settings.temperature,
                    max_tokens=limit,
                    timeout=self.settings.timeout,
                    api_base=self.settings.api_base,
                    api_key=api_key,
                    num_retries=0,
                    **self.extra,
                )
            except Exception as error:  # litellm maps every provider's failure onto its own exception classes
                self.budget.settle(estimate, 0.0)
                latency = time.monotonic() - began
                kind, text, wait = classify(litellm, error)
                if kind == "connection" and self.settings.api_base:
                    text = text.replace("cannot connect", f"cannot connect to {self.settings.api_base}", 1)
                message = f"{model}: {text}"
                self._record(model, key, prompt_tokens, 0, None, latency, error=message)
                if kind not in RETRIABLE or attempt == attempts - 1:
                    tried = f" ({attempt + 1} tries)" if attempt else ""
                    raise ModelError(message.rstrip(".") + tried, kind) from None
                pause = min(BACKOFF_LIMIT, wait if wait is not None else BACKOFF_SECONDS * 2**attempt)
                if self.cancel is not None:
                    self.cancel.wait(pause)
                else:
                    self.sleep(pause)
                continue
            latency = time.monotonic() - began
            text, used_in, used_out = _content(response, prompt_tokens)
            cost = _cost(litellm, response)
            self.budget.settle(estimate, cost)
            self._record(model, key, used_in, used_out, cost, latency)
            return Reply(text, model, used_in, used_out, cost, latency)
        raise AssertionError("unreachable")

    def _record(
        self,
        model: str,
        key: str,
        prompt_tokens: int,
        completion_tokens: int,
        cost: float | None,
        latency: float,
        *,
        cached: bool = False,
        error: str | None = None,
    ) -> None:
        with self._lock:
            usage = self.usage
            if cached:
                usage.cached += 1
            elif error:
                usage.failed += 1
                usage.errors.append(error)
            else:
                usage.calls += 1
                usage.prompt_tokens += prompt_tokens
                usage.completion_tokens += completion_tokens
                usage.latency += latency
                if cost is None:
                    usage.unknown_cost += 1
                else:
                    usage.cost += cost
        if self.kb is None:
            return
        with self.kb.connection() as store, self.kb.guard("the record of a model call", write=True):
            if store is None:
                return
            store.record_model_call(
                self.repo,
                model=model,
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
                cost=cost,
                latency=latency,
                prompt_hash=key,
                ok=error is None,
                cached=cached,
                error=error,
            )

    def _cached(self, key: str) -> CachedReply | None:
        if not self.keep_replies or self.kb is None:
            return None
        with self.kb.connection() as store, self.kb.guard("a look for a cached reply"):
            return None if store is None else store.cached_reply(key)
        return None

    def _keep(self, key: str, reply: Reply) -> None:
        if not self.keep_replies or self.kb is None:
            return
        with self.kb.connection() as store, self.kb.guard("a model's reply", write=True):
            if store is not None:
                cached = CachedReply(reply.model, reply.text, reply.prompt_tokens, reply.completion_tokens, reply.cost)
                store.store_reply(key, cached)


def redact_messages(messages: Sequence[Message]) -> tuple[list[Message], int]:
    sent: list[Message] = []
    removed = 0
    for message in messages:
        cleaned = redact(message["content"])
        removed += cleaned.count
        sent.append({"role": message["role"], "content": cleaned.text})
    return sent, removed


def prompt_key(models: Sequence[str], temperature: float, max_tokens: int, messages: Sequence[Message]) -> str:
    """The cache key: what was asked of which models; the same redacted prompt gives the same key."""
    body = json.dumps(
        {"models": list(models), "temperature": temperature, "max_tokens": max_tokens, "messages": list(messages)},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def classify(litellm: Any, error: Exception) -> tuple[ErrorKind, str, float | None]:
    """What kind of failure `error` is, a one-line description, and how long the server asked us to wait."""
    wait = _retry_after(error)
    detail = " ".join(str(getattr(error, "message", "") or error).split())
    # litellm prefixes its class names several times over ("litellm.X: X: OpenAIException - ..."): keep the words.
    detail = _NOISE.sub("", detail).strip()[:300]
    if any(marker in detail for marker in _CONNECTION_MARKERS):
        plain = detail.rstrip(".") in ("", "Connection error")
        return "connection", "cannot connect" if plain else f"cannot connect ({detail})", wait
    table: list[tuple[str, ErrorKind, str]] = [
        ("Timeout", "timeout", "no answer within llm.timeout"),
        ("RateLimitError", "rate-limit", "rate limited (429)"),
        ("AuthenticationError", "auth", "authentication failed (check the API key in the environment)"),
        ("PermissionDeniedError", "auth", "permission denied"),
        ("ContextWindowExceededError", "request", "the prompt is too long for the model (lower llm.max_prompt_tokens)"),
        ("NotFoundError", "request", "no such model at this provider"),
        ("BadRequestError", "request", "the provider refused the request"),
        ("APIConnectionError", "connection", "cannot connect"),
        ("ServiceUnavailableError", "provider", "the provider is unavailable (503)"),
        ("InternalServerError", "provider", "the provider failed (5xx)"),
        ("APIError", "provider", "the provider returned an error"),
    ]
    for name, kind, text in table:
        cls = getattr(litellm, name, None)
        if isinstance(cls, type) and isinstance(error, cls):
            return kind, f"{text}: {detail}" if detail else text, wait
    return "provider", f"{type(error).__name__}: {detail}", wait


_NOISE = re.compile(r"^(?:(?:litellm\.)?\w+(?:Error|Exception)\s*[:-]\s*)+")
_CONNECTION_MARKERS = ("Connection error", "ConnectError", "Connection refused", "Name or service not known",
                       "nodename nor servname", "Temporary failure in name resolution")  # fmt: skip


def _retry_after(error: Exception) -> float | None:
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    try:
        value = headers.get("retry-after")
        return None if value is None else max(0.0, float(value))
    except (TypeError, ValueError):
        return None


def _estimate(litellm: Any, model: str, messages: list[Message], limit: int) -> tuple[float, int]:
    """The worst case of a call in dollars (the prompt and a full-length reply), and the prompt's tokens."""
    try:
        tokens = int(litellm.token_counter(model=model, messages=messages))
    except Exception:  # an unknown model or tokenizer: count roughly, four characters a token
        tokens = sum(len(m["content"]) for m in messages) // 4 + 8
    try:
        prompt_cost, reply_cost = litellm.cost_per_token(model=model, prompt_tokens=tokens, completion_tokens=limit)
        return float(prompt_cost) + float(reply_cost), tokens
    except Exception:  # a model litellm has no price for (a local one): free as far as healer can tell
        return 0.0, tokens


def _content(response: Any, prompt_tokens: int) -> tuple[str, int, int]:
    try:
        text = response.choices[0].message.content or ""
    except (AttributeError, IndexError, TypeError):
        text = ""
    # JSON may carry lone surrogates ("\\udc80"): not text SQLite or a file can hold.
    text = str(text).encode("utf-8", "replace").decode("utf-8")
    usage = getattr(response, "usage", None)
    used_in = int(getattr(usage, "prompt_tokens", 0) or prompt_tokens)
    used_out = int(getattr(usage, "completion_tokens", 0) or 0)
    return str(text), used_in, used_out


def _cost(litellm: Any, response: Any) -> float | None:
    try:
        cost = litellm.completion_cost(completion_response=response)
    except Exception:  # no price known for this model
        return None
    return float(cost) if cost else (0.0 if cost == 0 else None)
