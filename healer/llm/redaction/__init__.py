"""Secret redaction: every secret is removed from text before healer sends it to a model.

Three layers, each catching what the one before cannot see:

1. Known formats (`formats.py`), recognised by their prefix and shape: provider API keys of
   about two hundred kinds, JWTs, PEM private key blocks (with real or `\\n`-escaped
   newlines; a block with no END is removed to the end of the text rather than leaked), and
   passwords and tokens inside URLs.
2. Values whose *name* says they are secret (`names.py`), in the shapes of code and
   configuration of many languages: `.env` lines, assignments, declarations, dict and JSON
   keys, YAML, XML, command-line flags, HTTP headers, `.netrc`, a Kubernetes `Secret`.
3. Long random-looking runs (`entropy.py`): a secret in a format healer does not know,
   pasted where no name announces it.

Deliberately kept, so the model still sees the code and the logs: hexadecimal strings (git
SHAs, digests, UUIDs), ordinary identifiers however long, file paths, dotted names, URLs
without credentials, model names (`Qwen3-30B-A3B`).

Each secret becomes `[REDACTED:kind]`, so the model sees that something was there. The
output is a pure function of the input (the prompt's hash is a cache key), text without
secrets comes back unchanged, and redacting twice changes nothing more.

Speed: every pattern is anchored on a literal or a narrow character class and uses bounded
or unambiguous quantifiers (no nested repetition that can backtrack), so time grows
linearly with the input, adversarial inputs included; see bench/redact.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from healer.llm.redaction.deny import DEFAULT_DENY, denied
from healer.llm.redaction.entropy import random_spans
from healer.llm.redaction.formats import FORMAT_RANKS, Span, format_spans
from healer.llm.redaction.names import named_spans

__all__ = ["DEFAULT_DENY", "PLACEHOLDER", "Redacted", "denied", "redact"]

PLACEHOLDER = "[REDACTED:{}]"


@dataclass(frozen=True)
class Redacted:
    """`text` with each secret replaced by `[REDACTED:kind]`; `count` replacements; the distinct kinds, sorted."""

    text: str
    count: int
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class Finding:
    """One secret found in the text as given: where it is and what kind it is."""

    start: int
    end: int
    kind: str


def redact(text: str) -> Redacted:
    """`text` with every secret found replaced by a placeholder naming its kind."""
    count, kinds = 0, set[str]()
    # A replacement can change what its neighbours look like (a token glued to a key now ends at a
    # placeholder, a name's value now follows one), so passes repeat until nothing more is found: then
    # redacting the output again changes nothing. Text without secrets takes one pass.
    for _ in range(_PASSES):
        spans = _merge(_candidates(text), _placeholders(text))
        if not spans:
            break
        count += len(spans)
        kinds.update(span[3] for span in spans)
        text = _replace(text, spans)
    return Redacted(text, count, tuple(sorted(kinds)))


def findings(text: str) -> list[Finding]:
    """The secrets of `text` where they are in `text` itself (one pass, as `redact`'s first), for showing a user."""
    return [Finding(start, end, kind) for start, end, _rank, kind in _merge(_candidates(text), _placeholders(text))]


_PASSES = 8
"""In practice one pass finds everything and a second confirms it; more only for secrets glued together."""
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_REDACTED = re.compile(r"\[REDACTED:[a-z0-9-]{1,40}\]")


def _candidates(text: str) -> Iterator[Span]:
    # Secret words are matched in lower case: a case-insensitive regex cannot skip ahead and is ten times slower.
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters lower to two (`İ`); ASCII is all that matters here
        lowered = text.translate(_ASCII_LOWER)
    yield from format_spans(text, lowered, 0)
    yield from named_spans(text, lowered, FORMAT_RANKS)
    yield from random_spans(text, FORMAT_RANKS + 1, _holds_secret)


def _holds_secret(decoded: str) -> bool:
    """Whether text found base64-encoded holds a secret (a key file, a docker `auth`): what it encodes is a
    quarter shorter, so judging it by the same layers ends."""
    return any(True for _ in _candidates(decoded))


def _replace(text: str, spans: list[Span]) -> str:
    out: list[str] = []
    last = 0
    for start, end, _rank, kind in spans:
        out.append(text[last:start])
        out.append(PLACEHOLDER.format(kind))
        last = end
    out.append(text[last:])
    return "".join(out)


def _placeholders(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _REDACTED.finditer(text)] if "[REDACTED:" in text else []


def _merge(candidates: Iterator[Span], keep: list[tuple[int, int]]) -> list[Span]:
    """Overlapping findings become one span named by the most specific; placeholders already there stay as they are."""
    spans = sorted(candidates, key=lambda span: (span[0], -span[1], span[2]))
    merged: list[Span] = []
    for span in spans:
        if merged and span[0] < merged[-1][1]:
            start, end, rank, kind = merged[-1]
            if span[2] < rank:
                rank, kind = span[2], span[3]
            merged[-1] = (start, max(end, span[1]), rank, kind)
        else:
            merged.append(span)
    return _outside(merged, keep) if keep else merged


def _outside(spans: list[Span], keep: list[tuple[int, int]]) -> list[Span]:
    """The parts of `spans` that lie outside the placeholders in `keep`; both are sorted and disjoint."""
    parts: list[Span] = []
    first = 0
    for start, end, rank, kind in spans:
        while first < len(keep) and keep[first][1] <= start:
            first += 1
        index = first
        while index < len(keep) and keep[index][0] < end:
            if keep[index][0] > start:
                parts.append((start, keep[index][0], rank, kind))
            start = max(start, keep[index][1])
            index += 1
        if start < end:
            parts.append((start, end, rank, kind))
    return parts
