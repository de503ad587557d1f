"""Stable identity for a problem: the same failure matches across runs and repositories."""

from __future__ import annotations

import hashlib
import re

# Order matters: wider shapes first, so a path's digits or a timestamp's colons
# are gone before the number rule sees them.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # A URL's trailing punctuation belongs to the sentence around it.
    (
        re.compile(r"(?<![\w+.-])[A-Za-z][\w+.-]*://[^\s'\"`<>()\[\]]*[^\s'\"`<>()\[\].,;:!?]"),
        "<url>",
    ),
    (
        re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"),
        "<id>",
    ),
    (
        re.compile(
            r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)?"
            r"(?:Z|[+-]\d{2}:?\d{2})?\b"
        ),
        "<time>",
    ),
    # Windows absolute (drive or UNC), then POSIX absolute, then relative paths
    # with a separator, then bare file names with a source-like extension.
    (re.compile(r"(?<![\w])(?:[A-Za-z]:|\\\\[\w.$-]+)[\\/][^\s'\"`<>():,;|*?]*"), "<path>"),
    (re.compile(r"(?<![\w.~/\\-])~?/[^\s'\"`<>():,;|*?]*[^\s'\"`<>():,;|*?.]"), "<path>"),
    (re.compile(r"(?<![\w./\\-])(?:\.{1,2}[\\/])*[\w.-]+(?:[\\/][\w.-]+)+"), "<path>"),
    (
        re.compile(
            r"(?<![\w.-])[\w-]+(?:\.[\w-]+)*\.(?:py|pyi|pyx|ipynb|ts|tsx|js|jsx|mjs|cjs|json|"
            r"toml|ya?ml|cfg|ini|txt|md|rst|c|h|cc|cpp|hpp|rs|go|java|rb|sh|lock|whl)\b"
        ),
        "<path>",
    ),
    (re.compile(r"\b0[xX][0-9a-fA-F]+\b"), "<hex>"),
    # Hex ids (git shas, object ids) need a digit and a letter: `deadbeef` is a
    # word and `1000000` is a number.
    (re.compile(r"(?<![\w])(?=\d*[a-fA-F])(?=[a-fA-F]*\d)[0-9a-fA-F]{7,}(?![\w])"), "<hex>"),
    # A number glued to letters before it is part of an identifier (`x1`, `py311`)
    # and stays; letters after it are a unit (`1.5s`, `12ms`) and go with it.
    (re.compile(r"(?<![A-Za-z_0-9])\d+(?:[.,:]\d+)*(?:[a-zA-Zµ]{1,3}\b)?"), "<n>"),
    (re.compile(r"\s+"), " "),
)


MAX_MESSAGE = 4096
"""What decides a problem's identity is at the start of its message; a cap bounds the work."""


def normalize_message(message: str) -> str:
    """The message with everything that varies between runs replaced by placeholders."""
    message = message[:MAX_MESSAGE]
    for pattern, placeholder in _RULES:
        message = pattern.sub(placeholder, message)
    return message.strip()


def fingerprint(tool: str, code: str | None, message: str) -> str:
    """A short hex digest of the tool, the code and the message's substance."""
    key = "\x00".join((tool.strip().lower(), (code or "").strip(), normalize_message(message)))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
