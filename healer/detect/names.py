"""Stage names: the form the config accepts, and keeping them unique."""

from __future__ import annotations

import re
from collections.abc import Collection

NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
_INVALID = re.compile(r"[^a-z0-9_-]+")
_MAX_LENGTH = 48


def slug(text: str) -> str:
    """`text` as a valid stage name, or "" when nothing of it survives."""
    name = _INVALID.sub("-", text.lower())
    name = re.sub(r"-{2,}", "-", name).lstrip("-_")[:_MAX_LENGTH]
    return name.rstrip("-_")


def unique(name: str, prefix: str, taken: Collection[str]) -> str:
    """`name`, or a variant of it not in `taken`: first `<prefix>-<name>`, then numbered."""
    base = slug(name) or slug(prefix) or "stage"
    if base not in taken:
        return base
    prefixed = slug(f"{prefix}-{base}") or base
    if prefixed not in taken:
        return prefixed
    number = 2
    while f"{prefixed}-{number}" in taken:
        number += 1
    return f"{prefixed}-{number}"
