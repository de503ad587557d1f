"""What an agent CLI printed, read into its final message, what it cost, and whether it says it failed.

Each reader knows one documented format: Claude Code's `--output-format json`
(one object: `result`, `is_error`, `total_cost_usd`, `usage`), Codex's
`exec --json` (JSON lines: `item.completed` agent messages, `turn.completed`
usage, `turn.failed` / `error`), Gemini CLI's `--output-format json`
(`response`, `stats`, `error`), OpenCode's `run --format json` (JSON lines of
`text` parts and `step_finish` tokens), and plain text for the rest. Output
that does not parse as its format is kept as text and said so: the agent's
claims are only a summary for the reviewer either way, never trusted; what
counts is the diff of its copy and its verification.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

SUMMARY_CHARS = 4000


class AgentReply(NamedTuple):
    summary: str
    """Its final message, cut to SUMMARY_CHARS (the end kept: agents conclude last)."""
    cost: float | None = None
    """Dollars, when it says."""
    tokens_in: int | None = None
    tokens_out: int | None = None
    error: str | None = None
    """What it says went wrong (an API error, not logged in), in one line."""
    parsed: bool = True
    """False: the output was not in the format expected, and `summary` is its text."""


def read_output(kind: str, stdout: bytes, cost_from: str | None = None) -> AgentReply:
    """The reply in `stdout` as `kind` reads it; `cost_from` (a dotted path into a JSON object) overrides the cost."""
    text = stdout.decode("utf-8", errors="replace")
    reader = _READERS.get(kind, _text)
    try:
        reply = reader(text)
    except (ValueError, TypeError, KeyError, AttributeError):
        reply = AgentReply(_cut(text), parsed=False)
    if cost_from is not None:
        reply = reply._replace(cost=_cost_at(text, cost_from))
    return reply


def _cut(text: str) -> str:
    text = text.strip()
    return text if len(text) <= SUMMARY_CHARS else "…" + text[-SUMMARY_CHARS:]


def _one_line(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("message") or value.get("error") or json.dumps(value)[:300]
    return " ".join(str(value).split())[:300]


def _table(found: Any, key: str) -> dict[str, Any]:
    """`found[key]` when both are JSON objects, else an empty one: agents' outputs vary by version."""
    value = found.get(key) if isinstance(found, dict) else None
    return value if isinstance(value, dict) else {}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _whole(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def _object(text: str) -> dict[str, Any]:
    """The JSON object of the output: the whole of it, else its last line that is one (a banner before it)."""
    try:
        found = json.loads(text)
    except ValueError:
        found = None
        for line in reversed(text.strip().splitlines()):
            if line.lstrip().startswith("{"):
                found = json.loads(line)
                break
    if not isinstance(found, dict):
        raise ValueError("no JSON object")
    return found


def _lines(text: str) -> Iterator[dict[str, Any]]:
    """The JSON objects of JSON-lines output; other lines (a warning) are passed over."""
    seen = False
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict):
            seen = True
            yield event
    if not seen:
        raise ValueError("no JSON lines")


def _claude(text: str) -> AgentReply:
    found = _object(text)
    if "result" not in found and "is_error" not in found:
        raise ValueError("not a result object")
    usage = _table(found, "usage")
    failed = bool(found.get("is_error")) or str(found.get("subtype", "success")) != "success"
    result = str(found.get("result") or "")
    return AgentReply(
        _cut(result),
        _number(found.get("total_cost_usd", found.get("cost_usd"))),
        _whole(usage.get("input_tokens")),
        _whole(usage.get("output_tokens")),
        _one_line(result or found.get("subtype")) if failed else None,
    )


def _codex(text: str) -> AgentReply:
    messages: list[str] = []
    tokens_in = tokens_out = 0
    error: str | None = None
    for event in _lines(text):
        kind = event.get("type")
        item = _table(event, "item")
        if kind == "item.completed" and item.get("type") in ("agent_message", "assistant_message"):
            messages.append(str(item.get("text", "")))
        elif kind == "turn.completed" and isinstance(event.get("usage"), dict):
            tokens_in += _whole(event["usage"].get("input_tokens")) or 0
            tokens_out += _whole(event["usage"].get("output_tokens")) or 0
        elif kind in ("turn.failed", "error"):
            error = _one_line(event.get("error") or event.get("message") or kind)
    return AgentReply(_cut(messages[-1] if messages else ""), None, tokens_in or None, tokens_out or None, error)


def _gemini(text: str) -> AgentReply:
    found = _object(text)
    if "response" not in found and "error" not in found:
        raise ValueError("not a headless result")
    tokens_in = tokens_out = 0
    stats = _table(found, "stats")
    models = _table(stats, "models")
    for model in models.values():
        tokens = _table(model, "tokens")
        tokens_in += _whole(tokens.get("prompt")) or 0
        tokens_out += _whole(tokens.get("candidates")) or 0
    error = found.get("error")
    return AgentReply(
        _cut(str(found.get("response") or "")),
        None,
        tokens_in or None,
        tokens_out or None,
        _one_line(error) if error else None,
    )


def _opencode(text: str) -> AgentReply:
    parts: list[str] = []
    tokens_in = tokens_out = 0
    cost = 0.0
    error: str | None = None
    for event in _lines(text):
        part = _table(event, "part")
        if event.get("type") == "text":
            parts.append(str(part.get("text", event.get("text", ""))))
        elif event.get("type") == "step_finish":
            tokens = _table(part, "tokens")
            tokens_in += _whole(tokens.get("input")) or 0
            tokens_out += _whole(tokens.get("output")) or 0
            cost += _number(part.get("cost")) or 0.0
        elif event.get("type") == "error":
            error = _one_line(event.get("error") or "error")
    return AgentReply(_cut(parts[-1] if parts else ""), cost or None, tokens_in or None, tokens_out or None, error)


def _text(text: str) -> AgentReply:
    return AgentReply(_cut(text))


_READERS: dict[str, Callable[[str], AgentReply]] = {
    "claude-json": _claude,
    "codex-jsonl": _codex,
    "gemini-json": _gemini,
    "opencode-jsonl": _opencode,
    "text": _text,
}


def _cost_at(text: str, path: str) -> float | None:
    try:
        value: Any = _object(text)
    except ValueError:
        return None
    for key in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return _number(value)
